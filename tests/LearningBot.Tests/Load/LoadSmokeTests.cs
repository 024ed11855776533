using LearningBot.LoadTest;

namespace LearningBot.Tests.Load;

/// <summary>
/// The load tool itself, run briefly: the real host in its own process on a real SQLite file, signed Slack commands
/// and Teams activities on loopback, the fake Slack and Bot Connector answering. Checks the tool's bookkeeping and
/// the exactly-once guarantee, never speed (that is measured by scripts/load-test.sh, see docs/performance.md).
/// </summary>
public sealed class LoadSmokeTests
{
    [TestCase(Target.Sqlite)]
    [TestCase(Target.Socket)] // Slack over Socket Mode: the built host in Production, envelopes acknowledged over WebSockets
    [CancelAfter(60_000)]
    public async Task A_short_load_stores_every_acknowledged_command_exactly_once_and_answers_it(Target target, CancellationToken cancellationToken)
    {
        using var work = new TempDirectory();
        await using var fakes = await FakePlatforms.StartAsync();
        var options = new LoadOptions
        {
            Targets = [target],
            Rates = [20],
            Duration = TimeSpan.FromSeconds(2),
            Warmup = TimeSpan.Zero,
            // One second of each kind alone after the main phase (SQLite only): the per-kind bookkeeping runs too.
            KindDuration = TimeSpan.FromSeconds(1),
            DrainTimeout = TimeSpan.FromSeconds(20),
            // The host as this test run built it (LearningBot.Web is referenced, so its dll and runtimeconfig sit next to ours).
            HostDll = typeof(LearningBot.Web.Hosting.StorageOptions).Assembly.Location,
            WorkDirectory = work.Path,
        };

        var result = (await new LoadSession(options, fakes, TestContext.Out).RunAsync(cancellationToken)).Single();

        Assert.That(result.Sent, Is.EqualTo(40));
        Assert.That(result.Errors, Is.Zero, result.ErrorSummary);
        Assert.That(result.CpuMsPerRequest, Is.GreaterThan(0), "the host's CPU was read over the measured window");
        // Each kind alone: 1 s lead-in + 1 s measured at 20/s (Slack commands, Slack events, Teams, playground) on SQLite.
        var kindRequests = target == Target.Sqlite ? 4 * (20 + 20) : 0;
        Assert.That(result.Kinds.Select(k => k.Stream), target == Target.Sqlite
            ? Is.EqualTo(new[] { LearningBot.LoadTest.Stream.SlackCommands, LearningBot.LoadTest.Stream.SlackEvents, LearningBot.LoadTest.Stream.Teams, LearningBot.LoadTest.Stream.Playground })
            : Is.Empty);
        Assert.That(result.Kinds.Select(k => k.Errors), Has.All.Zero);
        Assert.That(result.Kinds.Select(k => k.CpuMsPerRequest), Has.All.GreaterThan(0));
        var audit = result.Audit!;
        Assert.Multiple(() =>
        {
            Assert.That(audit.Acknowledged, Is.EqualTo(40 + kindRequests));
            Assert.That(audit.StoredOnce, Is.EqualTo(40 + kindRequests), "every acknowledged command stored once");
            Assert.That(audit.Duplicated, Is.Zero);
            Assert.That(audit.RepliesDelivered, Is.EqualTo(40 + kindRequests), "every command answered (response_url / chat.postMessage / Bot Connector)");
            Assert.That(audit.RepliesDuplicated, Is.Zero);
            Assert.That(audit.ExactlyOnce, Is.True);
            Assert.That(fakes.Unexpected, Is.Zero, "the host called nothing the fakes do not serve");
        });
        Assert.That(result.Memory.PeakRssMb, Is.GreaterThan(0), "memory was read from /proc");
        if (target == Target.Socket)
        {
            Assert.That(fakes.SlackApiCalls.GetValueOrDefault("apps.connections.open"), Is.GreaterThanOrEqualTo(2), "two Socket Mode connections");
            Assert.That(result.P99Slack, Is.GreaterThan(0), "Slack acks were timed over the socket");
        }
    }
}
