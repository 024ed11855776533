using System.Globalization;
using System.Text;

namespace LearningBot.LoadTest;

/// <summary>Did every acknowledged command end up stored exactly once (and answered once)?</summary>
public sealed record StorageAudit(int Acknowledged, int StoredOnce, int Missing, int Duplicated, int StoredWithoutAck,
    int RepliesExpected, int RepliesDelivered, int RepliesDuplicated, string DuplicatedReplyKinds, TimeSpan Drain, bool Drained)
{
    public bool ExactlyOnce => Drained && Missing == 0 && Duplicated == 0 && StoredOnce == Acknowledged;

    /// <summary>Counts every command of the step (warm-up included): the host stored those too.</summary>
    public static StorageAudit From(IReadOnlyList<Outcome> outcomes, IReadOnlyDictionary<long, int> stored, FakePlatforms fakes,
        TimeSpan drain, bool drained)
    {
        var acked = outcomes.Where(o => o.Acknowledged).ToList();
        int Stored(long seq) => stored.GetValueOrDefault(seq);
        int Replies(Outcome o) => o.Kind switch
        {
            CommandKind.TeamsLearned => fakes.TeamsReplies.GetValueOrDefault(o.Seq),
            CommandKind.SlackEvent => fakes.SlackPosts.GetValueOrDefault(o.Seq),
            CommandKind.Playground => 1, // the answer is the HTTP response itself
            _ => fakes.SlackResponses.GetValueOrDefault(o.Seq),
        };
        return new StorageAudit(
            Acknowledged: acked.Count,
            StoredOnce: acked.Count(o => Stored(o.Seq) == 1),
            Missing: acked.Count(o => Stored(o.Seq) == 0),
            // A duplicate is a failure whether or not the command was acknowledged.
            Duplicated: stored.Count(s => s.Value > 1),
            StoredWithoutAck: outcomes.Count(o => !o.Acknowledged && Stored(o.Seq) > 0),
            RepliesExpected: acked.Count,
            RepliesDelivered: acked.Count(o => Replies(o) >= 1),
            RepliesDuplicated: acked.Count(o => Replies(o) > 1),
            DuplicatedReplyKinds: string.Join(", ", acked.Where(o => Replies(o) > 1).GroupBy(o => o.Kind).Select(g => $"{g.Count()}× {g.Key}")),
            Drain: drain,
            Drained: drained);
    }
}

/// <summary>The server's CPU time over a phase's measured window (first measured request → last reply), and how many requests it served.</summary>
/// <remarks>
/// <see cref="EmbedderCpu"/>: the part spent on the host's background embedding thread, <see cref="Embedded"/>: the vectors it
/// wrote meanwhile (SQLite only); the rest is the chat path (requests, replies, GC, everything else the host does).
/// </remarks>
public sealed record CpuReading(TimeSpan Cpu, TimeSpan Wall, int Requests)
{
    public TimeSpan EmbedderCpu { get; init; }

    public long Embedded { get; init; }

    /// <summary>CPU per request by host thread name, most first (<see cref="EmbedderProbe.Split"/>).</summary>
    public string Threads { get; init; } = string.Empty;

    public double Cores => Wall > TimeSpan.Zero ? Cpu / Wall : 0;

    public double MsPerRequest => Requests > 0 ? Cpu.TotalMilliseconds / Requests : 0;

    public double EmbedderMsPerRequest => Requests > 0 ? EmbedderCpu.TotalMilliseconds / Requests : 0;

    public double ChatMsPerRequest => MsPerRequest - EmbedderMsPerRequest;

    /// <summary>Documents embedded per CPU-second of the embedding thread (0 when it did nothing).</summary>
    public double DocumentsPerCpuSecond => EmbedderCpu > TimeSpan.Zero ? Embedded / EmbedderCpu.TotalSeconds : 0;
}

/// <summary>One kind alone (after the main phase, same server, same rate): its latency and CPU per request.</summary>
public sealed record KindResult(Stream Stream, int Sent, double Throughput, double P50, double P99, double Max, int Errors, CpuReading Cpu)
{
    public double CpuMsPerRequest => Cpu.MsPerRequest;

    public static KindResult From(Stream stream, StepRun run, CpuReading cpu)
    {
        var measured = run.Outcomes.Where(o => o.Measured).ToList();
        var latencies = measured.Select(o => o.LatencyMs).Order().ToArray();
        var acked = measured.Count(o => o.Acknowledged);
        return new KindResult(stream, measured.Count, acked / run.MeasuredWindow.TotalSeconds, StepResult.Percentile(latencies, 0.50),
            StepResult.Percentile(latencies, 0.99), latencies.LastOrDefault(), measured.Count - acked, cpu);
    }
}

/// <summary>One rate step against one target: the numbers that go into docs/performance.md.</summary>
/// <param name="Label">The target, or target/variant for an A/B variant.</param>
/// <param name="LoadAverage">The machine's 1-minute load average at the end of the step.</param>
public sealed record StepResult(Target Target, int Rate, int Sent, int Acknowledged, double Throughput, double P50, double P95, double P99,
    double Max, double P99Slack, double P99Teams, int Errors, int Late, string ErrorSummary, MemoryReading Memory, double HostCpuCores, double MaxSendLagMs, StorageAudit? Audit)
{
    /// <summary>Slack shows the user an error when the acknowledgement takes longer than this.</summary>
    public const double SlackAckLimitMs = 3000;

    public string Label { get; init; } = Target.ToString().ToLowerInvariant();

    public int Round { get; init; } = 1;

    public double CpuMsPerRequest { get; init; }

    /// <summary>The main phase's CPU reading, with the background embedder's share.</summary>
    public CpuReading Cpu { get; init; } = new(TimeSpan.Zero, TimeSpan.Zero, 0);

    public double LoadAverage { get; init; }

    public IReadOnlyList<KindResult> Kinds { get; init; } = [];

    public static StepResult From(Target target, string label, int round, StepRun run, MemoryReading memory, CpuReading cpu, StorageAudit? audit,
        IReadOnlyList<KindResult> kinds, double loadAverage) =>
        From(target, run, memory, cpu.Cores, audit) with
        {
            Label = label, Round = round, CpuMsPerRequest = cpu.MsPerRequest, Cpu = cpu, Kinds = kinds, LoadAverage = loadAverage,
        };

    public static StepResult From(Target target, StepRun run, MemoryReading memory, double hostCpuCores, StorageAudit? audit)
    {
        var measured = run.Outcomes.Where(o => o.Measured).ToList();
        // Percentiles over every measured request, failures included (with the time they took to fail).
        var latencies = measured.Select(o => o.LatencyMs).Order().ToArray();
        // Slack is acknowledged before the work runs, Teams only after the whole turn: their tails differ.
        var slack = measured.Where(o => o.Kind is CommandKind.SlackLearned or CommandKind.SlackKudos or CommandKind.SlackEvent).Select(o => o.LatencyMs).Order().ToArray();
        var teams = measured.Where(o => o.Kind == CommandKind.TeamsLearned).Select(o => o.LatencyMs).Order().ToArray();
        var acked = measured.Count(o => o.Acknowledged);
        var errors = run.Outcomes.Where(o => !o.Acknowledged)
            .GroupBy(o => o.Error ?? "HTTP " + o.Status.ToString(CultureInfo.InvariantCulture))
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count()}× {g.Key}");
        return new StepResult(target, run.Rate, measured.Count, acked, acked / run.MeasuredWindow.TotalSeconds,
            Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99), latencies.LastOrDefault(),
            Percentile(slack, 0.99), Percentile(teams, 0.99),
            measured.Count - acked, measured.Count(o => o.LatencyMs > SlackAckLimitMs), string.Join("; ", errors.Take(3)),
            memory, hostCpuCores, run.MaxSendLagMs, audit);
    }

    /// <summary>Nearest rank: the smallest latency at or above which the given share of requests lies.</summary>
    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

public static class Report
{
    public static string Markdown(IReadOnlyList<StepResult> results, LoadOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Warm-up {options.Warmup.TotalSeconds:F0} s (every kind in turn, not counted), main phase {options.Duration.TotalSeconds:F0} s, each kind alone {options.KindDuration.TotalSeconds:F0} s (+1 s lead-in); server CPU counted from the first measured request to the last reply of the phase. Load average: 1-minute, at the end of each step, on {Environment.ProcessorCount} cores."));
        text.AppendLine();
        var rounds = results.Any(r => r.Round > 1);
        text.AppendLine("| target | rate (req/s) | sent | throughput (req/s) | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | p99 Slack / Teams (ms) | errors | > 3 s | RSS peak / end (MB) | server CPU (cores) | CPU per request (ms) | load avg |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine(Invariant($"| {Name(r, rounds)} | {r.Rate} | {r.Sent} | {r.Throughput:F0} | {r.P50:F1} | {r.P95:F1} | {r.P99:F1} | {r.Max:F0} | {r.P99Slack:F1} / {r.P99Teams:F1} | {r.Errors} | {r.Late} | {r.Memory.PeakRssMb:F0} / {r.Memory.RssMb:F0} | {r.HostCpuCores:F2} | {r.CpuMsPerRequest:F2} | {r.LoadAverage:F1} |"));
        }

        var byKind = results.Where(r => r.Kinds.Count > 0 || r.Target == Target.Bolt).ToList();
        if (byKind.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("CPU per request by kind (each kind alone, after the main phase; the Bolt peer's row is its main phase: slash commands):");
            text.AppendLine();
            text.AppendLine("| target | rate (req/s) | kind | sent | throughput (req/s) | p50 (ms) | p99 (ms) | max (ms) | errors | server CPU (cores) | CPU per request (ms) | load avg |");
            text.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in byKind)
            {
                if (r.Target == Target.Bolt)
                {
                    text.AppendLine(Invariant($"| {Name(r, rounds)} | {r.Rate} | {Stream.SlackCommands} | {r.Sent} | {r.Throughput:F0} | {r.P50:F1} | {r.P99:F1} | {r.Max:F0} | {r.Errors} | {r.HostCpuCores:F2} | {r.CpuMsPerRequest:F2} | {r.LoadAverage:F1} |"));
                }

                foreach (var k in r.Kinds)
                {
                    text.AppendLine(Invariant($"| {Name(r, rounds)} | {r.Rate} | {k.Stream} | {k.Sent} | {k.Throughput:F0} | {k.P50:F1} | {k.P99:F1} | {k.Max:F0} | {k.Errors} | {k.Cpu.Cores:F2} | {k.CpuMsPerRequest:F2} | {r.LoadAverage:F1} |"));
                }
            }
        }

        text.Append(EmbedderSplit.Markdown(results, rounds ? r => Invariant($"{r.Label} (run {r.Round})") : r => r.Label));

        var audited = results.Where(r => r.Audit is not null).ToList();
        if (audited.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| target | rate (req/s) | acknowledged (all phases) | stored exactly once | missing | duplicated | stored without ack | replies delivered | duplicate replies | drained (s) |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in audited)
            {
                var a = r.Audit!;
                text.AppendLine(Invariant($"| {Name(r, rounds)} | {r.Rate} | {a.Acknowledged} | {a.StoredOnce} | {a.Missing} | {a.Duplicated} | {a.StoredWithoutAck} | {a.RepliesDelivered} / {a.RepliesExpected} | {a.RepliesDuplicated} | {(a.Drained ? "yes" : "NO")} ({a.Drain.TotalSeconds:F1}) |"));
            }
        }

        var notes = results.Where(r => r.ErrorSummary.Length > 0 || r.MaxSendLagMs > 50 || r.Audit?.RepliesDuplicated > 0).ToList();
        if (notes.Count > 0)
        {
            text.AppendLine();
            foreach (var r in notes)
            {
                text.AppendLine(Invariant($"- {Name(r, rounds)} @ {r.Rate}: ")
                                + (r.ErrorSummary.Length > 0 ? "errors " + r.ErrorSummary + ". " : string.Empty)
                                + (r.Audit?.RepliesDuplicated > 0 ? "duplicate replies: " + r.Audit.DuplicatedReplyKinds + ". " : string.Empty)
                                + Invariant($"generator send lag max {r.MaxSendLagMs:F0} ms."));
            }
        }

        return text.ToString();
    }

    private static string Name(StepResult r, bool rounds) => rounds ? Invariant($"{r.Label} (run {r.Round})") : r.Label;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
