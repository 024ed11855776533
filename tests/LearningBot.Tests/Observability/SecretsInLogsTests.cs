using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using LearningBot.Slack.Adapter;
using LearningBot.Tests.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningBot.Tests.Observability;

/// <summary>
/// Runs the real host with every secret configured (fresh random values), logging everything down to Trace, drives
/// good and failing requests through Slack, Teams, the dashboard and the playground, and then looks for each
/// secret in every log entry (message, structured values, scopes, exception text) and in every response body.
/// </summary>
public sealed class SecretsInLogsTests
{
    private static string Random(string prefix, int bytes = 24) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private readonly Dictionary<string, string> _secrets = new()
    {
        ["Slack:SigningSecret"] = Random("sss"),
        ["Slack:BotToken"] = Random("xoxb-"),
        ["Slack:ClientSecret"] = Random("scs"),
        ["MicrosoftAppPassword"] = Random("tap~"),
        ["Dashboard:SigningKey"] = Random("dsk"),
    };

    private readonly List<string> _responses = [];

    /// <summary>
    /// Capabilities that travel in URLs (filled in while driving the host): a dashboard link token, an export link token,
    /// the secret part of a Slack response_url, and an OAuth code and state. Unlike the secrets they appear in responses
    /// (that is how they reach their holder), but never in a log line, whatever the level.
    /// </summary>
    private readonly Dictionary<string, string> _capabilities = new()
    {
        ["response_url secret"] = Random("rus", 12),
        ["OAuth code"] = Random("c", 12) + "." + Random("", 6),
    };

    [Test]
    public async Task No_secret_appears_in_the_logs_of_a_host_run_on_sqlite()
    {
        await using var slack = await FakeSlackServer.StartAsync();
        using var directory = new TempDirectory();
        var logs = new CapturedLogs();
        await using var factory = CreateHost(slack, logs, new Dictionary<string, string?> { ["Storage:Sqlite:Path"] = directory.File("secrets.db") });
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        await DriveAsync(client, slack);
        await WaitForSlackWorkAsync(factory);

        AssertNoSecretIn(logs);
        AssertNoCapabilityIn(logs);
        // The failing paths did run and log (otherwise this test would prove little).
        Assert.That(logs.Entries, Has.Some.Contains("invalid_auth"), "users.info failure logged");
        Assert.That(logs.Entries, Has.Some.Contains("response_url answered HTTP 500"), "response_url failure logged");
        Assert.That(slack.Calls, Has.Some.EqualTo("oauth.v2.access"), "the OAuth exchange (with the client secret) ran");
        Assert.That(slack.Calls, Has.Some.EqualTo("commands"), "the reply went to the Slack-shaped response_url");
        // The places these capabilities would be logged did log the request (with the capability redacted).
        Assert.That(logs.Entries, Has.Some.Contains("/dashboard/signin?token=" + LogRedactorMask), "request logging saw the link");
        Assert.That(logs.Entries, Has.Some.Contains("/commands/" + LogRedactorMask), "HttpClient logging saw the response_url");
        Assert.That(logs.Entries, Has.Some.Contains("code=" + LogRedactorMask), "request logging saw the OAuth callback");
    }

    private const string LogRedactorMask = LearningBot.Web.Hosting.LogRedactor.Mask;

    [Test]
    public async Task No_secret_appears_in_the_logs_of_a_host_run_on_cosmos()
    {
        var target = CosmosTestTarget.FindOrIgnore();
        // The local test server accepts any key, so it gets a fresh random one; a real account's key is secret anyway.
        var key = target.IsLocalServer ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)) : target.Key;
        _secrets["Storage:Cosmos:Key"] = key;
        await using var slack = await FakeSlackServer.StartAsync();
        var logs = new CapturedLogs();
        var database = $"lbsec-{Guid.NewGuid():N}"[..20];
        await using var factory = CreateHost(slack, logs, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Cosmos",
            ["Storage:Cosmos:Endpoint"] = target.Endpoint,
            ["Storage:Cosmos:Database"] = database,
            ["Storage:Cosmos:ConnectionMode"] = target.ConnectionMode.ToString(),
            ["Storage:Cosmos:LimitToEndpoint"] = target.LimitToEndpoint.ToString(CultureInfo.InvariantCulture),
            ["Storage:Cosmos:Search"] = target.IsLocalServer ? "Contains" : "FullText",
        });
        var client = factory.CreateClient();
        try
        {
            foreach (var text in new[] { "learned secrets stay secret #security", "kudos @bo for the review", "ask secrets", "share q? :: a" })
            {
                _responses.Add(await (await client.PostAsJsonAsync("/api/playground", new { team = "acme", user = "ann", text })).Content.ReadAsStringAsync());
            }

            _responses.Add(await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync());
        }
        finally
        {
            await factory.Services.GetRequiredService<LearningBot.Storage.Cosmos.CosmosStore>().DeleteDatabaseAsync(default);
        }

        AssertNoSecretIn(logs);
        Assert.That(logs.Entries, Has.Some.Contains("Cosmos"), "the Cosmos store logged its start-up");
    }

    private WebApplicationFactory<Program> CreateHost(FakeSlackServer slack, CapturedLogs logs, Dictionary<string, string?> storage)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Playground:Enabled"] = "true",
            ["Scheduler:Enabled"] = "false",
            ["Slack:ClientId"] = "1234.5678",
            ["Slack:ApiBaseUrl"] = slack.Url + "/api/",
            ["Slack:ApiMaxRetries"] = "1",
            ["Slack:ApiRetryBaseDelay"] = "00:00:00.010",
            ["MicrosoftAppId"] = Guid.NewGuid().ToString(),
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:System.Net.Http"] = "Trace",
            // appsettings.json sets these more specific categories to Warning; here every line is wanted.
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
            ["Logging:LogLevel:Polly"] = "Trace",
            ["Logging:LogLevel:Microsoft.Bot"] = "Trace",
        };
        foreach (var (key, value) in _secrets)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in storage)
        {
            settings[key] = value;
        }

        return new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        });
    }

    private async Task DriveAsync(HttpClient client, FakeSlackServer slack)
    {
        async Task Keep(Task<HttpResponseMessage> request, params HttpStatusCode[] expected)
        {
            using var response = await request;
            var body = await response.Content.ReadAsStringAsync();
            _responses.Add(body);
            if (expected.Length > 0)
            {
                Assert.That(expected, Does.Contain(response.StatusCode), $"{response.RequestMessage?.RequestUri}: {body}");
            }
        }

        // Playground: good commands, links signed with the dashboard key, a failing command, bad JSON.
        foreach (var text in new[] { "learned secrets stay secret #security", "me", "insights", "export me", "kudos @ann for me", "nonsense" })
        {
            await Keep(client.PostAsJsonAsync("/api/playground", new { team = "acme", user = "ann", text, admin = true }), HttpStatusCode.OK);
        }

        // The private links those replies carry, opened like their owner opens them (the token is a bearer capability).
        var dashboardToken = System.Text.RegularExpressions.Regex.Match(string.Join("\n", _responses), @"/dashboard/signin\?token=([A-Za-z0-9_\-.]+)").Groups[1].Value;
        var exportToken = System.Text.RegularExpressions.Regex.Match(string.Join("\n", _responses), @"/export\?token=([A-Za-z0-9_\-.]+)").Groups[1].Value;
        Assert.That((dashboardToken, exportToken), Is.Not.EqualTo((string.Empty, string.Empty)), "links in the replies");
        Assert.That(dashboardToken, Is.Not.Empty);
        Assert.That(exportToken, Is.Not.Empty);
        _capabilities["dashboard link token"] = dashboardToken;
        _capabilities["export link token"] = exportToken;
        await Keep(client.GetAsync("/dashboard/signin?token=" + dashboardToken + "&to=me"), HttpStatusCode.Redirect, HttpStatusCode.OK);
        await Keep(client.GetAsync("/export?token=" + exportToken), HttpStatusCode.OK);

        await Keep(client.PostAsync("/api/playground", new StringContent("{not json", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        // Slack: a signed command (its response_url then fails with 500), a mention (users.info says invalid_auth),
        // a wrong signature, an old timestamp, and the OAuth install with a code Slack rejects.
        var command = Form(("team_id", "T0001"), ("channel_id", "C0001"), ("user_id", "UANN"), ("user_name", "ann"),
            ("command", "/learned"), ("text", "how to keep secrets #security"), ("response_url", slack.Url + "/response/1"),
            ("trigger_id", "1." + Guid.NewGuid().ToString("N")));
        await Keep(client.SendAsync(Signed("/slack/commands", command, "application/x-www-form-urlencoded")), HttpStatusCode.OK);
        var hookCommand = Form(("team_id", "T0001"), ("channel_id", "C0001"), ("user_id", "UANN"), ("user_name", "ann"),
            ("command", "/learnbot"), ("text", "help"),
            ("response_url", $"{slack.Url}/commands/T0001/1234567890/{_capabilities["response_url secret"]}"),
            ("trigger_id", "1." + Guid.NewGuid().ToString("N")));
        await Keep(client.SendAsync(Signed("/slack/commands", hookCommand, "application/x-www-form-urlencoded")), HttpStatusCode.OK);
        // A command's reply ready before the ack is the ack's body (issue 18); a button's reply always goes to its response_url,
        // so these two clicks are what exercise response_url (the failing one and the Slack-shaped one).
        foreach (var responseUrl in new[] { slack.Url + "/response/1", $"{slack.Url}/commands/T0001/1234567890/{_capabilities["response_url secret"]}" })
        {
            var click = new System.Text.Json.Nodes.JsonObject
            {
                ["type"] = "block_actions", ["team"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "T0001" },
                ["user"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "UANN", ["name"] = "ann", ["team_id"] = "T0001" },
                ["channel"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "C0001" }, ["trigger_id"] = "1." + Guid.NewGuid().ToString("N"),
                ["response_url"] = responseUrl,
                ["actions"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
                {
                    ["action_id"] = "learningbot_cmd_help", ["type"] = "button", ["value"] = "help", ["action_ts"] = "1700000000." + Random("", 6),
                }),
            };
            await Keep(client.SendAsync(Signed("/slack/interactions", Form(("payload", click.ToJsonString())), "application/x-www-form-urlencoded")),
                HttpStatusCode.OK);
        }

        var mention = $$$"""{"type":"event_callback","team_id":"T0001","api_app_id":"A1","event_id":"Ev{{{Guid.NewGuid():N}}}","event_time":1,"event":{"type":"app_mention","user":"UBO","text":"<@UBOT> settings budget 3","channel":"C0001","ts":"1700000000.000200"}}""";
        await Keep(client.SendAsync(Signed("/slack/events", mention, "application/json")), HttpStatusCode.OK);
        await Keep(client.SendAsync(Signed("/slack/commands", command, "application/x-www-form-urlencoded", secret: "not-the-secret")),
            HttpStatusCode.Unauthorized);
        await Keep(client.SendAsync(Signed("/slack/commands", command, "application/x-www-form-urlencoded",
            timestamp: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds())), HttpStatusCode.Unauthorized);
        using (var install = await client.GetAsync("/slack/install"))
        {
            var state = System.Web.HttpUtility.ParseQueryString(install.Headers.Location!.Query)["state"]!;
            _capabilities["OAuth state"] = state;
            await Keep(client.GetAsync($"/slack/oauth/callback?code={_capabilities["OAuth code"]}&state={Uri.EscapeDataString(state)}"),
                HttpStatusCode.BadGateway);
            // Replayed: refused before any exchange, and logged as a replay, without the state.
            await Keep(client.GetAsync($"/slack/oauth/callback?code={_capabilities["OAuth code"]}&state={Uri.EscapeDataString(state)}"),
                HttpStatusCode.BadRequest);
        }

        // Teams: no token, and a token that is not a JWT.
        var activity = """{"type":"message","id":"1","channelId":"msteams","serviceUrl":"http://127.0.0.1:9/","conversation":{"id":"c1"},"from":{"id":"29:a"},"recipient":{"id":"28:b"},"text":"help"}""";
        await Keep(client.PostAsync("/api/messages", new StringContent(activity, Encoding.UTF8, "application/json")), HttpStatusCode.Unauthorized);
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(activity, Encoding.UTF8, "application/json") };
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.jwt");
        // No status check here: validating a bearer token makes Bot Framework fetch its OpenID metadata from the internet,
        // which this machine cannot reach (the Teams suite serves it on loopback); what matters here is what gets logged.
        await Keep(client.SendAsync(forged));

        // Dashboard and export with forged links; health.
        await Keep(client.GetAsync("/dashboard/signin?token=forged"), HttpStatusCode.Unauthorized);
        await Keep(client.GetAsync("/export?token=forged.token"), HttpStatusCode.Unauthorized);
        await Keep(client.GetAsync("/health/ready"), HttpStatusCode.OK);
    }

    private HttpRequestMessage Signed(string path, string body, string contentType, string? secret = null, long? timestamp = null)
    {
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        var key = Encoding.UTF8.GetBytes(secret ?? _secrets["Slack:SigningSecret"]);
        var signature = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"v0:{ts}:{body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", signature);
        return request;
    }

    private static string Form(params (string Name, string Value)[] fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value)));

    private static async Task WaitForSlackWorkAsync(WebApplicationFactory<Program> factory)
    {
        var queue = factory.Services.GetRequiredService<SlackWorkQueue>();
        for (var i = 0; i < 500 && queue.Pending > 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.That(queue.Pending, Is.Zero, "Slack background work finished");
    }

    private void AssertNoCapabilityIn(CapturedLogs logs)
    {
        var entries = logs.Entries;
        Assert.That(_capabilities, Has.Count.EqualTo(5), "every capability was exercised");
        Assert.Multiple(() =>
        {
            foreach (var (name, value) in _capabilities)
            {
                // The whole value, and its distinctive parts (a token's signature, the state's nonce) on their own; not the
                // state's expiry (Unix seconds), which is not secret and could match any number.
                foreach (var part in value.Split('.').Where(p => p.Length >= 8 && !p.All(char.IsAsciiDigit)).Append(value))
                {
                    Assert.That(entries.Where(e => e.Contains(part, StringComparison.Ordinal)), Is.Empty, $"{name} ({part}) appeared in the logs");
                }
            }
        });
    }

    private void AssertNoSecretIn(CapturedLogs logs)
    {
        var entries = logs.Entries;
        Assert.That(entries, Has.Count.GreaterThan(50), "logging down to Trace was captured");
        Assert.Multiple(() =>
        {
            foreach (var (name, secret) in _secrets)
            {
                // The whole value and a distinctive middle part (a truncated or partly masked secret is still a leak).
                var part = secret.Substring(secret.Length / 3, 12);
                Assert.That(entries.Where(e => e.Contains(secret, StringComparison.Ordinal) || e.Contains(part, StringComparison.Ordinal)),
                    Is.Empty, $"{name} appeared in the logs");
                Assert.That(_responses.Where(r => r.Contains(part, StringComparison.Ordinal)), Is.Empty, $"{name} appeared in a response");
            }
        });
    }
}
