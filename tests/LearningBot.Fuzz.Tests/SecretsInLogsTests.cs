using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace LearningBot.Fuzz.Tests;

/// <summary>
/// A host with every secret configured (Slack signing secret, bot token, client secret, an installed workspace token,
/// the Bot Framework app password, the dashboard signing key) is driven through its failing paths at Trace level;
/// no configured secret may appear anywhere in what it logged. <see cref="AllRuns"/> repeats the scan over the logs of
/// every host this assembly started.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class SecretsInLogsTests
{
    private const string AppPassword = "fuzz-app-password-~Q8.r3Tz_9vK";
    private const string InstalledToken = "xoxb-installed-workspace-token-77aa66bb";
    private const string AppId = "4e1d2c3b-5a6f-4e8d-9c7b-2a1b3c4d5e6f";

    public static readonly string[] Secrets =
        [FuzzHost.SigningSecret, FuzzHost.BotToken, FuzzHost.ClientSecret, FuzzHost.DashboardKey, AppPassword, InstalledToken];

    [Test]
    public async Task Failing_paths_never_log_a_configured_secret()
    {
        FuzzHost host = null!;
        host = new FuzzHost(new Dictionary<string, string?>
        {
            ["MicrosoftAppId"] = AppId,
            ["MicrosoftAppPassword"] = AppPassword,
            ["MicrosoftAppType"] = "MultiTenant",
            ["ToBotFromChannelOpenIdMetadataUrl"] = "http://127.0.0.1:9/openid", // nothing listens: metadata fetch fails
            ["ToBotFromChannelTokenIssuer"] = "https://api.botframework.com",
            ["ToChannelFromBotLoginUrl"] = "http://127.0.0.1:9/login",
            ["ToChannelFromBotOAuthScope"] = "https://api.botframework.com",
            ["OAuthUrl"] = "http://127.0.0.1:9/oauth",
            ["Slack:AuthorizeUrl"] = "https://slack.com/oauth/v2/authorize",
            // appsettings.json quiets ASP.NET Core to Warning; its request logging (full URLs) is what this test needs to see.
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        });
        await using (host)
        {
            // Slack answers badly: every Web API call and response_url fails, and the install hands out a token.
            host.Platform.Given(Request.Create().WithPath("/api/oauth.v2.access")).AtPriority(1).RespondWith(Response.Create().WithStatusCode(200)
                .WithHeader("Content-Type", "application/json").WithBody(new JsonObject
                {
                    ["ok"] = true, ["access_token"] = InstalledToken, ["token_type"] = "bot", ["bot_user_id"] = "UBOT",
                    ["team"] = new JsonObject { ["id"] = "TINST", ["name"] = "Installed" }, ["authed_user"] = new JsonObject { ["id"] = "UADMIN" },
                }.ToJsonString()));
            host.Platform.Given(Request.Create().WithPath("/api/*")).AtPriority(5).RespondWith(Response.Create().WithStatusCode(200)
                .WithHeader("Content-Type", "application/json").WithBody("{\"ok\":false,\"error\":\"invalid_auth\"}"));
            host.Platform.Given(Request.Create().WithPath("/api/chat.postMessage")).AtPriority(4).RespondWith(Response.Create().WithStatusCode(500));
            host.Platform.Given(Request.Create().WithPath("/response/*")).AtPriority(5).RespondWith(Response.Create().WithStatusCode(500));

            // Slack: forged, stale, unsigned requests.
            var body = $"team_id=T1&user_id=U1&command=%2Flearnbot&text=help&response_url={Uri.EscapeDataString(host.Platform.Url + "/response/a")}";
            (await host.PostSlackAsync("/slack/commands", System.Text.Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded", signature: "v0=00")).Dispose();
            (await host.PostSlackAsync("/slack/commands", System.Text.Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded", timestamp: FuzzHost.Now - 3600)).Dispose();
            (await host.PostAsync("/slack/events", "{}")).Dispose();
            // Valid commands whose replies fail (response_url 500, chat.postMessage 500, invalid_auth), a kudos with DMs.
            (await host.PostSlackAsync("/slack/commands", body)).Dispose();
            (await host.PostSlackAsync("/slack/commands", body.Replace("text=help", "text=kudos%20%3C%40U2%3E%20for%20the%20review"))).Dispose();

            // OAuth: a forged state, then a real install whose token is then refused by Slack.
            (await host.Client.GetAsync("/slack/oauth/callback?code=abc&state=forged.1.x")).Dispose();
            using (var install = await host.Client.GetAsync("/slack/install"))
            {
                Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
                var state = Regex.Match(install.Headers.Location!.Query, "state=([^&]+)").Groups[1].Value;
                var cookie = install.Headers.GetValues("Set-Cookie").First().Split(';')[0];
                using var callback = new HttpRequestMessage(HttpMethod.Get, "/slack/oauth/callback?code=abc&state=" + state);
                callback.Headers.Add("Cookie", cookie);
                using var installed = await host.Client.SendAsync(callback);
                Assert.That((int)installed.StatusCode, Is.LessThan(400), "the install flow must complete so its token is used below");
            }

            (await host.PostSlackAsync("/slack/commands", body.Replace("team_id=T1", "team_id=TINST"))).Dispose();

            // Teams: no token, garbage, a well-formed JWT whose keys cannot be fetched, and the app password as the token.
            var activity = "{\"type\":\"message\",\"serviceUrl\":\"" + host.ServiceUrl + "\",\"channelId\":\"msteams\",\"conversation\":{\"id\":\"c\"},\"from\":{\"id\":\"u\"},\"text\":\"help\"}";
            foreach (var bearer in new[] { null, "garbage", "eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJhdWQiOiIxIn0.c2ln", AppPassword })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(activity, System.Text.Encoding.UTF8, "application/json") };
                if (bearer is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
                }

                using var response = await host.Client.SendAsync(request);
                Assert.That((int)response.StatusCode, Is.InRange(400, 499), "bearer " + bearer);
            }

            // Dashboard and playground failures: forged links in the parameter the real links use.
            (await host.Client.GetAsync("/dashboard/signin?token=forged.link.value")).Dispose();
            (await host.Client.GetAsync("/export?token=" + FuzzHost.DashboardKey)).Dispose();
            (await host.PostAsync("/api/playground", "{")).Dispose();

            // Capabilities in URLs: genuine link tokens opened, a Slack-shaped response_url used, an OAuth code and state.
            var capabilities = await UseCapabilitiesAsync(host);

            await host.DrainAsync();
            await Task.Delay(500); // retries of the failing Slack calls
            var logged = host.Logs.All;
            Assert.That(logged, Does.Contain("invalid_auth").Or.Contain("500"), "the failing paths were exercised and logged");
            Assert.That(host.Logs.Lines.Count, Is.GreaterThan(50));
            foreach (var secret in Secrets)
            {
                Assert.That(logged, Does.Not.Contain(secret), "a configured secret was logged");
            }

            Assert.That(logged, Does.Contain("token=" + LearningBot.Web.Hosting.LogRedactor.Mask), "request logging saw the links");
            Assert.Multiple(() =>
            {
                foreach (var (name, value) in capabilities)
                {
                    Assert.That(logged, Does.Not.Contain(value), $"{name} was logged");
                }
            });
        }
    }

    /// <summary>Drives each URL-borne capability through the host; returns what must not be logged, by name.</summary>
    private static async Task<Dictionary<string, string>> UseCapabilitiesAsync(FuzzHost host)
    {
        var found = new Dictionary<string, string>();
        foreach (var (command, path) in new[] { ("insights", "/dashboard/signin?token="), ("export me", "/export?token=") })
        {
            using var reply = await host.PostAsync("/api/playground", $"{{\"team\":\"acme\",\"user\":\"ann\",\"text\":\"{command}\"}}");
            var token = Regex.Match(await reply.Content.ReadAsStringAsync(), Regex.Escape(path) + @"([A-Za-z0-9_\-.]+)").Groups[1].Value;
            Assert.That(token, Is.Not.Empty, $"a link in the reply to {command}");
            found[command + " link token"] = token;
            (await host.Client.GetAsync(path + token)).Dispose();
        }

        // Slack's own shape: https://hooks.slack.com/commands/{team}/{id}/{secret}; here on the fake Slack's address.
        var hook = "ZkJ3Qm9xV2lkT3RhZ2ZzZ1hv";
        found["response_url secret"] = hook;
        var body = "team_id=T1&user_id=U1&command=%2Flearnbot&text=help&response_url=" +
                   Uri.EscapeDataString($"{host.Platform.Url}/commands/T1/4815162342/{hook}");
        (await host.PostSlackAsync("/slack/commands", body)).Dispose();
        // A command's reply ready before the ack is the ack's body (issue 18); a button's reply always goes to its response_url,
        // so a click is what sends the Slack-shaped response_url through HttpClient (and its logging).
        var click = "payload=" + Uri.EscapeDataString(
            "{\"type\":\"block_actions\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\",\"name\":\"ann\",\"team_id\":\"T1\"}," +
            "\"channel\":{\"id\":\"C1\"},\"trigger_id\":\"1.4815162342\",\"response_url\":\"" + $"{host.Platform.Url}/commands/T1/4815162342/{hook}" +
            "\",\"actions\":[{\"action_id\":\"learningbot_cmd_help\",\"type\":\"button\",\"value\":\"help\",\"action_ts\":\"1700000000.000100\"}]}");
        (await host.PostSlackAsync("/slack/interactions", click)).Dispose();
        await host.DrainAsync();
        Assert.That(host.Platform.LogEntries.Any(e => e.RequestMessage.Path.EndsWith(hook, StringComparison.Ordinal)), Is.True, "the reply was posted");

        using (var install = await host.Client.GetAsync("/slack/install"))
        {
            var state = Regex.Match(install.Headers.Location!.Query, "state=([^&]+)").Groups[1].Value;
            found["OAuth state"] = Uri.UnescapeDataString(state).Split('.')[2]; // its signature: the part nobody else can make
            found["OAuth code"] = "7391846205.88342219.b7e1f0c2d9a4";
            var cookie = install.Headers.GetValues("Set-Cookie").First().Split(';')[0];
            using var callback = new HttpRequestMessage(HttpMethod.Get, $"/slack/oauth/callback?code={found["OAuth code"]}&state={state}");
            callback.Headers.Add("Cookie", cookie);
            (await host.Client.SendAsync(callback)).Dispose();
        }

        return found;
    }
}

/// <summary>After every test in the assembly: no host logged a configured secret, whatever it was doing.</summary>
[SetUpFixture]
public sealed class AllRuns
{
    [OneTimeTearDown]
    public void No_secret_in_any_log()
    {
        var all = string.Join("\n", CapturingLoggerProvider.Everything);
        foreach (var secret in SecretsInLogsTests.Secrets)
        {
            Assert.That(all, Does.Not.Contain(secret), "a configured secret appeared in the logs of the test run");
        }
    }
}
