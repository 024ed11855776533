using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Knowledge;

namespace LearningBot.Benchmarks.Semantic;

/// <summary>
/// Where one whole <c>ask</c> spends its wall time: listens to the bot's <see cref="AskStages"/> spans while <see cref="Recording"/>
/// is set (no span is even created otherwise), sums each stage per call (a stage inside <c>who knows</c>'s suggestion is counted
/// apart, as "suggestion › stage"), and prints p50 / p95 / mean per stage over the calls. Stages overlap (the embedding runs beside
/// the recent-questions read and the lexical half), so the stages do not add up to the whole.
/// </summary>
internal sealed class StageTimings : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<string, double> _call = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<double>> _calls = new(StringComparer.Ordinal);
    private int _count;

    public StageTimings()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LearningBotMetrics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => Recording ? ActivitySamplingResult.AllData : ActivitySamplingResult.None,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Set around the calls to measure.</summary>
    public bool Recording { get; set; }

    /// <summary>Closes the current call: each stage's total in it becomes one sample.</summary>
    public void EndCall()
    {
        _count++;
        foreach (var (stage, ms) in _call)
        {
            if (!_calls.TryGetValue(stage, out var list))
            {
                _calls[stage] = list = [];
            }

            list.Add(ms);
        }

        _call.Clear();
    }

    /// <summary>Prints the table and starts over.</summary>
    public void Print(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"### stages of the whole ask: {title} ({_count} calls; wall ms per call, stages overlap)");
        Console.WriteLine("| stage | calls with it | p50 | p95 | mean over all calls |");
        Console.WriteLine("|---|--:|--:|--:|--:|");
        foreach (var (stage, list) in _calls.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var sorted = list.Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {stage} | {list.Count} | {sorted[(int)(sorted.Count * 0.5)]:F2} | {sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * 0.95))]:F2} | {list.Sum() / Math.Max(1, _count):F2} |"));
        }

        _calls.Clear();
        _count = 0;
    }

    public void Dispose() => _listener.Dispose();

    private void Stopped(Activity activity)
    {
        if (!Recording)
        {
            return; // another listener's call (the benchmark keeps one per variant)
        }

        if (activity.OperationName == "command")
        {
            _call.AddOrUpdate("command (whole)", activity.Duration.TotalMilliseconds, (_, v) => v + activity.Duration.TotalMilliseconds);
            return;
        }

        var name = activity.OperationName;
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.OperationName == AskStages.Suggestion)
            {
                name = "suggestion › " + name;
                break;
            }
        }

        _call.AddOrUpdate(name, activity.Duration.TotalMilliseconds, (_, v) => v + activity.Duration.TotalMilliseconds);
    }
}
