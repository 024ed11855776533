using System.Diagnostics;
using LearningBot.Core.Diagnostics;
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
/// The model and the queue's reads run on one dedicated thread, <see cref="ThreadName"/>, at the lowest OS priority
/// (<see cref="LowPriorityThread"/>); the background loop starts each model call (<see cref="EmbeddingOptions.TextsPerCall"/> texts)
/// only in a gap between chat requests (<see cref="ChatActivity"/>, <see cref="EmbeddingOptions.QuietPeriod"/>), and
/// <see cref="EmbeddingOptions.MaxCpuShare"/> caps it as well. Saving the vectors runs at normal priority: it holds SQLite's
/// single writer lock, which a preempted nice-19 thread would hold while chat writes wait.
/// </summary>
public sealed partial class EmbeddingWorker(
    IEmbeddingStore store,
    IEmbeddingGenerator<string, Embedding<float>> generator,
    IQueryEmbedder embedder,
    EmbeddingSignal signal,
    IOptions<EmbeddingOptions> options,
    ILogger<EmbeddingWorker> logger,
    ChatActivity? activity = null) : BackgroundService
{
    /// <summary>The embedding thread's name, as <c>/proc/PID/task/TID/comm</c> shows it (the load test splits CPU by it).</summary>
    public const string ThreadName = "lb-embedder";

    /// <summary>How often a long drain gives ONNX Runtime's freed buffers back to the OS (otherwise once the queue stays empty for a poll interval).</summary>
    private static readonly TimeSpan TrimEvery = TimeSpan.FromSeconds(30);

    /// <summary>Characters per model call at most (one longer text is a call of its own): ~45 ms of CPU for MiniLM.</summary>
    private const int CharactersPerCall = 1000;

    private readonly LowPriorityThread _thread = new(ThreadName);
    private int _loggedPriority;
    private long _lastTrim = Stopwatch.GetTimestamp();
    private long _gapsMissed;

    /// <summary>Model calls the background loop made without a quiet moment, after <see cref="EmbeddingOptions.MaxQuietWait"/> (diagnostics, tests).</summary>
    public long GapsMissed => Interlocked.Read(ref _gapsMissed);

    /// <summary>
    /// Embeds pending documents until none is left (or <paramref name="maxDocuments"/> were done); returns how many were embedded.
    /// The worker's loop calls it; tests and the evaluation tool call it directly to drain the queue.
    /// </summary>
    /// <param name="background">
    /// The background loop's manners (it passes true): each model call waits for a gap in the chat traffic, the worker rests
    /// after each call to keep within <see cref="EmbeddingOptions.MaxCpuShare"/>, and the native heap is trimmed later, when the
    /// queue has stayed empty. False (tools, tests): as fast as possible, trimmed at the end.
    /// </param>
    public async Task<int> DrainAsync(CancellationToken cancellationToken, int maxDocuments = int.MaxValue, bool background = false)
    {
        var modelId = embedder.ModelId ?? throw new InvalidOperationException("No embedding model is configured.");
        var settings = options.Value;
        var total = 0;
        long? backlog = null;
        var clock = Stopwatch.StartNew();
        if (Interlocked.Exchange(ref _loggedPriority, 1) == 0)
        {
            LogThread(logger, ThreadName, await _thread.Nice is { } nice ? $"nice {nice}" : "normal priority (not Linux)");
        }

        while (total < maxDocuments)
        {
            var max = Math.Min(settings.BatchSize, maxDocuments - total);
            // Reads on the low-priority thread too (SQLite computes on the caller): what the queue costs is the embedder's.
            var work = await OnThreadAsync(() => store.ListPendingAsync(modelId, max, cancellationToken), cancellationToken);
            if (work.Count == 0)
            {
                break;
            }

            // Counted only when a full batch hints at a backlog (a count reads every pending row).
            if (backlog is null && work.Count == settings.BatchSize)
            {
                backlog = await OnThreadAsync(() => store.CountPendingAsync(modelId, cancellationToken), cancellationToken);
                if (backlog > 100)
                {
                    LogBacklog(logger, backlog.Value, modelId);
                }
            }

            var vectors = new ReadOnlyMemory<float>[work.Count];
            foreach (var call in Calls(work, settings.TextsPerCall))
            {
                if (background)
                {
                    await WaitForGapAsync(settings, cancellationToken);
                }

                var started = Stopwatch.GetTimestamp();
                var texts = call.Select(i => work[i].Text).ToArray();
                // Synchronous on that thread: the packaged model computes on its caller; a remote generator only waits there.
                var embedded = await _thread.RunAsync(
                    () => generator.GenerateAsync(texts, cancellationToken: cancellationToken).GetAwaiter().GetResult(), cancellationToken);
                for (var k = 0; k < call.Length; k++)
                {
                    vectors[call[k]] = embedded[k].Vector;
                }

                if (background && settings.MaxCpuShare < 1)
                {
                    await Task.Delay(Stopwatch.GetElapsedTime(started) * (1 / settings.MaxCpuShare - 1), cancellationToken);
                }
            }

            await store.SaveAsync(modelId, work.Select((w, i) => new ComputedEmbedding(w, vectors[i])).ToList(), cancellationToken);
            var before = total;
            total += work.Count;
            if (backlog > 100 && total / 1000 != before / 1000)
            {
                LogProgress(logger, total, backlog.Value, total / Math.Max(clock.Elapsed.TotalSeconds, 0.001));
            }

            if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastTrim)) > TrimEvery)
            {
                await TrimAsync(cancellationToken);
            }
        }

        if (total > 0 && !background)
        {
            await TrimAsync(cancellationToken);
        }

        if (backlog > 100)
        {
            LogDone(logger, total, clock.Elapsed.TotalSeconds);
        }

        return total;
    }

    /// <summary>
    /// Model calls of a batch: sorted by length (the model pads a call to its longest text), at most <paramref name="textsPerCall"/>
    /// texts and <see cref="CharactersPerCall"/> characters each, so one call fits in a short gap between chat requests.
    /// </summary>
    internal static IReadOnlyList<int[]> Calls(IReadOnlyList<EmbeddingWork> work, int textsPerCall)
    {
        var calls = new List<int[]>();
        var current = new List<int>();
        var characters = 0;
        foreach (var index in Enumerable.Range(0, work.Count).OrderBy(i => work[i].Text.Length))
        {
            var length = Math.Min(work[index].Text.Length, CharactersPerCall);
            if (current.Count > 0 && (current.Count == textsPerCall || characters + length > CharactersPerCall))
            {
                calls.Add([.. current]);
                current.Clear();
                characters = 0;
            }

            current.Add(index);
            characters += length;
        }

        if (current.Count > 0)
        {
            calls.Add([.. current]);
        }

        return calls;
    }

    private async Task WaitForGapAsync(EmbeddingOptions settings, CancellationToken cancellationToken)
    {
        if (activity is null || settings.QuietPeriod <= TimeSpan.Zero)
        {
            return;
        }

        if (!await activity.WaitForQuietAsync(settings.QuietPeriod, settings.MaxQuietWait, cancellationToken))
        {
            Interlocked.Increment(ref _gapsMissed);
        }
    }

    private async Task TrimAsync(CancellationToken cancellationToken)
    {
        await _thread.RunAsync(ModelMemory.TrimNativeHeap, cancellationToken);
        Interlocked.Exchange(ref _lastTrim, Stopwatch.GetTimestamp());
    }

    private Task<T> OnThreadAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken) =>
        _thread.RunAsync(() => read().GetAwaiter().GetResult(), cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        var trimOwed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                trimOwed |= await DrainAsync(stoppingToken, background: true) > 0;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e);
            }

            try
            {
                var woken = await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                // Trimmed once the queue stayed empty for a poll interval, not after each small drain: malloc_trim walks every
                // arena (the chat threads' too) and the pages it gives back are faulted in again by the next allocations.
                if (!woken && trimOwed)
                {
                    await TrimAsync(stoppingToken);
                    trimOwed = false;
                }
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
