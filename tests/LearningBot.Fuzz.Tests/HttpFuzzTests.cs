using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LearningBot.Slack.Adapter;
using LearningBot.Slack.Rendering;

namespace LearningBot.Fuzz.Tests;

/// <summary>
/// Random, mutated and malformed requests to every inbound endpoint of the real host: a 4xx (or a 2xx ack) every
/// time, never a 5xx, and nothing fails later in the background (no error in the logs after the work has run).
/// Slack requests are correctly signed, so the parser behind the verification is what gets tested.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class HttpFuzzTests
{
    private FuzzHost _host = null!;

    [OneTimeSetUp]
    public void Start() => _host = new FuzzHost();

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private int _errorsBefore;

    [SetUp]
    public void MarkLogs() => _errorsBefore = _host.Logs.Errors.Count();

    /// <summary>After each test: background work done, and no error logged while it ran (a crash the ack hid).</summary>
    [TearDown]
    public async Task NoErrorsLogged()
    {
        await _host.DrainAsync();
        await Task.Delay(100);
        Assert.That(_host.Logs.Errors.Skip(_errorsBefore), Is.Empty);
    }

    private static async Task AssertNot5xx(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.LessThan(500), $"{what}\n→ {(int)response.StatusCode} {body}");
    }

    // ---- Slack ----

    private static string Form(params (string Name, string Value)[] fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value)));

    private static readonly (string Name, string Value)[] CommandFields =
    [
        ("token", "x"), ("team_id", "T0001"), ("team_domain", "example"), ("channel_id", "C0001"), ("channel_name", "general"),
        ("user_id", "UANN"), ("user_name", "ann"), ("command", "/learnbot"), ("text", "help"), ("api_app_id", "A1"),
        ("response_url", "RESPONSE"), ("trigger_id", "1.2.3"),
    ];

    [Test]
    public async Task Slack_commands_with_random_signed_form_bodies_are_never_a_5xx()
    {
        var mutator = new JsonMutator(1);
        var commands = new[] { "/learnbot", "/learned", "/kudos", "/ask", "/other", "", "learnbot" };
        var texts = HostileText.Sample(HostileText.Command, 120, seed: 2);
        for (var i = 0; i < texts.Count; i++)
        {
            var fields = CommandFields.Select(f => f.Name switch
            {
                "text" => (f.Name, texts[i]),
                "command" => (f.Name, commands[i % commands.Length]),
                "response_url" => (f.Name, _host.Platform.Url + "/response/" + i),
                "trigger_id" when i % 5 == 0 => (f.Name, string.Empty),
                _ when mutator.Next(8) == 0 => (f.Name, mutator.RandomString()),
                _ => f,
            }).Where(_ => mutator.Next(20) != 0).ToArray();
            var body = Form(fields);
            using var response = await _host.PostSlackAsync("/slack/commands", body);
            await AssertNot5xx(response, body);
        }

        // Bodies that are not forms at all, or broken ones.
        string[] broken = ["", "=", "&&&", "%", "%zz=%zz", "team_id=%E0%A4%A", "a=1&a=2&a=3", "text=" + new string('%', 999),
            "team_id=T1&user_id=U1&command=/learnbot&text=%00%01%ff%fe", "{\"team_id\":\"T1\"}", "\u0000\u0001\u0002",
            "team_id=T1&team_id=T2&user_id=U1&command=/learnbot&text=help", "ssl_check=1", "ssl_check=1&token=x"];
        foreach (var body in broken)
        {
            using var response = await _host.PostSlackAsync("/slack/commands", body);
            await AssertNot5xx(response, body);
        }
    }

    private static JsonObject SlackEvent(JsonObject evt, string type = "event_callback") => new()
    {
        ["token"] = "x", ["team_id"] = "T0001", ["api_app_id"] = "A1", ["event"] = evt, ["type"] = type,
        ["event_id"] = "Ev" + Guid.NewGuid().ToString("N")[..10], ["event_time"] = FuzzHost.Now,
    };

    private static IEnumerable<JsonObject> SlackEventTemplates()
    {
        yield return SlackEvent(new JsonObject { ["type"] = "app_mention", ["user"] = "UANN", ["text"] = "<@UBOT> learned fuzzing #qa", ["ts"] = "1.1", ["channel"] = "C0001", ["event_ts"] = "1.1" });
        yield return SlackEvent(new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["user"] = "UANN", ["text"] = "I learned fuzzing", ["ts"] = "1.2", ["channel"] = "D0001" });
        yield return SlackEvent(new JsonObject { ["type"] = "message", ["channel_type"] = "channel", ["user"] = "UANN", ["text"] = "an answer", ["ts"] = "1.4", ["thread_ts"] = "1.3", ["channel"] = "C0001" });
        yield return SlackEvent(new JsonObject { ["type"] = "app_home_opened", ["user"] = "UANN", ["tab"] = "home", ["channel"] = "D0001" });
        yield return SlackEvent(new JsonObject { ["type"] = "tokens_revoked", ["tokens"] = new JsonObject { ["oauth"] = new JsonArray(), ["bot"] = new JsonArray("UBOT") } });
        yield return SlackEvent(new JsonObject { ["type"] = "url_verification" }, "url_verification");
    }

    [Test]
    public async Task Slack_events_with_mutated_and_malformed_json_are_never_a_5xx()
    {
        var mutator = new JsonMutator(3);
        var templates = SlackEventTemplates().ToList();
        for (var i = 0; i < 150; i++)
        {
            var template = templates[i % templates.Count];
            // Keep the team and the event type most of the time, so the mutation lands inside the handler.
            var mutated = mutator.Mutate(template, rate: 0.3);
            if (i % 3 != 0)
            {
                mutated["type"] = template["type"]!.DeepClone();
                mutated["team_id"] = "T0001";
                mutated["event_id"] = "Ev" + i;
            }

            var body = mutated.ToJsonString();
            using var response = await _host.PostSlackAsync("/slack/events", Encoding.UTF8.GetBytes(body), "application/json");
            await AssertNot5xx(response, body);
        }

        string[] broken = ["", "null", "[]", "\"event_callback\"", "{", "{\"type\":", "{\"type\":\"event_callback\"", "[1,2",
            "{\"type\":\"event_callback\",\"type\":\"url_verification\",\"challenge\":\"x\"}",
            "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"E1\",\"event\":{\"type\":\"message\",\"type\":\"app_mention\"}}",
            "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"team_id\":\"T2\",\"event_id\":\"E2\",\"event\":{}}",
            new string('[', 5000) + new string(']', 5000), "{\"type\":\"\ud800\"}", "\ufeff{\"type\":\"url_verification\",\"challenge\":\"c\"}",
            "{\"type\":\"event_callback\",\"team_id\":1,\"event_id\":[],\"event\":\"x\"}"];
        foreach (var body in broken)
        {
            using var response = await _host.PostSlackAsync("/slack/events", Encoding.UTF8.GetBytes(body), "application/json");
            await AssertNot5xx(response, body);
        }

        // Not even UTF-8.
        using var binary = await _host.PostSlackAsync("/slack/events", [0xff, 0xfe, 0x00, 0xc3, 0x28, 0x7b], "application/json");
        await AssertNot5xx(binary, "binary");
    }

    private static IEnumerable<JsonObject> InteractionTemplates()
    {
        var user = new JsonObject { ["id"] = "UANN", ["username"] = "ann", ["name"] = "ann", ["team_id"] = "T0001" };
        yield return new JsonObject
        {
            ["type"] = "block_actions", ["team"] = new JsonObject { ["id"] = "T0001" }, ["user"] = user.DeepClone(),
            ["channel"] = new JsonObject { ["id"] = "C0001" }, ["trigger_id"] = "1.2", ["response_url"] = "http://127.0.0.1:9/r",
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = BlockKitRenderer.CommandActionPrefix + "0", ["value"] = "helped 1", ["action_ts"] = "1.5" }),
        };
        yield return new JsonObject
        {
            ["type"] = "view_submission", ["team"] = new JsonObject { ["id"] = "T0001" }, ["user"] = user.DeepClone(),
            ["view"] = new JsonObject
            {
                ["id"] = "V1", ["callback_id"] = SlackModals.KudosCallback, ["private_metadata"] = "C0001",
                ["state"] = new JsonObject { ["values"] = new JsonObject
                {
                    ["receivers"] = new JsonObject { ["users"] = new JsonObject { ["type"] = "multi_users_select", ["selected_users"] = new JsonArray("UBO") } },
                    ["reason"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "the review" } },
                    ["value"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "mentoring" } },
                } },
            },
        };
        yield return new JsonObject
        {
            ["type"] = "view_submission", ["team"] = new JsonObject { ["id"] = "T0001" }, ["user"] = user.DeepClone(),
            ["view"] = new JsonObject
            {
                ["id"] = "V2", ["callback_id"] = SlackModals.ShareCallback, ["private_metadata"] = "C0001",
                ["state"] = new JsonObject { ["values"] = new JsonObject
                {
                    ["question"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "how?" } },
                    ["answer"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "so" } },
                } },
            },
        };
        yield return new JsonObject
        {
            ["type"] = "message_action", ["callback_id"] = SlackModals.ShareShortcutCallback, ["team"] = new JsonObject { ["id"] = "T0001" },
            ["user"] = user.DeepClone(), ["channel"] = new JsonObject { ["id"] = "C0001" }, ["trigger_id"] = "1.3",
            ["message"] = new JsonObject { ["text"] = "deploys need the vpn", ["ts"] = "1.6", ["thread_ts"] = "1.6", ["reply_count"] = 2 },
        };
    }

    [Test]
    public async Task Slack_interactions_with_mutated_and_malformed_payloads_are_never_a_5xx()
    {
        var mutator = new JsonMutator(5);
        var templates = InteractionTemplates().ToList();
        for (var i = 0; i < 160; i++)
        {
            var template = templates[i % templates.Count];
            var mutated = mutator.Mutate(template, rate: 0.3);
            if (i % 3 != 0)
            {
                mutated["type"] = template["type"]!.DeepClone();
                mutated["team"] = new JsonObject { ["id"] = "T0001" };
                mutated["user"] = template["user"]!.DeepClone();
            }

            var body = Form(("payload", mutated.ToJsonString()));
            using var response = await _host.PostSlackAsync("/slack/interactions", body);
            await AssertNot5xx(response, mutated.ToJsonString());
        }

        string[] broken = ["", "payload=", "payload=null", "payload=%5B%5D", "payload=%7B", "payload=42", "payload=%22x%22",
            "payload=" + Uri.EscapeDataString("{\"type\":\"block_actions\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"},\"actions\":\"x\"}"),
            "payload=" + Uri.EscapeDataString("{\"type\":\"block_actions\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"},\"actions\":[1,null,\"x\"]}"),
            "payload=" + Uri.EscapeDataString("{\"type\":\"view_submission\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"},\"view\":\"x\"}"),
            "payload=" + Uri.EscapeDataString("{\"type\":\"view_submission\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"},\"view\":{\"state\":[1]}}"),
            "payload=" + Uri.EscapeDataString("{\"type\":\"message_action\",\"callback_id\":\"" + SlackModals.ShareShortcutCallback + "\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"},\"message\":\"x\"}"),
            "payload=" + Uri.EscapeDataString("{\"team\":\"T1\",\"user\":\"U1\"}"),
            "payload=" + Uri.EscapeDataString("{\"type\":\"block_actions\",\"type\":\"view_submission\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"}}"),
            "payload=" + Uri.EscapeDataString(new string('[', 3000)),
            "payload=1&payload=2"];
        foreach (var body in broken)
        {
            using var response = await _host.PostSlackAsync("/slack/interactions", body);
            await AssertNot5xx(response, body);
        }
    }

    [TestCase("/slack/commands")]
    [TestCase("/slack/events")]
    [TestCase("/slack/interactions")]
    public async Task Slack_endpoints_with_wrong_content_types_are_never_a_5xx(string path)
    {
        string?[] types = [null, "text/plain", "application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/xml", "application/x-www-form-urlencoded; charset=utf-16", "image/png", "garbage", ";;;", "application/json; charset=nope"];
        string[] bodies = ["team_id=T1&user_id=U1&command=/learnbot&text=help", "{\"type\":\"url_verification\",\"challenge\":\"c\"}",
            "payload=" + Uri.EscapeDataString("{\"type\":\"block_actions\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"}}"), "--x\r\n\r\n--x--"];
        foreach (var type in types)
        {
            foreach (var body in bodies)
            {
                using var response = await _host.PostSlackAsync(path, Encoding.UTF8.GetBytes(body), type);
                await AssertNot5xx(response, $"{type}: {body}");
            }
        }
    }

    // ---- Teams ----

    private JsonObject TeamsActivity(string type, string text, string conversationType = "channel") => new()
    {
        ["type"] = type, ["id"] = "1732600" + Random.Shared.Next(1_000_000), ["timestamp"] = "2026-11-24T09:00:00.000Z",
        ["serviceUrl"] = _host.ServiceUrl, ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = "29:1Ann", ["name"] = "Ann Lee", ["aadObjectId"] = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa" },
        ["conversation"] = new JsonObject { ["isGroup"] = true, ["conversationType"] = conversationType, ["tenantId"] = "tenant-1", ["id"] = "19:abc@thread.tacv2;messageid=1" },
        ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "LearningBot" },
        ["text"] = "<at>LearningBot</at> " + text,
        ["entities"] = new JsonArray(new JsonObject { ["type"] = "mention", ["text"] = "<at>LearningBot</at>", ["mentioned"] = new JsonObject { ["id"] = "28:bot", ["name"] = "LearningBot" } }),
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" }, ["team"] = new JsonObject { ["id"] = "19:team@thread.tacv2" }, ["channel"] = new JsonObject { ["id"] = "19:abc@thread.tacv2" } },
    };

    private IEnumerable<JsonObject> TeamsTemplates(string text)
    {
        yield return TeamsActivity("message", text);
        yield return TeamsActivity("message", text, "personal");
        var invoke = TeamsActivity("invoke", text);
        invoke["name"] = "adaptiveCard/action";
        invoke["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "learningbot.command", ["data"] = new JsonObject { ["command"] = text } } };
        yield return invoke;
        var query = TeamsActivity("invoke", text);
        query["name"] = "composeExtension/query";
        query["value"] = new JsonObject { ["commandId"] = "searchAnswers", ["parameters"] = new JsonArray(new JsonObject { ["name"] = "query", ["value"] = text }) };
        yield return query;
        var save = TeamsActivity("invoke", text);
        save["name"] = "composeExtension/submitAction";
        save["value"] = new JsonObject
        {
            ["commandId"] = "saveAnswer", ["data"] = new JsonObject { ["question"] = text, ["tags"] = text },
            ["messagePayload"] = new JsonObject { ["id"] = "1", ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = "<p>" + text + "</p>" } },
        };
        yield return save;
        var update = TeamsActivity("conversationUpdate", text);
        update["membersAdded"] = new JsonArray(new JsonObject { ["id"] = "28:bot" });
        yield return update;
        var install = TeamsActivity("installationUpdate", text, "personal");
        install["action"] = "remove";
        yield return install;
    }

    [Test]
    public async Task Teams_activities_mutated_or_malformed_are_never_a_5xx()
    {
        var mutator = new JsonMutator(7);
        var texts = HostileText.Sample(HostileText.Command, 25, seed: 11);
        var i = 0;
        foreach (var text in texts)
        {
            foreach (var template in TeamsTemplates(text))
            {
                var mutated = i++ % 2 == 0 ? template : mutator.Mutate(template, rate: 0.2);
                // A reply goes to serviceUrl: keep it pointing at the stub connector (a real token pins it), and the type.
                mutated["serviceUrl"] = _host.ServiceUrl;
                mutated["type"] = template["type"]!.DeepClone();
                var body = mutated.ToJsonString();
                using var response = await _host.PostAsync("/api/messages", body);
                await AssertNot5xx(response, body);
            }
        }

        string[] broken = ["", "null", "[]", "42", "\"message\"", "{", "{\"type\":\"message\"}", "{\"type\":\"message\",\"serviceUrl\":\"" + _host.ServiceUrl + "\"}",
            "{\"type\":\"message\",\"serviceUrl\":\"" + _host.ServiceUrl + "\",\"conversation\":{},\"from\":{},\"text\":\"help\"}",
            "{\"type\":\"message\",\"serviceUrl\":\"" + _host.ServiceUrl + "\",\"conversation\":\"x\",\"from\":[],\"text\":5}",
            "{\"type\":\"invoke\",\"serviceUrl\":\"" + _host.ServiceUrl + "\",\"name\":\"adaptiveCard/action\",\"conversation\":{\"id\":\"c\"},\"from\":{\"id\":\"u\"},\"value\":\"x\"}",
            "{\"type\":\"invoke\",\"serviceUrl\":\"" + _host.ServiceUrl + "\",\"name\":\"composeExtension/query\",\"conversation\":{\"id\":\"c\"},\"from\":{\"id\":\"u\"},\"value\":[]}",
            "{\"type\":5}", "{\"type\":\"message\",\"timestamp\":\"not a date\",\"serviceUrl\":\"" + _host.ServiceUrl + "\"}",
            "{\"type\":\"message\",\"serviceUrl\":\"not a url\",\"conversation\":{\"id\":\"c\"},\"from\":{\"id\":\"u\"},\"text\":\"help\"}",
            new string('[', 5000), "{\"type\":\"message\",\"type\":\"invoke\"}",
            "{\"type\":\"invoke\",\"serviceUrl\":\"" + _host.ServiceUrl + "\",\"name\":\"no/such/invoke\",\"conversation\":{\"id\":\"c\"},\"from\":{\"id\":\"u\"}}",
            "{\"type\":\"invoke\",\"serviceUrl\":\"" + _host.ServiceUrl + "\",\"name\":\"adaptiveCard/action\",\"conversation\":{\"id\":\"c\\n\"},\"from\":{\"id\":\"u\"}}",
            "{\"type\":\"message\",\"serviceUrl\":\"" + _host.ServiceUrl + "\",\"conversation\":{\"id\":\"c\\u0000\"},\"from\":{\"id\":\"u\"},\"text\":\"help\"}",
            "{\"type\":\"typing\",\"serviceUrl\":\"" + _host.ServiceUrl + "\",\"conversation\":{\"id\":\"c\"},\"from\":{\"id\":\"u\"}}"];
        foreach (var body in broken)
        {
            using var response = await _host.PostAsync("/api/messages", body);
            await AssertNot5xx(response, body);
        }

        foreach (var type in new[] { null, "text/plain", "application/x-www-form-urlencoded", "application/xml", "garbage" })
        {
            using var response = await _host.PostAsync("/api/messages", TeamsActivity("message", "help").ToJsonString(), type);
            await AssertNot5xx(response, "content type " + type);
        }
    }

    // ---- Playground ----

    [Test]
    public async Task Playground_requests_random_or_malformed_are_never_a_5xx()
    {
        var mutator = new JsonMutator(13);
        var texts = HostileText.Sample(HostileText.Command, 120, seed: 14);
        for (var i = 0; i < texts.Count; i++)
        {
            var request = new JsonObject { ["team"] = "fuzz", ["user"] = "ann", ["text"] = texts[i], ["messageId"] = "m" + i, ["admin"] = i % 2 == 0 };
            if (i % 10 == 0)
            {
                request["threadId"] = mutator.RandomString();
            }

            var body = (i % 3 == 0 ? mutator.Mutate(request, 0.3) : request).ToJsonString();
            using var response = await _host.PostAsync("/api/playground", body);
            await AssertNot5xx(response, body);
        }

        string[] broken = ["", "null", "[]", "{", "{\"team\":5,\"user\":[],\"text\":{}}", "{\"team\":\"a\",\"user\":\"b\",\"text\":\"help\",\"admin\":\"yes\"}",
            "{\"team\":\"a\",\"user\":\"b\",\"text\":\"help\",\"admin\":null}", "{\"team\":\"a\",\"team\":\"b\",\"user\":\"b\",\"text\":\"help\"}",
            new string('{', 3000), "{\"team\":\"a\\ud800\",\"user\":\"b\",\"text\":\"help\"}", "{\"team\":\"a\",\"user\":\"b\",\"text\":\"\\u0000\"}"];
        foreach (var body in broken)
        {
            using var response = await _host.PostAsync("/api/playground", body);
            await AssertNot5xx(response, body);
        }

        foreach (var type in new[] { null, "text/plain", "application/x-www-form-urlencoded", "application/xml", "garbage", "application/json; charset=nope" })
        {
            using var response = await _host.PostAsync("/api/playground", "{\"team\":\"a\",\"user\":\"b\",\"text\":\"help\"}", type);
            await AssertNot5xx(response, "content type " + type);
        }

        foreach (var query in new[] { "", "?team=", "?team=%00", "?team=a&after=x", "?team=a&after=-1", "?team=a&after=99999999999999999999", "?team=" + new string('a', 5000) })
        {
            using var response = await _host.Client.GetAsync("/api/playground/feed" + query);
            await AssertNot5xx(response, "feed" + query);
        }
    }
}
