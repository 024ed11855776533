using System.Globalization;
using System.Net;
using LearningBot.Storage.Cosmos;
using LearningBot.Tests.Observability;
using LearningBot.Tests.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Web;

/// <summary>
/// A Slack OAuth state is good for one code exchange on either store: the used state is recorded in the store's delivery
/// log, so a replayed callback (same state, same cookie) gets a 400 page and the fake Slack sees one oauth.v2.access call.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OAuthStateReplayTests
{
    [Test]
    public async Task A_replayed_state_is_refused_on_sqlite()
    {
        using var directory = new TempDirectory();
        await ReplayIsRefusedAsync(new Dictionary<string, string?> { ["Storage:Sqlite:Path"] = directory.File("oauth.db") }, null);
    }

    [Test]
    public async Task A_replayed_state_is_refused_on_cosmos()
    {
        var target = CosmosTestTarget.FindOrIgnore();
        var database = $"lboauth-{Guid.NewGuid():N}"[..20];
        await ReplayIsRefusedAsync(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Cosmos",
            ["Storage:Cosmos:Endpoint"] = target.Endpoint,
            ["Storage:Cosmos:Key"] = target.Key,
            ["Storage:Cosmos:Database"] = database,
            ["Storage:Cosmos:ConnectionMode"] = target.ConnectionMode.ToString(),
            ["Storage:Cosmos:LimitToEndpoint"] = target.LimitToEndpoint.ToString(CultureInfo.InvariantCulture),
            ["Storage:Cosmos:Search"] = target.IsLocalServer ? "Contains" : "FullText",
        }, factory => factory.Services.GetRequiredService<CosmosStore>().DeleteDatabaseAsync(default));
    }

    private static async Task ReplayIsRefusedAsync(Dictionary<string, string?> storage, Func<WebApplicationFactory<Program>, Task>? cleanUp)
    {
        await using var slack = await FakeSlackServer.StartAsync(); // oauth.v2.access answers invalid_code
        var settings = new Dictionary<string, string?>(storage)
        {
            ["Scheduler:Enabled"] = "false",
            ["Slack:SigningSecret"] = "oauth-replay-signing-secret",
            ["Slack:ClientId"] = "1234.5678",
            ["Slack:ClientSecret"] = "oauth-replay-client-secret",
            ["Slack:ApiBaseUrl"] = slack.Url + "/api/",
            ["Slack:ApiMaxRetries"] = "1",
        };
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
        try
        {
            using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            using var install = await browser.GetAsync("/slack/install");
            var state = QueryHelpers.ParseQuery(install.Headers.Location!.Query)["state"].ToString();
            var cookie = install.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

            async Task<(HttpStatusCode, string)> CallbackAsync(string code)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/slack/oauth/callback?code={code}&state={Uri.EscapeDataString(state)}");
                request.Headers.Add("Cookie", cookie);
                using var response = await browser.SendAsync(request);
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }

            var (first, _) = await CallbackAsync("1234.5678.first");
            var (replay, page) = await CallbackAsync("1234.5678.second");

            Assert.That(first, Is.EqualTo(HttpStatusCode.BadGateway), "the first callback reached Slack (which refused the code)");
            Assert.That(replay, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(page, Does.Contain("already used"));
            Assert.That(slack.Calls.Count(c => c == "oauth.v2.access"), Is.EqualTo(1), "one code exchange per state");
        }
        finally
        {
            if (cleanUp is not null)
            {
                await cleanUp(factory);
            }
        }
    }
}
