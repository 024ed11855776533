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
        var commands = new CommandBenchmarks();
        await commands.SetupAsync();
        try
        {
            await MeasureAsync("learned", calls, () => commands.Learned());
            await MeasureAsync("kudos", calls, () => commands.Kudos());
            await MeasureAsync("ask (fixed question)", calls, () => commands.Ask());
            await MeasureAsync("help", calls, () => commands.Help());
        }
        finally
        {
            await commands.CleanupAsync();
        }

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

        // CPU time as well as wall time: on a machine shared with other builds, wall time mostly measures the queue for a core.
        var times = new double[calls];
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < calls; i++)
        {
            var clock = Stopwatch.StartNew();
            await call();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        var cpuPerCall = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / calls;
        Array.Sort(times);
        Console.WriteLine($"{name,-22} median {times[calls / 2]:F2} ms  p95 {times[(int)(calls * 0.95)]:F2} ms  max {times[^1]:F2} ms" +
                          $"  mean CPU {cpuPerCall:F2} ms/call");
    }
}
