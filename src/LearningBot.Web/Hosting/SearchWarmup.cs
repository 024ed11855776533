using System.Diagnostics;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge.Semantic;

namespace LearningBot.Web.Hosting;

/// <summary>
/// On SQLite, in the background as soon as the host has started, reads what search holds in memory instead of leaving it to the
/// first questions (measured at 100,000 posts + 100,000 learnings: docs/performance.md, "Search by meaning at 100,000 + 100,000"):
/// the index's vocabulary (<see cref="SqliteDatabase.WarmSearchVocabularyAsync"/>, ~0.3 s of CPU at that size: typo
/// corrections) and, with a model, the stored vectors (<see cref="SqliteVectorCache.LoadAsync"/>). Start-up and readiness do not
/// wait for it; a search that arrives meanwhile waits for the same vector read instead of starting its own. A failure is
/// logged and left to the searches, which read both themselves.
/// </summary>
public sealed partial class SearchWarmup(SqliteDatabase database, SqliteVectorCache cache, IServiceProvider services, ILogger<SearchWarmup> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        var clock = Stopwatch.StartNew();
        try
        {
            await database.WarmSearchVocabularyAsync(stoppingToken);
            LogVocabularyRead(logger, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogVocabularyFailed(logger, e);
        }

        // Resolved here, not injected: the model is loaded (or start-up stopped with its reason) by SemanticSearchStatus first.
        if (services.GetRequiredService<IQueryEmbedder>().ModelId is not { } model)
        {
            return;
        }

        clock.Restart();
        try
        {
            var count = await cache.LoadAsync(model, stoppingToken);
            LogVectorsLoaded(logger, count, model, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogVectorsFailed(logger, model, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search vocabulary read into memory in {Milliseconds:F0} ms")]
    private static partial void LogVocabularyRead(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the search vocabulary at start-up failed; searches read it later")]
    private static partial void LogVocabularyFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Semantic search: {Count} stored vectors of {ModelId} read into memory in {Milliseconds:F0} ms")]
    private static partial void LogVectorsLoaded(ILogger logger, int count, string modelId, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the stored vectors of {ModelId} at start-up failed; the first search reads them")]
    private static partial void LogVectorsFailed(ILogger logger, string modelId, Exception exception);
}
