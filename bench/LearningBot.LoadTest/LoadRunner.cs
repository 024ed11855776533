using System.Diagnostics;

namespace LearningBot.LoadTest;

/// <summary>What happened to one request. Latency is from the moment it was <em>scheduled</em>, not sent.</summary>
public readonly record struct Outcome(long Seq, CommandKind Kind, int Status, double LatencyMs, double DoneAtMs, bool Measured, string? Error)
{
    public bool Acknowledged => Status is >= 200 and < 300;
}

/// <summary>All outcomes of one step, plus how late the generator itself was at sending.</summary>
public sealed record StepRun(int Rate, IReadOnlyList<Outcome> Outcomes, TimeSpan MeasuredWindow, double MaxSendLagMs);

/// <summary>
/// Open-loop load: request i is due at start + i / rate whatever happened to earlier ones, so a slow server
/// meets more concurrent requests (as it would from Slack and Teams) instead of a politely waiting client, and
/// each latency counts from the due time (no coordinated omission). One dedicated thread keeps the schedule;
/// the requests themselves are asynchronous.
/// </summary>
/// <param name="send">Sends request <c>seq</c> and returns its status (200 for an acknowledged Socket Mode envelope).</param>
public sealed class LoadRunner(Func<long, Task<int>> send)
{
    /// <summary>Requests over HTTP: the status is the response's.</summary>
    public static LoadRunner Http(HttpClient client, Func<long, HttpRequestMessage> build) => new(seq => SendHttpAsync(client, build, seq));

    public static async Task<int> SendHttpAsync(HttpClient client, Func<long, HttpRequestMessage> build, long seq)
    {
        using var request = build(seq);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        return (int)response.StatusCode;
    }

    public async Task<StepRun> RunAsync(int rate, TimeSpan warmup, TimeSpan duration)
    {
        var warmupCount = (int)(rate * warmup.TotalSeconds);
        var total = warmupCount + (int)(rate * duration.TotalSeconds);
        var tasks = new Task<Outcome>[total];
        double maxLagMs = 0;
        var start = Stopwatch.GetTimestamp();

        var scheduler = new Thread(() =>
        {
            for (var i = 0; i < total; i++)
            {
                var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
                while (Stopwatch.GetTimestamp() < due)
                {
                    // ~1 ms sleeps: good enough at 1,000 req/s, and lateness shows in the latency anyway.
                    Thread.Sleep(1);
                }

                maxLagMs = Math.Max(maxLagMs, Stopwatch.GetElapsedTime(due).TotalMilliseconds);
                tasks[i] = SendAsync(i, start, due, measured: i >= warmupCount);
            }
        })
        { IsBackground = true, Name = "load schedule", Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        await Task.Run(scheduler.Join);

        var outcomes = await Task.WhenAll(tasks);
        // The measured window runs from the first measured due time until the last measured answer arrived,
        // so a server that falls behind shows a throughput below the offered rate.
        var measuredStartMs = warmupCount * 1000.0 / rate;
        var lastDoneMs = outcomes.Where(o => o.Measured).Select(o => o.DoneAtMs).DefaultIfEmpty(measuredStartMs).Max();
        var window = TimeSpan.FromMilliseconds(Math.Max(lastDoneMs - measuredStartMs, duration.TotalMilliseconds));
        return new StepRun(rate, outcomes, window, maxLagMs);
    }

    private async Task<Outcome> SendAsync(long seq, long start, long due, bool measured)
    {
        var kind = CommandMix.KindOf(seq);
        try
        {
            var status = await send(seq);
            return new Outcome(seq, kind, status, Stopwatch.GetElapsedTime(due).TotalMilliseconds,
                Stopwatch.GetElapsedTime(start).TotalMilliseconds, measured, status == 0 ? "no Socket Mode connection" : null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException or System.Net.WebSockets.WebSocketException)
        {
            var error = ex is TaskCanceledException or TimeoutException ? "timeout" : ex.GetType().Name + ": " + ex.Message;
            return new Outcome(seq, kind, 0, Stopwatch.GetElapsedTime(due).TotalMilliseconds, Stopwatch.GetElapsedTime(start).TotalMilliseconds,
                measured, error);
        }
    }
}
