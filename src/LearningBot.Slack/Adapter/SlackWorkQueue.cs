using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LearningBot.Slack.Adapter;

/// <summary>
/// What a delivery's store part leaves to do. <see cref="FollowUp"/>: every Slack call after it (post the reply, DMs…).
/// <see cref="AckBody"/>: renders the reply for the acknowledgement itself, where Slack reads one (slash commands); null or
/// returning null when it cannot go there. <see cref="AfterAck"/>: what is left when the ack carried the reply (DMs).
/// </summary>
public sealed record SlackWork(Func<CancellationToken, Task>? FollowUp, Func<JsonObject?>? AckBody = null,
    Func<CancellationToken, Task>? AfterAck = null);

/// <summary>What became of a request's store writes when Slack was answered.</summary>
public enum SlackAckOutcome
{
    /// <summary>Stored (or nothing to store): the ack means it is durable.</summary>
    Done,

    /// <summary>Still running after the wait; it finishes in the background.</summary>
    StillRunning,

    /// <summary>Failed (e.g. the store is down): Slack should not be told it worked.</summary>
    Failed,
}

/// <summary>
/// Slack's work in two parts. The durable part (the command pipeline, i.e. the store writes) runs while Slack waits
/// for its acknowledgement, so an acknowledged command survives a crash; the Slack calls after it (posting the
/// reply, opening a modal) run from a bounded in-memory queue, so a flood is refused instead of growing memory.
/// </summary>
public sealed partial class SlackWorkQueue(TimeProvider time, ILogger<SlackWorkQueue> logger)
{
    private readonly Channel<(string What, Func<CancellationToken, Task> Work)> _channel =
        Channel.CreateBounded<(string, Func<CancellationToken, Task>)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    private int _pending;

    /// <summary>Work running or queued: lets health checks and tests see when everything acknowledged is done.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Queues Slack calls that need no store write first; false when the queue is full.</summary>
    public bool TryEnqueue(string what, Func<CancellationToken, Task> work)
    {
        Interlocked.Increment(ref _pending);
        if (_channel.Writer.TryWrite((what, work)))
        {
            return true;
        }

        Interlocked.Decrement(ref _pending);
        LogFull(what);
        return false;
    }

    /// <summary>
    /// Starts <paramref name="durable"/> now and waits for it up to <paramref name="wait"/>. When it finishes in time, its
    /// <see cref="SlackWork.AckBody"/> (if any) is returned for the acknowledgement and only <see cref="SlackWork.AfterAck"/> is
    /// queued; otherwise <see cref="SlackWork.FollowUp"/> is queued when it finishes. Past the wait it goes on in the background:
    /// the caller acknowledges anyway, because Slack would otherwise give up and show the person an error. Exactly one of the
    /// two paths sends the reply: the waiter if the work finished in time, the continuation if not.
    /// </summary>
    /// <param name="stopping">Not the request's token: the writes must not stop when Slack hangs up.</param>
    public async Task<(SlackAckOutcome Outcome, JsonObject? AckBody)> RunBeforeAckAsync(string what,
        Func<CancellationToken, Task<SlackWork?>> durable, TimeSpan wait, CancellationToken stopping)
    {
        Interlocked.Increment(ref _pending);
        var started = time.GetTimestamp();
        // Started on this thread, not handed to another first (issue 18: the hand-off, a thread-pool wake-up per command, was
        // a measurable share of a slash command's CPU). The store's SQLite calls are synchronous, so most commands are done
        // here before the wait begins; the wait gets only what is left of AckWait, so a store that blocked for a while is
        // still acknowledged on time.
        var running = RunDurableAsync(what, durable, stopping);
        (bool Ok, SlackWork? Work) done;
        try
        {
            var left = wait - time.GetElapsedTime(started);
            // One timer owned by the wait (not a Delay task, its token source and WhenAny per command: issue 18).
            done = running.IsCompleted ? running.Result
                : left > TimeSpan.Zero ? await running.WaitAsync(left, time)
                : throw new TimeoutException();
        }
        catch (TimeoutException)
        {
            LogStillRunning(what, wait.TotalMilliseconds);
            _ = running.ContinueWith(done =>
            {
                // The ack went out without the reply: it goes the slow way (response_url, chat.postMessage).
                if (done.Result.Work?.FollowUp is { } followUp)
                {
                    TryEnqueue(what, followUp);
                }

                Completed();
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return (SlackAckOutcome.StillRunning, null);
        }

        try
        {
            var body = done.Work?.AckBody?.Invoke();
            if ((body is null ? done.Work?.FollowUp : done.Work!.AfterAck) is { } next)
            {
                TryEnqueue(what, next);
            }

            return (done.Ok ? SlackAckOutcome.Done : SlackAckOutcome.Failed, body);
        }
        finally
        {
            Completed();
        }
    }

    /// <summary>Never throws: a failure is logged and reported as not ok.</summary>
    private async Task<(bool Ok, SlackWork? Work)> RunDurableAsync(string what, Func<CancellationToken, Task<SlackWork?>> durable,
        CancellationToken stopping)
    {
        try
        {
            return (true, await durable(stopping));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            LogFailed(ex, what);
            return (false, null);
        }
        catch (OperationCanceledException)
        {
            return (false, null); // shutting down
        }
    }

    internal void Completed() => Interlocked.Decrement(ref _pending);

    internal ChannelReader<(string What, Func<CancellationToken, Task> Work)> Reader => _channel.Reader;

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack work queue is full; refused {What}")]
    private partial void LogFull(string what);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack work failed before the acknowledgement: {What}")]
    private partial void LogFailed(Exception exception, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {What} still storing after {WaitMs:F0} ms: acknowledged, finishing in the background")]
    private partial void LogStillRunning(string what, double waitMs);
}

/// <summary>Runs queued Slack work, a few items at a time; one failure never stops the others.</summary>
internal sealed partial class SlackWorker(SlackWorkQueue queue, ILogger<SlackWorker> logger) : BackgroundService
{
    private const int Concurrency = 4;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => ConsumeAsync(stoppingToken)));

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (what, work) in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await work(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(ex, what);
                }
                finally
                {
                    queue.Completed();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack background work failed: {What}")]
    private partial void LogFailed(Exception exception, string what);
}
