using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningBot.Core.Members;
using LearningBot.Storage.Cosmos;
using LearningBot.Tests.Storage;
using LearningBot.Web.Dashboard;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Web;

/// <summary>
/// Issue 12, item 7, through the real host: "forget me" ends the person's dashboard session and every private link issued
/// to them before, and reading a page never (re-)creates a member. Run on SQLite and on Cosmos.
/// </summary>
public abstract class ForgetEndsSessionsTests
{
    private WebApplicationFactory<Program> _factory = null!;
    private string _team = null!;

    protected abstract WebApplicationFactory<Program> CreateHost();

    protected virtual Task StopAsync(WebApplicationFactory<Program> host) => Task.CompletedTask;

    [SetUp]
    public void Start()
    {
        _factory = CreateHost();
        _team = "forget-" + Guid.NewGuid().ToString("N")[..8];
    }

    [TearDown]
    public async Task Stop()
    {
        if (_factory is not null)
        {
            await StopAsync(_factory);
            await _factory.DisposeAsync();
            _factory = null!; // NUnit reuses the fixture: an ignored set-up next time must not see this host
        }
    }

    private HttpClient Browser() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private async Task<JsonElement> SendAsync(HttpClient client, string user, string text)
    {
        var response = await client.PostAsJsonAsync("/api/playground", new { team = _team, user, text });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string LinkIn(JsonElement reply) => reply.GetProperty("reply").GetProperty("blocks").EnumerateArray()
        .SelectMany(b => b.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.Object
            ? text.GetProperty("spans").EnumerateArray() : Enumerable.Empty<JsonElement>())
        .Single(s => s.GetProperty("type").GetString() == "link").GetProperty("url").GetString()!;

    private Task<IReadOnlyList<Member>> MembersAsync() =>
        _factory.Services.GetRequiredService<IMemberRepository>().ListAsync("playground:" + _team, default);

    [Test]
    public async Task Forgetting_ends_the_sign_in_cookie_and_every_link_issued_before_and_a_fresh_start_works()
    {
        var ann = Browser();
        await SendAsync(ann, "ann", "learned terraform imports #terraform");
        var dashboardLink = LinkIn(await SendAsync(ann, "ann", "insights"));
        var personalLink = LinkIn(await SendAsync(ann, "ann", "me"));
        var exportLink = LinkIn(await SendAsync(ann, "ann", "export me"));
        Assert.That((await ann.GetAsync(dashboardLink)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That((await ann.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "signed in before forgetting");
        Assert.That((await ann.GetAsync("/api/dashboard/playground:" + _team)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        await SendAsync(Browser(), "ann", "forget me delete-answers");

        Assert.That((await ann.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the cookie's session ended");
        Assert.That((await ann.GetAsync("/api/dashboard/playground:" + _team)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await ann.GetAsync("/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await Browser().GetAsync(dashboardLink)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "dashboard link");
        Assert.That((await Browser().GetAsync(personalLink)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "personal-page link");
        var export = await Browser().GetAsync(exportLink);
        Assert.That(export.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "export link");
        Assert.That(await export.Content.ReadAsStringAsync(), Does.Not.Contain("terraform"));
        Assert.That((await MembersAsync()).Select(m => m.UserId), Does.Not.Contain("ann"), "no read re-created the member");

        // Using the bot again is a fresh start: links issued after the forget work.
        var fresh = Browser();
        var again = LinkIn(await SendAsync(fresh, "ann", "me"));
        Assert.That((await fresh.GetAsync(again)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That((await fresh.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Forgetting_one_person_leaves_everyone_elses_session_alone()
    {
        var ann = Browser();
        var bo = Browser();
        await ann.GetAsync(LinkIn(await SendAsync(ann, "ann", "insights")));
        await bo.GetAsync(LinkIn(await SendAsync(bo, "bo", "insights")));

        await SendAsync(Browser(), "ann", "forget me keep-answers");

        Assert.That((await bo.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ann.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Reading_the_personal_page_creates_no_member()
    {
        // A valid link for someone the store does not know (e.g. forgotten, then the page reopened from history).
        var links = _factory.Services.GetRequiredService<SignedLinks>();
        var browser = Browser();
        await SendAsync(browser, "bo", "learned something");
        Assert.That((await browser.GetAsync(links.Personal("playground:" + _team, "ghost"))).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));

        var page = await browser.GetAsync("/api/me");

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await MembersAsync()).Select(m => m.UserId), Is.EqualTo(new[] { "bo" }));
    }
}

[TestFixture]
public sealed class SqliteForgetEndsSessionsTests : ForgetEndsSessionsTests
{
    protected override WebApplicationFactory<Program> CreateHost() => new LearningBotWebFactory(new Dictionary<string, string?>
    {
        ["Dashboard:SigningKey"] = "test-signing-key-0123456789abcdef0123456789",
        ["Scheduler:Enabled"] = "false",
    });
}

[TestFixture]
[NonParallelizable]
public sealed class CosmosForgetEndsSessionsTests : ForgetEndsSessionsTests
{
    protected override WebApplicationFactory<Program> CreateHost()
    {
        var target = CosmosTestTarget.FindOrIgnore();
        var database = $"lbfgt-{Guid.NewGuid():N}"[..20];
        return new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Storage:Provider", "Cosmos");
            builder.UseSetting("Storage:Cosmos:Endpoint", target.Endpoint);
            builder.UseSetting("Storage:Cosmos:Key", target.Key);
            builder.UseSetting("Storage:Cosmos:Database", database);
            builder.UseSetting("Storage:Cosmos:ConnectionMode", target.ConnectionMode.ToString());
            builder.UseSetting("Storage:Cosmos:LimitToEndpoint", target.LimitToEndpoint.ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Storage:Cosmos:Search", (target.IsLocalServer ? CosmosSearchMode.Contains : CosmosSearchMode.FullText).ToString());
            builder.UseSetting("Playground:Enabled", "true");
            builder.UseSetting("Dashboard:SigningKey", "test-signing-key-0123456789abcdef0123456789");
            builder.UseSetting("Scheduler:Enabled", "false");
        });
    }

    protected override async Task StopAsync(WebApplicationFactory<Program> host) =>
        await host.Services.GetRequiredService<CosmosStore>().DeleteDatabaseAsync(default);
}
