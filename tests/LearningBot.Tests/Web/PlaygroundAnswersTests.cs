using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Storage.Cosmos;
using LearningBot.Tests.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LearningBot.Tests.Web;

/// <summary>
/// Issue 16 through the real web host and its playground, on SQLite and on Cosmos: a review DM arrives in the owner's feed once and
/// its button confirms the answer; an opted-in person is sent a thrice-asked question once; a prompt reminder lands in the thread.
/// The scheduler loop is off: the test runs the host's own scheduler and dispatcher after moving the host's clock, as a tick would.
/// </summary>
[TestFixture("Sqlite")]
[TestFixture("Cosmos")]
[NonParallelizable]
public sealed class PlaygroundAnswersTests(string engine)
{
    private FakeTimeProvider _clock = new();
    private WebApplicationFactory<Program> _factory = null!;
    private LearningBotWebFactory? _sqlite;
    private string? _cosmosDatabase;
    private HttpClient _client = null!;
    private string _team = null!;

    [SetUp]
    public void StartHost()
    {
        _clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero)); // one fixture instance runs every test
        _team = "t" + Guid.NewGuid().ToString("N")[..8];
        WebApplicationFactory<Program> baseFactory;
        if (engine == "Cosmos")
        {
            var target = CosmosTestTarget.FindOrIgnore();
            _cosmosDatabase = $"lbpga-{Guid.NewGuid():N}"[..20];
            baseFactory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
            {
                builder.UseSetting("Storage:Provider", "Cosmos");
                builder.UseSetting("Storage:Cosmos:Endpoint", target.Endpoint);
                builder.UseSetting("Storage:Cosmos:Key", target.Key);
                builder.UseSetting("Storage:Cosmos:Database", _cosmosDatabase);
                builder.UseSetting("Storage:Cosmos:ConnectionMode", target.ConnectionMode.ToString());
                builder.UseSetting("Storage:Cosmos:LimitToEndpoint", target.LimitToEndpoint.ToString(CultureInfo.InvariantCulture));
                builder.UseSetting("Storage:Cosmos:Search", (target.IsLocalServer ? CosmosSearchMode.Contains : CosmosSearchMode.FullText).ToString());
            });
        }
        else
        {
            baseFactory = _sqlite = new LearningBotWebFactory();
        }

        _factory = baseFactory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Playground:Enabled", "true");
            builder.UseSetting("Scheduler:Enabled", "false");
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(_clock));
        });
        _client = _factory.CreateClient();
    }

    [TearDown]
    public async Task StopHost()
    {
        if (_factory is null)
        {
            return;
        }

        if (_cosmosDatabase is not null)
        {
            await _factory.Services.GetRequiredService<CosmosStore>().DeleteDatabaseAsync(default);
        }

        _client.Dispose();
        await _factory.DisposeAsync();
        _sqlite?.Dispose();
    }

    private async Task<JsonElement> SendAsync(string user, string text, bool admin = false, string? threadId = null)
    {
        using var response = await _client.PostAsJsonAsync("/api/playground", new { team = _team, user, text, admin, threadId });
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<string> TextAsync(string user, string text, bool admin = false) => (await SendAsync(user, text, admin)).GetProperty("text").GetString()!;

    /// <summary>Moves the host's clock and runs its scheduler and dispatcher twice, as two ticks (or two replicas) would.</summary>
    private async Task TickAsync(DateTimeOffset at)
    {
        _clock.SetUtcNow(at);
        var scheduler = _factory.Services.GetRequiredService<PromptScheduler>();
        await Task.WhenAll(scheduler.RunOnceAsync(default), scheduler.RunOnceAsync(default));
        await _factory.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(default);
    }

    private async Task<List<JsonElement>> FeedAsync() =>
        (await _client.GetFromJsonAsync<JsonElement>($"/api/playground/feed?team={_team}&after=0")).EnumerateArray().ToList();

    [Test]
    public async Task The_owner_gets_one_review_dm_in_the_feed_and_its_still_right_button_confirms_the_answer()
    {
        var start = _clock.GetUtcNow();
        await SendAsync("ann", "share How do we rotate the staging keys? :: make rotate-keys in the ops repo #ops");
        Assert.That(await TextAsync("bo", "ask how do we rotate the staging keys"), Does.Contain("confirmed 25 Nov 2026"));

        await TickAsync(start.AddDays(180).AddMinutes(1));
        await TickAsync(start.AddDays(180).AddMinutes(2));
        var overdue = await TextAsync("bo", "ask how do we rotate the staging keys");

        var feed = await FeedAsync();
        var dm = feed.Single();
        Assert.That(dm.GetProperty("to").GetString(), Is.EqualTo("ann"));
        Assert.That(dm.GetProperty("text").GetString(), Does.Contain("Is this answer still right?"));
        var buttons = dm.GetProperty("reply").GetProperty("blocks").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "actions")
            .GetProperty("actions").EnumerateArray().ToList();
        Assert.That(buttons.Select(b => b.GetProperty("label").GetString()), Is.EqualTo(new[] { "Still right", "Edit", "Retire" }));
        Assert.That(overdue, Does.Contain("may be out of date"));

        var pressed = await TextAsync("ann", buttons[0].GetProperty("command").GetString()!);
        Assert.That(pressed, Does.Contain("confirmed as still right"));
        Assert.That(await TextAsync("bo", "ask how do we rotate the staging keys"), Does.Not.Contain("may be out of date"));
    }

    [Test]
    public async Task A_thrice_asked_question_goes_once_to_the_opted_in_person_who_knows_the_topic()
    {
        await SendAsync("bo", "learned vault audit logs go to splunk #vault");
        await SendAsync("bo", "settings ask-me on");
        const string Question = "ask how do we rotate vault tokens on staging clusters";

        await SendAsync("ann", Question);
        await SendAsync("cy", Question);
        var third = await TextAsync("dee", Question);
        var fourth = await TextAsync("eve", Question);
        await TickAsync(_clock.GetUtcNow());

        Assert.That(third, Does.Contain("@bo may know").And.Contain("I've sent them the question."));
        Assert.That(fourth, Does.Contain("I sent them this question earlier."));
        var dm = (await FeedAsync()).Single();
        Assert.That(dm.GetProperty("to").GetString(), Is.EqualTo("bo"));
        Assert.That(dm.GetProperty("text").GetString(), Does.Contain("how do we rotate vault tokens on staging clusters"));
    }

    [Test]
    public async Task Prompt_remind_posts_one_reminder_in_the_prompts_thread()
    {
        await SendAsync("lead", "prompt set thu 09:30 Europe/Berlin", admin: true);
        await SendAsync("lead", "prompt remind on", admin: true);
        var posted = new DateTimeOffset(2026, 11, 26, 8, 30, 0, TimeSpan.Zero);
        await TickAsync(posted);
        var prompt = (await FeedAsync()).Single();
        await SendAsync("bo", "tracing samplers drop spans under load #observability", threadId: prompt.GetProperty("id").GetString());

        await TickAsync(posted.AddHours(23));
        await TickAsync(posted.AddHours(23).AddMinutes(5));

        var feed = await FeedAsync();
        var reminders = feed.Where(p => p.GetProperty("text").GetString()!.Contains("About an hour left", StringComparison.Ordinal)).ToList();
        Assert.That(reminders, Has.Count.EqualTo(1));
        Assert.That(reminders[0].GetProperty("threadId").GetString(), Is.EqualTo(prompt.GetProperty("id").GetString()));
        Assert.That(reminders[0].GetProperty("text").GetString(), Does.Not.Contain("@"));
    }
}
