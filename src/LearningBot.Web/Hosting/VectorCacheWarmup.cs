using System.Diagnostics;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Storage.Sqlite.Knowledge.Semantic;

namespace LearningBot.Web.Hosting;

/// <summary>
/// On SQLite with a model: reads the stored vectors into memory (<see cref="SqliteVectorCache.LoadAsync"/>) in the background as
/// soon as the host has started, instead of inside the first <c>ask</c> (measured at 100,000 posts + 100,000 learnings:
/// docs/performance.md, "Search by meaning at 100,000 + 100,000"). Start-up and readiness do not wait for it; a search that
/// arrives meanwhile waits for the same read instead of starting its own. A failure is logged and left to the first search.
/// </summary>
public sealed partial class VectorCacheWarmup(SqliteVectorCache cache, IServiceProvider services, ILogger<VectorCacheWarmup> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        // Resolved here, not injected: the model is loaded (or start-up stopped with its reason) by SemanticSearchStatus first.
        if (services.GetRequiredService<IQueryEmbedder>().ModelId is not { } model)
        {
            return;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            var count = await cache.LoadAsync(model, stoppingToken);
            LogLoaded(logger, count, model, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, model, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Semantic search: {Count} stored vectors of {ModelId} read into memory in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, int count, string modelId, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the stored vectors of {ModelId} at start-up failed; the first search reads them")]
    private static partial void LogFailed(ILogger logger, string modelId, Exception exception);
}
