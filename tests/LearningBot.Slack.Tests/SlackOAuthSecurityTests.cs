using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace LearningBot.Slack.Tests;

/// <summary>
/// The OAuth install flow against an attacker: a used state (with its cookie) cannot buy a second code exchange, on this
/// host, at the same moment, or on another replica of the same store; and in Production the redirect_uri never comes
/// from the request's Host header.
/// </summary>
public sealed class SlackOAuthSecurityTests
{
    private static readonly Dictionary<string, string?> OAuthOnly = new() { ["Slack:BotToken"] = "" };

    private static void StubExchange(WireMockServer slack, string team) =>
        slack.Given(Request.Create().WithPath("/api/oauth.v2.access").UsingPost()).AtPriority(1)
            .RespondWith(SlackHost.OkJson(new JsonObject
            {
                ["ok"] = true, ["access_token"] = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy", ["token_type"] = "bot",
                ["scope"] = "commands,chat:write", ["bot_user_id"] = "U0KRQLJ9H", ["app_id"] = "A0KRD7HC3",
                ["team"] = new JsonObject { ["name"] = "Replay Team", ["id"] = team },
                ["authed_user"] = new JsonObject { ["id"] = "U1234", ["scope"] = "", ["token_type"] = "user" },
            }));

    /// <summary>What an attacker holds after watching one install: the callback URL (code + state) and the state cookie.</summary>
    private static async Task<(string State, string Cookie)> StartInstallAsync(SlackHost host)
    {
        using var browser = host.Factory.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        using var install = await browser.GetAsync("/slack/install");
        Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var state = QueryHelpers.ParseQuery(install.Headers.Location!.Query)["state"].ToString();
        var cookie = install.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        return (state, cookie);
    }

    private static async Task<(HttpStatusCode Status, string Page)> CallbackAsync(SlackHost host, string state, string cookie, string code)
    {
        using var browser = host.Factory.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/slack/oauth/callback?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}");
        request.Headers.Add("Cookie", cookie);
        using var response = await browser.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_replayed_state_and_cookie_are_refused_with_a_friendly_page_and_no_second_exchange()
    {
        await using var host = new SlackHost(OAuthOnly);
        StubExchange(host.Slack, "TREPLAY");
        var (state, cookie) = await StartInstallAsync(host);

        var first = await CallbackAsync(host, state, cookie, "1234.5678.first");
        var replay = await CallbackAsync(host, state, cookie, "1234.5678.second");

        Assert.That(first.Status, Is.EqualTo(HttpStatusCode.OK), first.Page);
        Assert.That(replay.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(replay.Page, Does.Contain("already used").And.Contain("/slack/install"));
        Assert.That(host.Calls("/api/oauth.v2.access"), Has.Count.EqualTo(1), "one code exchange per state");
    }

    [Test]
    public async Task A_state_whose_exchange_slack_refused_cannot_be_used_again_either()
    {
        await using var host = new SlackHost(OAuthOnly);
        host.Slack.Given(Request.Create().WithPath("/api/oauth.v2.access").UsingPost()).AtPriority(1)
            .RespondWith(SlackHost.OkJson(new JsonObject { ["ok"] = false, ["error"] = "invalid_code" }));
        var (state, cookie) = await StartInstallAsync(host);

        var refused = await CallbackAsync(host, state, cookie, "1234.5678.bad");
        var again = await CallbackAsync(host, state, cookie, "1234.5678.other");

        Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.BadGateway));
        Assert.That(again.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(again.Page, Does.Contain("already used"));
        Assert.That(host.Calls("/api/oauth.v2.access"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Callbacks_racing_with_one_state_get_one_exchange_between_them()
    {
        await using var host = new SlackHost(OAuthOnly);
        StubExchange(host.Slack, "TRACE");
        var (state, cookie) = await StartInstallAsync(host);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => CallbackAsync(host, state, cookie, $"1234.5678.race{i}")));

        Assert.That(results.Count(r => r.Status == HttpStatusCode.OK), Is.EqualTo(1));
        Assert.That(results.Where(r => r.Status != HttpStatusCode.OK).Select(r => r.Status), Has.All.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(host.Calls("/api/oauth.v2.access"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_state_used_on_one_replica_is_refused_by_another_sharing_the_store()
    {
        await using var first = new SlackHost(OAuthOnly);
        await using var second = new SlackHost(new Dictionary<string, string?>(OAuthOnly)
        {
            ["Storage:Sqlite:Path"] = first.DatabasePath, ["Slack:ApiBaseUrl"] = first.Slack.Url + "/api/",
        });
        StubExchange(first.Slack, "TREPLICA");
        var (state, cookie) = await StartInstallAsync(first);

        var used = await CallbackAsync(first, state, cookie, "1234.5678.one");
        var elsewhere = await CallbackAsync(second, state, cookie, "1234.5678.two");

        Assert.That(used.Status, Is.EqualTo(HttpStatusCode.OK), used.Page);
        Assert.That(elsewhere.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(first.Calls("/api/oauth.v2.access"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Without_a_configured_url_the_redirect_uri_comes_from_dashboard_public_base_url_not_the_host_header()
    {
        await using var host = new SlackHost(new Dictionary<string, string?>(OAuthOnly) { ["Dashboard:PublicBaseUrl"] = "https://bot.example.com/" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/slack/install");
        request.Headers.Host = "attacker.example";

        using var install = await host.Client.SendAsync(request);

        var redirect = QueryHelpers.ParseQuery(install.Headers.Location!.Query)["redirect_uri"].ToString();
        Assert.That(redirect, Is.EqualTo("https://bot.example.com/slack/oauth/callback"));
    }

    // ---- Production start-up: the built host as its own process, environment proven by its log ----

    private static Dictionary<string, string> ProductionOAuth(string database, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Storage__Sqlite__Path"] = database,
            ["Scheduler__Enabled"] = "false",
            ["Slack__SigningSecret"] = SlackHost.SigningSecret,
            ["Slack__ClientId"] = SlackHost.ClientId,
            ["Slack__ClientSecret"] = SlackHost.ClientSecret,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Test]
    public async Task In_production_oauth_without_a_public_url_refuses_to_start_with_a_clear_message()
    {
        using var folder = new TempDirectory();
        var refused = WebProcess.Start(FreePort(), ProductionOAuth(folder.File("a.db")));
        var exitCode = await refused.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.That(exitCode, Is.Not.Zero, refused.Output);
        Assert.That(refused.Output, Does.Contain("Slack OAuth in Production needs the public callback URL")
            .And.Contain("Slack__RedirectUri").And.Contain("Dashboard__PublicBaseUrl"));
    }

    [TestCase("Slack__RedirectUri", "https://bot.example.com/slack/oauth/callback")]
    [TestCase("Dashboard__PublicBaseUrl", "https://bot.example.com")]
    public async Task In_production_oauth_with_a_public_url_starts_and_ignores_the_host_header(string key, string value)
    {
        using var folder = new TempDirectory();
        var port = FreePort();
        var host = WebProcess.Start(port, ProductionOAuth(folder.File("b.db"), (key, value)));
        try
        {
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await host.WaitUntilReadyAsync(http); // also checks "Hosting environment: Production" in the host's log
            using var request = new HttpRequestMessage(HttpMethod.Get, "/slack/install");
            request.Headers.Host = "attacker.example";
            using var install = await http.SendAsync(request);

            Assert.That(install.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), host.Output);
            Assert.That(QueryHelpers.ParseQuery(install.Headers.Location!.Query)["redirect_uri"].ToString(),
                Is.EqualTo("https://bot.example.com/slack/oauth/callback"));
        }
        finally
        {
            host.Kill();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private sealed class TempDirectory : IDisposable
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), "learningbot-slack-tests", Guid.NewGuid().ToString("N"));

        public TempDirectory() => Directory.CreateDirectory(_path);

        public string File(string name) => Path.Combine(_path, name);

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_path, recursive: true);
            }
            catch (IOException)
            {
                // left for the OS temp cleaner
            }
        }
    }
}
