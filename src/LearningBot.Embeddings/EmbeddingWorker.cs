using System.Diagnostics;
using LearningBot.Core.Knowledge.Semantic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningBot.Embeddings;

/// <summary>
/// Embeds documents off the acknowledgement path: new and edited answers and learnings, the backfill after an upgrade and the
/// re-embedding after a model change are all "pending" in <see cref="IEmbeddingStore"/>, drained in batches here. Until a document
/// is embedded it is found lexically. Progress of a large backlog is logged; a failing batch is retried after the poll interval.
/// The model runs on one dedicated thread, <see cref="ThreadName"/>, at the lowest OS priority (<see cref="LowPriorityThread"/>), so
/// the chat path's threads win the CPU whenever both want it; <see cref="EmbeddingOptions.MaxCpuShare"/> caps it as well.
/// </summary>
public sealed partial class EmbeddingWorker(
    IEmbeddingStore store,
    IEmbeddingGenerator<string, Embedding<float>> generator,
    IQueryEmbedder embedder,
    EmbeddingSignal signal,
    IOptions<EmbeddingOptions> options,
    ILogger<EmbeddingWorker> logger) : BackgroundService
{
    /// <summary>The embedding thread's name, as <c>/proc/PID/task/TID/comm</c> shows it (the load test splits CPU by it).</summary>
    public const string ThreadName = "lb-embedder";

    /// <summary>How often a long drain gives ONNX Runtime's freed buffers back to the OS (it always does when the queue is empty).</summary>
    private static readonly TimeSpan TrimEvery = TimeSpan.FromSeconds(30);

    private readonly LowPriorityThread _thread = new(ThreadName);
    private int _loggedPriority;

    /// <summary>
    /// Embeds pending documents until none is left (or <paramref name="maxDocuments"/> were done); returns how many were embedded.
    /// The worker's loop calls it; tests and the evaluation tool call it directly to drain the queue.
    /// </summary>
    /// <param name="throttle">Rest after each batch to keep within <see cref="EmbeddingOptions.MaxCpuShare"/> (the background loop does).</param>
    public async Task<int> DrainAsync(CancellationToken cancellationToken, int maxDocuments = int.MaxValue, bool throttle = false)
    {
        var modelId = embedder.ModelId ?? throw new InvalidOperationException("No embedding model is configured.");
        var total = 0;
        long? backlog = null;
        var clock = Stopwatch.StartNew();
        var lastTrim = Stopwatch.GetTimestamp();
        if (Interlocked.Exchange(ref _loggedPriority, 1) == 0)
        {
            LogThread(logger, ThreadName, await _thread.Nice is { } nice ? $"nice {nice}" : "normal priority (not Linux)");
        }

        while (total < maxDocuments)
        {
            var work = await store.ListPendingAsync(modelId, Math.Min(options.Value.BatchSize, maxDocuments - total), cancellationToken);
            if (work.Count == 0)
            {
                break;
            }

            if (backlog is null)
            {
                backlog = await store.CountPendingAsync(modelId, cancellationToken);
                if (backlog > 100)
                {
                    LogBacklog(logger, backlog.Value, modelId);
                }
            }

            var batchStarted = Stopwatch.GetTimestamp();
            var texts = work.Select(w => w.Text).ToArray();
            // Synchronous on that thread: the packaged model computes on its caller; a remote generator only waits there.
            var vectors = await _thread.RunAsync(() => generator.GenerateAsync(texts, cancellationToken: cancellationToken).GetAwaiter().GetResult(),
                cancellationToken);
            await store.SaveAsync(modelId, work.Select((w, i) => new ComputedEmbedding(w, vectors[i].Vector)).ToList(), cancellationToken);
            var before = total;
            total += work.Count;
            if (throttle && options.Value.MaxCpuShare < 1)
            {
                var busy = Stopwatch.GetElapsedTime(batchStarted);
                await Task.Delay(busy * (1 / options.Value.MaxCpuShare - 1), cancellationToken);
            }
            if (backlog > 100 && total / 1000 != before / 1000)
            {
                LogProgress(logger, total, backlog.Value, total / Math.Max(clock.Elapsed.TotalSeconds, 0.001));
            }

            if (Stopwatch.GetElapsedTime(lastTrim) > TrimEvery)
            {
                await _thread.RunAsync(ModelMemory.TrimNativeHeap, cancellationToken);
                lastTrim = Stopwatch.GetTimestamp();
            }
        }

        if (total > 0)
        {
            await _thread.RunAsync(ModelMemory.TrimNativeHeap, cancellationToken);
        }

        if (backlog > 100)
        {
            LogDone(logger, total, clock.Elapsed.TotalSeconds);
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stoppingToken, throttle: true);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e);
            }

            try
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _thread.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Background embedder runs on its own thread {Thread} at {Priority}")]
    private static partial void LogThread(ILogger logger, string thread, string priority);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding {Count} documents with {ModelId} in the background; they are searchable lexically meanwhile")]
    private static partial void LogBacklog(ILogger logger, long count, string modelId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded {Done} of {Backlog} documents ({Rate:F0} per second)")]
    private static partial void LogProgress(ILogger logger, int done, long backlog, double rate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded {Count} documents in {Seconds:F1} s")]
    private static partial void LogDone(ILogger logger, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedding pending documents failed; retrying after the poll interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
