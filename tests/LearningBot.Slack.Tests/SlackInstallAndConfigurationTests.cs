using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;

namespace LearningBot.Slack.Tests;

public sealed class SlackInstallAndConfigurationTests
{
    [Test]
    public async Task Oauth_install_stores_the_workspace_token_and_uses_it_for_that_workspace()
    {
        // Multi-workspace mode only: no single bot token to fall back on.
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Slack:BotToken"] = "" });
        var team = "TOAUTH" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        host.Slack.Given(Request.Create().WithPath("/api/oauth.v2.access").UsingPost()).AtPriority(1)
            .RespondWith(SlackHost.OkJson(new JsonObject
            {
                ["ok"] = true, ["access_token"] = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy", ["token_type"] = "bot",
                ["scope"] = "commands,chat:write", ["bot_user_id"] = "U0KRQLJ9H", ["app_id"] = "A0KRD7HC3",
                ["team"] = new JsonObject { ["name"] = "Slack Softball Team", ["id"] = team },
                ["enterprise"] = null, ["authed_user"] = new JsonObject { ["id"] = "U1234", ["scope"] = "", ["token_type"] = "user" },
            }));

        using var install = await host.Client.GetAsync("/slack/install");
        Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var location = install.Headers.Location!;
        Assert.That(location.GetLeftPart(UriPartial.Path), Is.EqualTo("https://slack.com/oauth/v2/authorize"));
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.That(query["client_id"].ToString(), Is.EqualTo(SlackHost.ClientId));
        Assert.That(query["scope"].ToString(), Does.Contain("commands").And.Contain("chat:write"));
        Assert.That(query["redirect_uri"].ToString(), Does.EndWith("/slack/oauth/callback"));
        var state = query["state"].ToString();
        Assert.That(install.Headers.GetValues("Set-Cookie").Single(), Does.Contain("httponly").IgnoreCase);

        // A forged or altered state is refused before any code exchange.
        using var forged = await host.Client.GetAsync($"/slack/oauth/callback?code=abc&state={Uri.EscapeDataString(state + "x")}");
        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        // The right state from another browser (no cookie) is refused too.
        using var otherBrowser = host.Factory.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        using var unbound = await otherBrowser.GetAsync($"/slack/oauth/callback?code=abc&state={Uri.EscapeDataString(state)}");
        Assert.That(unbound.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(host.Calls("/api/oauth.v2.access"), Is.Empty);

        using var callback = await host.Client.GetAsync($"/slack/oauth/callback?code=1234.5678.abcd&state={Uri.EscapeDataString(state)}");
        Assert.That(callback.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await callback.Content.ReadAsStringAsync(), Does.Contain("Slack Softball Team"));
        var exchange = host.Calls("/api/oauth.v2.access").Single().RequestMessage.Body!;
        Assert.That(exchange, Does.Contain("code=1234.5678.abcd").And.Contain("client_id=1234.5678").And.Contain("client_secret=client-secret-abc"));

        using var mention = await host.EventAsync(team, new JsonObject
        {
            ["type"] = "app_mention", ["user"] = "UANN", ["text"] = "<@U0KRQLJ9H> help", ["ts"] = "1.1", ["channel"] = "COAUTH",
        });
        var reply = (await host.WaitForCallsAsync("/api/chat.postEphemeral")).Single();
        Assert.That(SlackHost.Authorization(reply), Is.EqualTo("Bearer xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"));

        // A workspace that never installed gets nothing sent (there is no token for it).
        using var stranger = await host.EventAsync("TSTRANGER", new JsonObject
        {
            ["type"] = "app_mention", ["user"] = "UANN", ["text"] = "<@U0KRQLJ9H> help", ["ts"] = "1.2", ["channel"] = "CSTRANGER",
        });
        await host.DrainAsync();
        Assert.That(host.Slack.LogEntries.Where(e => e.RequestMessage.Body?.Contains("CSTRANGER") == true), Is.Empty);

        // tokens_revoked for the bot stops that workspace too.
        using var revoked = await host.EventAsync(team, new JsonObject
        {
            ["type"] = "tokens_revoked", ["tokens"] = new JsonObject { ["oauth"] = new JsonArray(), ["bot"] = new JsonArray("U0KRQLJ9H") },
        });
        await host.DrainAsync();
        using var after = await host.EventAsync(team, new JsonObject
        {
            ["type"] = "app_mention", ["user"] = "UANN", ["text"] = "<@U0KRQLJ9H> help", ["ts"] = "1.3", ["channel"] = "CAFTER",
        });
        await host.DrainAsync();
        Assert.That(host.Slack.LogEntries.Where(e => e.RequestMessage.Body?.Contains("CAFTER") == true), Is.Empty);
    }

    [Test]
    public async Task Whoever_installed_the_app_may_change_settings_like_a_workspace_admin()
    {
        await using var host = new SlackHost();
        host.StubUser("UINSTALLER", "Ines");
        host.StubUser("UMEMBER", "Mo");
        await host.Factory.Services.GetRequiredService<LearningBot.Core.Installations.IInstallationRepository>().SaveAsync(
            new LearningBot.Core.Installations.Installation("slack", "TINST", "Acme", "UBOT", "xoxb-installed", "UINSTALLER",
                DateTimeOffset.UtcNow), default);

        await host.CommandAsync("/learnbot", "settings budget 7", host.ResponseUrl("member"), team: "TINST", user: "UMEMBER", userName: "mo");
        await host.CommandAsync("/learnbot", "settings budget 7", host.ResponseUrl("installer"), team: "TINST", user: "UINSTALLER", userName: "ines");

        var member = SlackHost.Strings((await host.WaitForRepliesAsync("/response/member")).Single());
        var installer = SlackHost.Strings((await host.WaitForRepliesAsync("/response/installer")).Single());
        Assert.That(member, Does.Contain("Only team admins can change settings"));
        Assert.That(installer, Does.Contain("Settings updated").And.Contain("7 per person per week"));
    }

    [Test]
    public async Task Without_slack_settings_the_host_starts_and_maps_no_slack_endpoints()
    {
        await using var host = new SlackHost(new Dictionary<string, string?>
        {
            ["Slack:SigningSecret"] = "", ["Slack:BotToken"] = "", ["Slack:ClientId"] = "", ["Slack:ClientSecret"] = "",
        });

        using var health = await host.Client.GetAsync("/health/live");
        using var commands = await host.PostSignedAsync("/slack/commands", "team_id=T1", "application/x-www-form-urlencoded");
        using var install = await host.Client.GetAsync("/slack/install");

        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(commands.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Slack_enabled_without_a_signing_secret_refuses_to_start()
    {
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Slack:SigningSecret"] = "" });

        var error = Assert.Catch(() => host.Factory.CreateClient());
        var messages = string.Join(" | ", Flatten(error));
        Assert.That(messages, Does.Contain("Slack__SigningSecret"));
    }

    [Test]
    public async Task Single_workspace_mode_needs_no_oauth_settings()
    {
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Slack:ClientId"] = "", ["Slack:ClientSecret"] = "" });

        using var install = await host.Client.GetAsync("/slack/install");
        using var help = await host.CommandAsync("/learnbot", "help", host.ResponseUrl("single"));

        Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "no OAuth install without a client id");
        Assert.That(help.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await host.WaitForRepliesAsync("/response/single");
    }

    [Test]
    public async Task The_host_accepts_slacks_published_request_at_its_time_and_rejects_it_five_minutes_later()
    {
        // Slack's documented example, sent byte for byte to the real endpoint, with the host's clock at the signing time.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1531420618).AddSeconds(30));
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Slack:SigningSecret"] = "8f742231b10e8888abcd99yyyzzz85a5" },
            services => services.AddSingleton<TimeProvider>(clock));
        const string body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar" +
                            "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com" +
                            "%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        const string signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

        using var accepted = await host.PostSignedAsync("/slack/commands", body, "application/x-www-form-urlencoded", 1531420618, signature);
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // /webhook-collect is not one of ours: a private hint, straight in the ack.
        var ack = JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!;
        Assert.That(ack["response_type"]!.GetValue<string>(), Is.EqualTo("ephemeral"));
        Assert.That(ack["text"]!.GetValue<string>(), Does.Contain("/learnbot help"));

        clock.Advance(TimeSpan.FromMinutes(5));
        using var replayed = await host.PostSignedAsync("/slack/commands", body, "application/x-www-form-urlencoded", 1531420618, signature);
        Assert.That(replayed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private static IEnumerable<string> Flatten(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e.Message;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
