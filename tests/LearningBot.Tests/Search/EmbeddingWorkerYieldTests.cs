using System.Net;
using System.Net.Http.Json;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Learnings;
using LearningBot.Embeddings;
using LearningBot.Tests.Web;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Search;

/// <summary>
/// The background embedder yields to chat (issue 14: the load test must not get worse with the model on): the real host, the
/// real packaged model and a real SQLite file. A model call starts only when no HTTP request is in flight and none ended within
/// <c>Search:Embeddings:QuietPeriod</c>; what waits stays in the durable queue, is embedded once the traffic stops, survives a
/// restart, and under traffic with no gap at all still moves after <c>MaxQuietWait</c>.
/// </summary>
[Category("Embeddings")]
public sealed class EmbeddingWorkerYieldTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    private TempDirectory _directory = null!;

    [SetUp]
    public void CreateFolder() => _directory = new TempDirectory();

    [TearDown]
    public void RemoveFolder() => _directory.Dispose();

    private string DatabasePath => _directory.File("yield.db");

    private LearningBotWebFactory Host(string maxQuietWait = "00:10:00") => new(new Dictionary<string, string?>
    {
        ["Storage:Sqlite:Path"] = DatabasePath,
        ["Search:Embeddings:Provider"] = "MiniLM",
        ["Search:Embeddings:PollInterval"] = "00:00:01",
        ["Search:Embeddings:MaxQuietWait"] = maxQuietWait,
        ["Scheduler:Enabled"] = "false",
    });

    /// <summary>Learnings as people log them: short ones and a long write-up.</summary>
    private static async Task AddLearningsAsync(LearningBotWebFactory host, int count, string prefix)
    {
        var learnings = host.Services.GetRequiredService<ILearningRepository>();
        for (var i = 0; i < count; i++)
        {
            var text = i % 10 == 0
                ? string.Concat(Enumerable.Repeat($"step {i}: when the release pipeline stalls, check the runner's disk and re-run the failed job; ", 5))
                : $"how the retry queue backs off after item {i} fails #ops";
            await learnings.AddAsync(new LearningEntry($"{prefix}{i}", "playground:acme", "cy", text, [], null, DateTimeOffset.UtcNow, $"{prefix}{i}"), default);
        }
    }

    private long Vectors() => SqliteFileProbe.Scalar(DatabasePath, "SELECT count(*) FROM search_vectors");

    private static Task WaitAsync(Func<bool> condition, string what) =>
        SqliteFileProbe.WaitAsync(condition, what, Within, TimeSpan.FromMilliseconds(100));

    [Test]
    public async Task A_request_in_flight_holds_off_the_model_and_the_backlog_is_embedded_once_it_ends()
    {
        using var host = Host();
        var client = host.CreateClient();
        var activity = host.Services.GetRequiredService<ChatActivity>();

        // Every HTTP request passes through the activity count (a real playground command here).
        var before = activity.Requests;
        var response = await client.PostAsJsonAsync("/api/playground", new { team = "acme", user = "cy", text = "learned how the retry queue backs off #ops" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(activity.Requests, Is.EqualTo(before + 1), "the request was counted");
        Assert.That(activity.InFlight, Is.Zero, "and is no longer in flight");
        await WaitAsync(() => Vectors() == 1, "its learning embedded: nothing else was in flight");

        // A request in flight (what the middleware holds while it is served): no model call meanwhile.
        var inFlight = activity.Enter();
        await AddLearningsAsync(host, 30, "busy");
        await Task.Delay(TimeSpan.FromSeconds(4)); // four polls, and the writes' own wake-ups
        Assert.That(Vectors(), Is.EqualTo(1), "no model call while a chat request is in flight");

        inFlight.Dispose();
        await WaitAsync(() => Vectors() == 31, "the backlog embedded once chat went quiet");
        Assert.That(host.Services.GetRequiredService<EmbeddingWorker>().GapsMissed, Is.Zero, "every call waited for a gap");
    }

    [Test]
    public async Task A_backlog_left_by_a_busy_host_is_embedded_after_a_restart()
    {
        using (var busy = Host())
        {
            _ = busy.CreateClient();
            using var inFlight = busy.Services.GetRequiredService<ChatActivity>().Enter(); // what the middleware does per request
            await AddLearningsAsync(busy, 25, "before-restart");
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.That(Vectors(), Is.Zero, "the busy host embedded nothing");
        }

        using var restarted = Host();
        _ = restarted.CreateClient();
        await WaitAsync(() => Vectors() == 25, "every learning left in the queue embedded after the restart");
    }

    [Test]
    public async Task Under_traffic_with_no_gap_a_call_is_made_anyway_after_MaxQuietWait()
    {
        using var host = Host(maxQuietWait: "00:00:01");
        _ = host.CreateClient();
        using var inFlight = host.Services.GetRequiredService<ChatActivity>().Enter();
        await AddLearningsAsync(host, 10, "flood");

        await WaitAsync(() => Vectors() == 10, "embedded although chat never went quiet");
        Assert.That(host.Services.GetRequiredService<EmbeddingWorker>().GapsMissed, Is.GreaterThan(0), "the calls gave up waiting for a gap");
    }

    [Test]
    public void A_batch_is_cut_into_short_calls_of_similar_length_each_text_once()
    {
        var texts = Enumerable.Range(0, 16).Select(i => i % 5 == 0 ? new string('x', 400 + i) : $"how item {i} backs off #ops")
            .Append(new string('y', 3000))
            .Select((t, i) => new EmbeddingWork("T1", Core.Knowledge.SearchKind.Learning, $"l{i}", t, $"{i}:0:h"))
            .ToList();

        var calls = EmbeddingWorker.Calls(texts, textsPerCall: 8);

        Assert.That(calls.SelectMany(c => c).Order(), Is.EqualTo(Enumerable.Range(0, texts.Count)), "every text exactly once");
        Assert.That(calls.Select(c => c.Length), Has.All.LessThanOrEqualTo(8));
        Assert.That(calls.Where(c => c.Length > 1).Select(c => c.Sum(i => texts[i].Text.Length)), Has.All.LessThanOrEqualTo(1000),
            "a call of several texts stays short");
        Assert.That(calls.Single(c => c.Contains(16)), Has.Length.EqualTo(1), "a text longer than a call's budget goes alone");
    }
}
