using System.Diagnostics;

namespace LearningBot.LoadTest;

/// <summary>What happened to one request. Latency is from the moment it was <em>scheduled</em>, not sent.</summary>
public readonly record struct Outcome(long Seq, CommandKind Kind, int Status, double LatencyMs, double DoneAtMs, bool Measured, string? Error)
{
    public bool Acknowledged => Status is >= 200 and < 300;
}

/// <summary>All outcomes of one phase, plus how late the generator itself was at sending.</summary>
/// <param name="MeasuredStarted">Stopwatch timestamp of the first measured due time (after the phase's lead-in).</param>
public sealed record StepRun(int Rate, IReadOnlyList<Outcome> Outcomes, TimeSpan MeasuredWindow, double MaxSendLagMs, long MeasuredStarted);

/// <summary>
/// One phase of a step: <paramref name="LeadIn"/> of unmeasured requests (warm-up, or settling into a new kind), then
/// <paramref name="Duration"/> measured, all at <paramref name="Rate"/>, numbered from <paramref name="FirstSeq"/> (numbers are
/// unique across a step's phases, so what the host stored can be matched back), of the kinds <paramref name="Stream"/> says.
/// </summary>
public sealed record Phase(string Name, Stream Stream, int Rate, TimeSpan LeadIn, TimeSpan Duration, long FirstSeq)
{
    public int LeadInCount => (int)(Rate * LeadIn.TotalSeconds);

    public int Count => LeadInCount + (int)(Rate * Duration.TotalSeconds);
}

/// <summary>
/// Open-loop load: request i is due at start + i / rate whatever happened to earlier ones, so a slow server
/// meets more concurrent requests (as it would from Slack and Teams) instead of a politely waiting client, and
/// each latency counts from the due time (no coordinated omission). One dedicated thread keeps the schedule;
/// the requests themselves are asynchronous.
/// </summary>
/// <param name="send">Sends request <c>seq</c> of the given kind and returns its status (200 for an acknowledged Socket Mode envelope).</param>
public sealed class LoadRunner(Func<long, CommandKind, Task<int>> send)
{
    /// <summary>Requests over HTTP: the status is the response's.</summary>
    /// <param name="ackReply">Called with a slash command's seq when its 200 acknowledgement carries the reply (a JSON message).</param>
    public static LoadRunner Http(HttpClient client, Func<long, CommandKind, HttpRequestMessage> build, Action<long>? ackReply = null) =>
        new((seq, kind) => SendHttpAsync(client, build, seq, kind, ackReply));

    public static async Task<int> SendHttpAsync(HttpClient client, Func<long, CommandKind, HttpRequestMessage> build, long seq, CommandKind kind,
        Action<long>? ackReply = null)
    {
        using var request = build(seq, kind);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        if (ackReply is not null && kind is CommandKind.SlackLearned or CommandKind.SlackKudos && response.IsSuccessStatusCode
            && response.Content.Headers.ContentType?.MediaType == "application/json"
            && (await response.Content.ReadAsStringAsync()).Contains("\"response_type\"", StringComparison.Ordinal))
        {
            ackReply(seq);
        }

        return (int)response.StatusCode;
    }

    /// <param name="measuredStarting">Called on the schedule thread when the first measured request is due (e.g. to read the
    /// server's CPU time there, so the lead-in is not counted).</param>
    public async Task<StepRun> RunAsync(Phase phase, Action? measuredStarting = null)
    {
        var rate = phase.Rate;
        var leadIn = phase.LeadInCount;
        var total = phase.Count;
        var tasks = new Task<Outcome>[total];
        double maxLagMs = 0;
        var start = Stopwatch.GetTimestamp();
        var measuredStarted = start + (long)(leadIn * (double)Stopwatch.Frequency / rate);

        var scheduler = new Thread(() =>
        {
            for (var i = 0; i < total; i++)
            {
                var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
                while (Stopwatch.GetTimestamp() < due)
                {
                    // ~1 ms sleeps: good enough at 2,000 req/s, and lateness shows in the latency anyway.
                    Thread.Sleep(1);
                }

                if (i == leadIn)
                {
                    measuredStarting?.Invoke();
                }

                maxLagMs = Math.Max(maxLagMs, Stopwatch.GetElapsedTime(due).TotalMilliseconds);
                var seq = phase.FirstSeq + i;
                tasks[i] = SendAsync(seq, CommandMix.KindOf(seq, phase.Stream), start, due, measured: i >= leadIn);
            }
        })
        { IsBackground = true, Name = "load schedule", Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        await Task.Run(scheduler.Join);

        var outcomes = await Task.WhenAll(tasks);
        // The measured window runs from the first measured due time until the last measured answer arrived,
        // so a server that falls behind shows a throughput below the offered rate.
        var measuredStartMs = leadIn * 1000.0 / rate;
        var lastDoneMs = outcomes.Where(o => o.Measured).Select(o => o.DoneAtMs).DefaultIfEmpty(measuredStartMs).Max();
        var window = TimeSpan.FromMilliseconds(Math.Max(lastDoneMs - measuredStartMs, phase.Duration.TotalMilliseconds));
        return new StepRun(rate, outcomes, window, maxLagMs, measuredStarted);
    }

    private async Task<Outcome> SendAsync(long seq, CommandKind kind, long start, long due, bool measured)
    {
        try
        {
            var status = await send(seq, kind);
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
