using System.Diagnostics;

namespace LearningBot.Benchmarks;

/// <summary>
/// A quick check outside BenchmarkDotNet (<c>-- --probe</c>): a few hundred calls of each ask benchmark with a
/// stopwatch, printing median and P95. For the edit-measure loop while profiling; the recorded numbers come
/// from BenchmarkDotNet.
/// </summary>
internal static class Probe
{
    public static async Task RunAsync(int calls)
    {
        var ask = new AskCorpusBenchmarks();
        await ask.SetupAsync();
        try
        {
            await MeasureAsync("search only", calls, () => ask.SearchOnly());
            await MeasureAsync("ask (pipeline)", calls, () => ask.Ask());
            await MeasureAsync("ask common words", calls / 5, () => ask.AskCommonWords());
        }
        finally
        {
            await ask.CleanupAsync();
        }
    }

    private static async Task MeasureAsync(string name, int calls, Func<Task> call)
    {
        for (var i = 0; i < 20; i++)
        {
            await call();
        }

        var times = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var clock = Stopwatch.StartNew();
            await call();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        Console.WriteLine($"{name,-20} median {times[calls / 2]:F2} ms  p95 {times[(int)(calls * 0.95)]:F2} ms  max {times[^1]:F2} ms");
    }
}
