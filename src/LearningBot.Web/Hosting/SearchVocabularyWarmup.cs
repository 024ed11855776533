using System.Diagnostics;
using LearningBot.Storage.Sqlite;

namespace LearningBot.Web.Hosting;

/// <summary>
/// On SQLite: reads the search index's vocabulary into memory (<see cref="SqliteDatabase.WarmSearchVocabularyAsync"/>) in the
/// background as soon as the host has started, so typo corrections on a large index use it from the first question (~0.3 s of
/// CPU at 200,000 documents: docs/performance.md, "Search by meaning at 100,000 + 100,000"). Start-up and readiness do not wait
/// for it; a failure is logged and the searches read it themselves later.
/// </summary>
public sealed partial class SearchVocabularyWarmup(SqliteDatabase database, ILogger<SearchVocabularyWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        var clock = Stopwatch.StartNew();
        try
        {
            await database.WarmSearchVocabularyAsync(stoppingToken);
            LogRead(logger, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search vocabulary read into memory in {Milliseconds:F0} ms")]
    private static partial void LogRead(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the search vocabulary at start-up failed; searches read it later")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
