using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace LearningBot.Slack.Tests;

/// <summary>Events API, modals, the message shortcut, rate limits and uninstalls, through the real host.</summary>
public sealed class SlackEventAndInteractionTests
{
    private SlackHost _host = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _host = new SlackHost();
        _host.StubUser("UANN", "Ann");
        _host.StubUser("UBO", "Bo");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string Team() => "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static string Channel(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static string Name() => Guid.NewGuid().ToString("N")[..10];

    private static Func<WireMock.Logging.ILogEntry, bool> ToChannel(string channel) =>
        c => SlackHost.Json(c)["channel"]?.GetValue<string>() == channel;

    [Test]
    public async Task Url_verification_echoes_the_challenge()
    {
        var body = """{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""";
        using var response = await _host.PostSignedAsync("/slack/events", body, "application/json");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(json["challenge"]!.GetValue<string>(), Is.EqualTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
    }

    [Test]
    public async Task An_app_mention_runs_the_grammar_and_answers_privately_in_that_channel()
    {
        var team = Team();
        var channel = Channel("C");
        using var ack = await _host.EventAsync(team, new JsonObject
        {
            ["type"] = "app_mention", ["user"] = "UANN", ["text"] = "<@UBOT> learned that flaky tests hide real bugs #testing",
            ["ts"] = "1515449522.000016", ["channel"] = channel, ["event_ts"] = "1515449522000016",
        });

        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var call = (await _host.WaitForCallsAsync("/api/chat.postEphemeral", where: ToChannel(channel))).Single();
        var message = SlackHost.Json(call);
        Assert.That(message["user"]!.GetValue<string>(), Is.EqualTo("UANN"));
        Assert.That(SlackHost.Strings(message["blocks"]), Does.Contain("flaky tests hide real bugs"));
        Assert.That(SlackHost.Authorization(call), Is.EqualTo("Bearer " + SlackHost.BotToken));
    }

    [Test]
    public async Task A_dm_that_is_not_a_command_becomes_a_learning_and_a_retried_event_has_no_second_effect()
    {
        var team = Team();
        var dm = Channel("D");
        var evt = new JsonObject
        {
            ["type"] = "message", ["channel_type"] = "im", ["channel"] = dm, ["user"] = "UANN",
            ["text"] = "paired with Bo on the flaky deploy &amp; found a race", ["ts"] = "1700000001.000200",
        };
        var eventId = "Ev" + Name().ToUpperInvariant();
        using var first = await _host.EventAsync(team, evt, eventId);
        var reply = (await _host.WaitForCallsAsync("/api/chat.postMessage", where: ToChannel(dm))).Single();
        // Slack sends & as &amp;; it is stored as typed and escaped again for mrkdwn.
        Assert.That(SlackHost.Strings(SlackHost.Json(reply)["blocks"]),
            Does.Contain("Logged — nice one, Ann!").And.Contain("paired with Bo on the flaky deploy &amp; found a race"));

        // Slack retries on a slow ack: same event_id with X-Slack-Retry-Num.
        using var retry = await _host.EventAsync(team, evt.DeepClone().AsObject(), eventId, retryNum: 1);
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await _host.DrainAsync();
        Assert.That(_host.Calls("/api/chat.postMessage").Count(ToChannel(dm)), Is.EqualTo(1));

        // A command in the DM is a command, and shows the learning was stored once.
        using var list = await _host.EventAsync(team, new JsonObject
        {
            ["type"] = "message", ["channel_type"] = "im", ["channel"] = dm, ["user"] = "UANN", ["text"] = "learned list", ["ts"] = "1700000002.000300",
        });
        var listed = (await _host.WaitForCallsAsync("/api/chat.postMessage", 2, ToChannel(dm)))[1];
        var text = SlackHost.Strings(SlackHost.Json(listed)["blocks"]);
        Assert.That(text.Split("found a race").Length - 1, Is.EqualTo(1));

        // The bot's own messages never loop back.
        using var own = await _host.EventAsync(team, new JsonObject
        {
            ["type"] = "message", ["channel_type"] = "im", ["channel"] = dm, ["bot_id"] = "B1", ["user"] = "UBOT", ["text"] = "Logged", ["ts"] = "1700000003.0004",
        });
        await _host.DrainAsync();
        Assert.That(_host.Calls("/api/chat.postMessage").Count(ToChannel(dm)), Is.EqualTo(2));
    }

    [Test]
    public async Task App_home_shows_recent_learnings_kudos_received_and_top_answers()
    {
        var team = Team();
        await _host.CommandAsync("/learned", "how feature flags decouple deploy from release", _host.ResponseUrl(Name()), team: team, user: "UANN");
        await _host.CommandAsync("/kudos", "<@UANN|ann> for the calm incident review", _host.ResponseUrl(Name()), team: team, user: "UBO", userName: "bo");
        await _host.CommandAsync("/learnbot", "share Where are the runbooks? :: In the ops wiki under Runbooks", _host.ResponseUrl(Name()), team: team, user: "UBO");
        await _host.DrainAsync();

        using var ack = await _host.EventAsync(team, new JsonObject
        {
            ["type"] = "app_home_opened", ["user"] = "UANN", ["channel"] = "DHOME", ["tab"] = "home", ["event_ts"] = "1700000000.1",
        });

        var publish = (await _host.WaitForCallsAsync("/api/views.publish", where: c => SlackHost.Json(c)["user_id"]!.GetValue<string>() == "UANN"
            && SlackHost.Strings(SlackHost.Json(c)).Contains("feature flags"))).Last();
        var view = SlackHost.Json(publish)["view"]!;
        Assert.That(view["type"]!.GetValue<string>(), Is.EqualTo("home"));
        var text = SlackHost.Strings(view["blocks"]);
        Assert.That(text, Does.Contain("how feature flags decouple deploy from release"));
        Assert.That(text, Does.Contain("<@UBO>").And.Contain("the calm incident review"));
        Assert.That(text, Does.Contain("Where are the runbooks?"));
        Assert.That(view["blocks"]!.AsArray().Count, Is.LessThanOrEqualTo(100));
    }

    [Test]
    public async Task App_home_shows_a_private_learning_marked_to_its_author_and_nothing_of_it_to_anyone_else()
    {
        var team = Team();
        await _host.CommandAsync("/learned", "--private quokka husbandry rota #zebrafish 47m", _host.ResponseUrl(Name()), team: team, user: "UANN");
        await _host.CommandAsync("/learned", "ansible facts caching #ansible", _host.ResponseUrl(Name()), team: team, user: "UBO", userName: "bo");
        await _host.CommandAsync("/learnbot", "share Where are the runbooks? :: In the ops wiki under Runbooks", _host.ResponseUrl(Name()),
            team: team, user: "UBO", userName: "bo");
        await _host.DrainAsync();

        async Task<string> HomeOf(string user, string marker)
        {
            using var ack = await _host.EventAsync(team, new JsonObject
            {
                ["type"] = "app_home_opened", ["user"] = user, ["channel"] = "DHOME", ["tab"] = "home", ["event_ts"] = "1700000000.2",
            });
            var publish = (await _host.WaitForCallsAsync("/api/views.publish", where: c => SlackHost.Json(c)["user_id"]!.GetValue<string>() == user
                && SlackHost.Strings(SlackHost.Json(c)).Contains(marker, StringComparison.Ordinal))).Last();
            return SlackHost.Strings(SlackHost.Json(publish)["view"]!["blocks"]);
        }

        var anns = await HomeOf("UANN", "quokka");
        var bos = await HomeOf("UBO", "ansible facts caching");

        Assert.That(anns, Does.Contain("quokka husbandry rota").And.Contain("#zebrafish").And.Contain("private"));
        Assert.That(bos, Does.Contain("Where are the runbooks?"));
        Assert.That(bos, Does.Not.Contain("quokka").And.Not.Contain("zebrafish").And.Not.Contain("private"));
    }

    [Test]
    public async Task Kudos_with_no_text_opens_a_modal_whose_submission_gives_kudos_in_the_channel()
    {
        var team = Team();
        var channel = Channel("C");
        var trigger = "12345." + Name();
        using var ack = await _host.CommandAsync("/kudos", "", _host.ResponseUrl(Name()), team: team, channel: channel, triggerId: trigger);
        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var open = SlackHost.Json((await _host.WaitForCallsAsync("/api/views.open",
            where: c => SlackHost.Json(c)["trigger_id"]!.GetValue<string>() == trigger)).Single());
        var view = open["view"]!;
        Assert.That(view["type"]!.GetValue<string>(), Is.EqualTo("modal"));
        Assert.That(view["private_metadata"]!.GetValue<string>(), Is.EqualTo(channel));
        Assert.That(view["blocks"]![0]!["element"]!["type"]!.GetValue<string>(), Is.EqualTo("multi_users_select"));

        JsonObject Submission(string viewId, string reason) => new()
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = team, ["domain"] = "example" },
            ["user"] = new JsonObject { ["id"] = "UANN", ["username"] = "ann", ["name"] = "ann", ["team_id"] = team },
            ["api_app_id"] = "A123456",
            ["trigger_id"] = "999." + Name(),
            ["view"] = new JsonObject
            {
                ["id"] = viewId, ["type"] = "modal", ["callback_id"] = view["callback_id"]!.GetValue<string>(),
                ["private_metadata"] = channel, ["hash"] = "156772938.1827394",
                ["state"] = new JsonObject
                {
                    ["values"] = new JsonObject
                    {
                        ["receivers"] = new JsonObject { ["users"] = new JsonObject { ["type"] = "multi_users_select", ["selected_users"] = new JsonArray("UBO") } },
                        ["reason"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = reason } },
                        ["value"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "ownership" } },
                    },
                },
            },
        };

        using var invalid = await _host.InteractionAsync(Submission("VINVALID", "   "));
        var errors = JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!;
        Assert.That(errors["response_action"]!.GetValue<string>(), Is.EqualTo("errors"));
        Assert.That(errors["errors"]!["reason"], Is.Not.Null);

        var viewId = "V" + Name().ToUpperInvariant();
        using var submitted = await _host.InteractionAsync(Submission(viewId, "untangling the release train"));
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await submitted.Content.ReadAsStringAsync(), Is.Empty, "an empty 200 closes the modal");

        var posted = (await _host.WaitForCallsAsync("/api/chat.postMessage", where: ToChannel(channel))).Single();
        var text = SlackHost.Strings(SlackHost.Json(posted)["blocks"]);
        Assert.That(text, Does.Contain("<@UANN>").And.Contain("<@UBO>").And.Contain("untangling the release train").And.Contain("#ownership"));
        await _host.WaitForCallsAsync("/api/chat.postMessage", where: ToChannel("DUBO"));

        // Submitting the same view twice (double click) gives kudos once.
        using var twice = await _host.InteractionAsync(Submission(viewId, "untangling the release train"));
        await _host.DrainAsync();
        Assert.That(_host.Calls("/api/chat.postMessage").Count(ToChannel(channel)), Is.EqualTo(1));
    }

    [Test]
    public async Task The_message_shortcut_saves_a_message_as_a_shared_answer_that_ask_then_finds()
    {
        var team = Team();
        var channel = Channel("C");
        var trigger = "777." + Name();
        using var ack = await _host.InteractionAsync(new JsonObject
        {
            ["type"] = "message_action",
            ["callback_id"] = "learningbot_save_shared_answer",
            ["trigger_id"] = trigger,
            ["team"] = new JsonObject { ["id"] = team, ["domain"] = "example" },
            ["user"] = new JsonObject { ["id"] = "UANN", ["name"] = "ann" },
            ["channel"] = new JsonObject { ["id"] = channel, ["name"] = "ops" },
            ["message"] = new JsonObject
            {
                ["type"] = "message", ["user"] = "UBO", ["ts"] = "1700000100.000100",
                ["text"] = "Use `kubectl rollout undo` to roll back &amp; check <@UCY|cy>'s dashboard",
            },
            ["response_url"] = _host.ResponseUrl(Name()),
        });
        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var open = SlackHost.Json((await _host.WaitForCallsAsync("/api/views.open",
            where: c => SlackHost.Json(c)["trigger_id"]!.GetValue<string>() == trigger)).Single());
        var modal = open["view"]!;
        Assert.That(modal["blocks"]![1]!["element"]!["initial_value"]!.GetValue<string>(),
            Is.EqualTo("Use `kubectl rollout undo` to roll back & check @cy's dashboard"), "a form holds text: mentions shown by name");

        using var submitted = await _host.InteractionAsync(new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = team },
            ["user"] = new JsonObject { ["id"] = "UANN", ["name"] = "ann", ["team_id"] = team },
            ["view"] = new JsonObject
            {
                ["id"] = "V" + Name().ToUpperInvariant(), ["callback_id"] = modal["callback_id"]!.GetValue<string>(),
                ["private_metadata"] = modal["private_metadata"]!.GetValue<string>(),
                ["state"] = new JsonObject
                {
                    ["values"] = new JsonObject
                    {
                        ["question"] = new JsonObject { ["text"] = new JsonObject { ["value"] = "How do I roll back a bad deploy?" } },
                        ["answer"] = new JsonObject { ["text"] = new JsonObject { ["value"] = "Use kubectl rollout undo, then check the dashboard" } },
                    },
                },
            },
        });
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await _host.WaitForCallsAsync("/api/chat.postMessage", where: ToChannel(channel));

        var asked = Name();
        await _host.CommandAsync("/ask", "how to roll back a deploy", _host.ResponseUrl(asked), team: team, user: "UBO");
        var results = SlackHost.Strings((await _host.WaitForRepliesAsync("/response/" + asked)).Single()["blocks"]);
        Assert.That(results, Does.Contain("How do I roll back a bad deploy?"));
    }

    [Test]
    public async Task A_429_is_retried_after_the_retry_after_delay()
    {
        var team = Team();
        var channel = Channel("C");
        _host.Slack.Given(Request.Create().WithPath("/api/chat.postEphemeral").UsingPost().WithBody(b => b != null && b.Contains(channel)))
            .InScenario("rate-" + channel).WillSetStateTo("limited").AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithBody("""{"ok":false,"error":"ratelimited"}"""));
        _host.Slack.Given(Request.Create().WithPath("/api/chat.postEphemeral").UsingPost().WithBody(b => b != null && b.Contains(channel)))
            .InScenario("rate-" + channel).WhenStateIs("limited").AtPriority(1)
            .RespondWith(SlackHost.OkJson(new JsonObject { ["ok"] = true }));

        using var ack = await _host.EventAsync(team, new JsonObject
        {
            ["type"] = "app_mention", ["user"] = "UANN", ["text"] = "<@UBOT> help", ["ts"] = "1.2", ["channel"] = channel,
        });

        var calls = await _host.WaitForCallsAsync("/api/chat.postEphemeral", 2, ToChannel(channel));
        var gap = calls[1].RequestMessage.DateTime - calls[0].RequestMessage.DateTime;
        Assert.That((int)calls[0].ResponseMessage.StatusCode!, Is.EqualTo(429));
        Assert.That(gap, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)), "waited for Retry-After: 1");
        Assert.That(gap, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(calls, Has.Count.EqualTo(2), "no third attempt once Slack accepted it");
        TestContext.Out.WriteLine($"retry after {gap.TotalMilliseconds:F0} ms");
    }

    [Test]
    public async Task A_5xx_is_retried_with_backoff_and_ok_false_is_not_retried()
    {
        var team = Team();
        var channel = Channel("C");
        _host.Slack.Given(Request.Create().WithPath("/api/chat.postEphemeral").UsingPost().WithBody(b => b != null && b.Contains(channel)))
            .InScenario("5xx-" + channel).WillSetStateTo("recovered").AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(503));
        _host.Slack.Given(Request.Create().WithPath("/api/chat.postEphemeral").UsingPost().WithBody(b => b != null && b.Contains(channel)))
            .InScenario("5xx-" + channel).WhenStateIs("recovered").AtPriority(1)
            .RespondWith(SlackHost.OkJson(new JsonObject { ["ok"] = false, ["error"] = "channel_not_found" }));

        using var ack = await _host.EventAsync(team, new JsonObject
        {
            ["type"] = "app_mention", ["user"] = "UANN", ["text"] = "<@UBOT> help", ["ts"] = "1.3", ["channel"] = channel,
        });

        await _host.WaitForCallsAsync("/api/chat.postEphemeral", 2, ToChannel(channel));
        // channel_not_found: the reply goes to the person by DM instead, and the call is not retried.
        await _host.WaitForCallsAsync("/api/chat.postMessage", where: ToChannel("DUANN"));
        await _host.DrainAsync();
        Assert.That(_host.Calls("/api/chat.postEphemeral").Count(ToChannel(channel)), Is.EqualTo(2));
    }

    [Test]
    public async Task After_app_uninstalled_the_workspace_token_is_no_longer_used()
    {
        var team = Team();
        var channel = Channel("C");
        var user = Channel("U");
        using var uninstalled = await _host.EventAsync(team, new JsonObject { ["type"] = "app_uninstalled" });
        Assert.That(uninstalled.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await _host.DrainAsync();

        using var mention = await _host.EventAsync(team, new JsonObject
        {
            ["type"] = "app_mention", ["user"] = user, ["text"] = "<@UBOT> help", ["ts"] = "1.4", ["channel"] = channel,
        });
        await _host.DrainAsync();

        // Not one Web API call about that person or channel: users.info, chat.postEphemeral, DMs.
        var about = _host.Slack.LogEntries.Where(e => e.RequestMessage.Path.StartsWith("/api/", StringComparison.Ordinal)
                                                      && (e.RequestMessage.Body!.Contains(user) || e.RequestMessage.Body.Contains(channel)));
        Assert.That(about, Is.Empty);

        // Another workspace on the same token still works (the uninstall was for one workspace only).
        using var other = await _host.EventAsync(Team(), new JsonObject
        {
            ["type"] = "app_mention", ["user"] = user, ["text"] = "<@UBOT> help", ["ts"] = "1.5", ["channel"] = channel,
        });
        await _host.WaitForCallsAsync("/api/chat.postEphemeral", where: ToChannel(channel));
    }

    [Test]
    public async Task The_shortcut_on_a_threaded_message_fills_the_answer_with_the_whole_thread()
    {
        var team = Team();
        var channel = Channel("C");
        var trigger = "888." + Name();
        _host.Slack.Given(Request.Create().WithPath("/api/views.open").UsingPost().WithBody(b => b != null && b.Contains(trigger))).AtPriority(1)
            .RespondWith(SlackHost.OkJson(new JsonObject { ["ok"] = true, ["view"] = new JsonObject { ["id"] = "VTHREAD" + channel, ["hash"] = "156772938.1827394" } }));
        _host.Slack.Given(Request.Create().WithPath("/api/conversations.replies").UsingPost().WithBody(b => b != null && b.Contains(channel))).AtPriority(1)
            .RespondWith(SlackHost.OkJson(new JsonObject
            {
                ["ok"] = true,
                ["messages"] = new JsonArray(
                    new JsonObject { ["type"] = "message", ["user"] = "UANN", ["text"] = "Why does the nightly build time out?", ["ts"] = "1700000200.000100", ["reply_count"] = 2 },
                    new JsonObject { ["type"] = "message", ["user"] = "UBO", ["text"] = "The cache volume fills up", ["ts"] = "1700000201.000100", ["thread_ts"] = "1700000200.000100" },
                    new JsonObject { ["type"] = "message", ["user"] = "UCY", ["text"] = "Run the prune job first", ["ts"] = "1700000202.000100", ["thread_ts"] = "1700000200.000100" }),
                ["has_more"] = false,
            }));

        using var ack = await _host.InteractionAsync(new JsonObject
        {
            ["type"] = "message_action", ["callback_id"] = "learningbot_save_shared_answer", ["trigger_id"] = trigger,
            ["team"] = new JsonObject { ["id"] = team }, ["user"] = new JsonObject { ["id"] = "UANN", ["name"] = "ann" },
            ["channel"] = new JsonObject { ["id"] = channel, ["name"] = "builds" },
            ["message"] = new JsonObject
            {
                ["type"] = "message", ["user"] = "UBO", ["text"] = "The cache volume fills up", ["ts"] = "1700000201.000100", ["thread_ts"] = "1700000200.000100",
            },
            ["response_url"] = _host.ResponseUrl(Name()),
        });

        var update = SlackHost.Json((await _host.WaitForCallsAsync("/api/views.update",
            where: c => SlackHost.Json(c)["view_id"]!.GetValue<string>() == "VTHREAD" + channel)).Single());
        Assert.That(update["hash"]!.GetValue<string>(), Is.EqualTo("156772938.1827394"), "an update never overwrites a newer view");
        var blocks = update["view"]!["blocks"]!;
        Assert.That(blocks[0]!["element"]!["initial_value"]!.GetValue<string>(), Is.EqualTo("Why does the nightly build time out?"));
        Assert.That(blocks[1]!["element"]!["initial_value"]!.GetValue<string>(),
            Is.EqualTo("Why does the nightly build time out?\n\nThe cache volume fills up\n\nRun the prune job first"));
        var replies = _host.Calls("/api/conversations.replies").Single(c => c.RequestMessage.Body!.Contains(channel)).RequestMessage.Body!;
        Assert.That(replies, Does.Contain("ts=1700000200.000100"));
    }

    [Test]
    public async Task When_slack_refuses_to_open_the_modal_the_person_is_told_privately()
    {
        var trigger = "555." + Name();
        _host.Slack.Given(Request.Create().WithPath("/api/views.open").UsingPost().WithBody(b => b != null && b.Contains(trigger))).AtPriority(1)
            .RespondWith(SlackHost.OkJson(new JsonObject { ["ok"] = false, ["error"] = "expired_trigger_id" }));
        var reply = Name();

        using var ack = await _host.CommandAsync("/kudos", "", _host.ResponseUrl(reply), team: Team(), triggerId: trigger);

        var message = (await _host.WaitForRepliesAsync("/response/" + reply)).Single();
        Assert.That(message["response_type"]!.GetValue<string>(), Is.EqualTo("ephemeral"));
        Assert.That(message["text"]!.GetValue<string>(), Does.Contain("expired_trigger_id").And.Contain("/kudos @name"));
    }

    [Test]
    public async Task One_message_delivered_as_two_events_is_answered_once()
    {
        var team = Team();
        var dm = Channel("D");
        var evt = new JsonObject { ["user"] = "UANN", ["text"] = "<@UBOT> help", ["ts"] = "1700000300.000100", ["channel"] = dm };
        var asMention = evt.DeepClone().AsObject();
        asMention["type"] = "app_mention";
        var asDm = evt.DeepClone().AsObject();
        asDm["type"] = "message";
        asDm["channel_type"] = "im";

        using var first = await _host.EventAsync(team, asMention);
        using var second = await _host.EventAsync(team, asDm);
        await _host.DrainAsync();

        var replies = _host.Calls("/api/chat.postEphemeral").Concat(_host.Calls("/api/chat.postMessage")).Count(ToChannel(dm));
        Assert.That(replies, Is.EqualTo(1));
    }

    [Test]
    public async Task Slacks_ssl_check_is_answered_with_200()
    {
        using var response = await _host.PostSignedAsync("/slack/commands", "ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO",
            "application/x-www-form-urlencoded");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
