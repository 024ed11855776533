using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LearningBot.Slack.Adapter;

/// <summary>
/// Work that continues after Slack got its acknowledgement (Slack wants an answer within 3 seconds;
/// search and posting can take longer). Bounded, so a flood is refused with 503 (Slack retries events)
/// instead of growing memory without limit.
/// </summary>
public sealed partial class SlackWorkQueue(ILogger<SlackWorkQueue> logger)
{
    private readonly Channel<(string What, Func<CancellationToken, Task> Work)> _channel =
        Channel.CreateBounded<(string, Func<CancellationToken, Task>)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    private int _pending;

    /// <summary>Work queued or running: lets health checks and tests see when everything acknowledged is done.</summary>
    public int Pending => Volatile.Read(ref _pending);

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

    internal void Completed() => Interlocked.Decrement(ref _pending);

    internal ChannelReader<(string What, Func<CancellationToken, Task> Work)> Reader => _channel.Reader;

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack work queue is full; refused {What}")]
    private partial void LogFull(string what);
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
