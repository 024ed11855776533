using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using LearningBot.Core.Diagnostics;
using LearningBot.Tests.Web;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Observability;

/// <summary>The LearningBot meter and activity source, read while commands run through the real host (playground API).</summary>
public sealed class CommandMetricsTests
{
    private LearningBotWebFactory _factory = null!;
    private HttpClient _client = null!;
    private MetricCapture _metrics = null!;

    [SetUp]
    public void Start()
    {
        _factory = new LearningBotWebFactory(new Dictionary<string, string?> { ["Scheduler:Enabled"] = "false" });
        _client = _factory.CreateClient();
        _metrics = new MetricCapture(_factory.Services.GetRequiredService<IMeterFactory>());
    }

    [TearDown]
    public void Stop()
    {
        _metrics.Dispose();
        _client.Dispose();
        _factory.Dispose();
    }

    private async Task SendAsync(string user, string text, string? messageId = null)
    {
        var response = await _client.PostAsJsonAsync("/api/playground", new { team = "acme", user, text, messageId });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    private IReadOnlyList<Measurement> Commands(string command, string outcome) =>
        _metrics.Of("learningbot.commands").Where(m => m.Tag("command") == command && m.Tag("outcome") == outcome).ToList();

    [Test]
    public async Task Each_command_is_counted_by_name_and_outcome_with_its_latency()
    {
        await SendAsync("ann", "learned how EXPLAIN plans work #postgres", messageId: "m1");
        await SendAsync("ann", "learned how EXPLAIN plans work #postgres", messageId: "m1"); // redelivery
        await SendAsync("ann", "kudos @ann for being me"); // refused politely: you cannot thank yourself
        await SendAsync("bo", "frobnicate the widgets"); // not a command
        await SendAsync("bo", "ask explain plans");

        Assert.Multiple(() =>
        {
            Assert.That(Commands("LogLearning", "ok"), Has.Count.EqualTo(1));
            Assert.That(Commands("LogLearning", "redelivery"), Has.Count.EqualTo(1));
            Assert.That(Commands("GiveKudos", "error"), Has.Count.EqualTo(1));
            Assert.That(Commands("unparsed", "rejected"), Has.Count.EqualTo(1));
            Assert.That(Commands("Ask", "ok"), Has.Count.EqualTo(1));
            Assert.That(_metrics.Of("learningbot.commands"), Has.Count.EqualTo(5), "one count per message, nothing else");
            Assert.That(_metrics.Of("learningbot.commands").Select(m => m.Tag("platform")).Distinct(), Is.EqualTo(new[] { "playground" }));
            Assert.That(_metrics.Of("learningbot.commands").SelectMany(m => m.Tags.Keys).Distinct(),
                Is.EquivalentTo(new[] { "command", "platform", "outcome" }), "no team or user ids in metric tags");
        });

        var durations = _metrics.Of("learningbot.command.duration");
        Assert.That(durations, Has.Count.EqualTo(5));
        var learned = durations.Single(m => m.Tag("command") == "LogLearning" && m.Tag("outcome") == "ok");
        Assert.That(learned.Value, Is.GreaterThan(0).And.LessThan(10), "seconds, measured around the real SQLite write");

        // The learning's write transaction was measured as storage latency on SQLite.
        var writes = _metrics.Of("learningbot.storage.duration").Where(m => m.Tag("engine") == "sqlite" && m.Tag("operation") == "write").ToList();
        Assert.That(writes, Is.Not.Empty);
        Assert.That(writes.Select(m => m.Tag("outcome")), Has.All.EqualTo("ok"));
    }

    [Test]
    public async Task A_command_is_traced_as_an_activity_with_its_name_and_outcome()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LearningBotMetrics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (activities)
                {
                    activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await SendAsync("cy", "share How do I rotate keys? :: make rotate-keys #ops");

        List<Activity> commands;
        lock (activities)
        {
            // Other hosts in the same process share the static source: pick ours by its command.
            commands = activities.Where(a => a.OperationName == "command" && (string?)a.GetTagItem("learningbot.command") == "Share").ToList();
        }

        Assert.That(commands, Has.Count.EqualTo(1));
        Assert.That(commands[0].DisplayName, Is.EqualTo("command Share"));
        Assert.That(commands[0].GetTagItem("learningbot.outcome"), Is.EqualTo("ok"));
        Assert.That(commands[0].GetTagItem("learningbot.platform"), Is.EqualTo("playground"));
    }
}
