using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace LearningBot.Storage.Sqlite;

/// <summary>
/// How long a write rides out another connection holding SQLite's single write lock (SQLITE_BUSY / SQLITE_LOCKED)
/// before it gives up: the one place this policy lives. Each attempt first lets Microsoft.Data.Sqlite poll the lock
/// for <see cref="LockWaitSeconds"/>; then the whole unit of work (a transaction that rolled back) is tried again
/// after a jittered, growing pause, so writers that collided do not retry in step. Past the last attempt the
/// <see cref="SqliteException"/> reaches the command pipeline, which tells the person nothing was saved.
/// </summary>
public sealed record SqliteBusyPolicy
{
    /// <summary>About 1 + 4×1 s of lock waiting plus 0.1–0.8 s of pauses: a writer gives up after roughly 6 s.</summary>
    public static SqliteBusyPolicy Default { get; } = new();

    /// <summary>Microsoft.Data.Sqlite's own busy wait per attempt (its command timeout; whole seconds, at least 1 — 0 would wait forever).</summary>
    public int LockWaitSeconds { get; init; } = 1;

    /// <summary>Attempts after the first one.</summary>
    public int Retries { get; init; } = 4;

    /// <summary>The pause before the first retry; it doubles each time, with jitter.</summary>
    public TimeSpan FirstPause { get; init; } = TimeSpan.FromMilliseconds(100);

    public static bool IsBusy(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED };

    /// <remarks>
    /// The pauses run on the system clock, not the host's TimeProvider: SQLite's own lock wait is wall-clock time too,
    /// and a test's fake clock would otherwise freeze a retry.
    /// </remarks>
    internal ResiliencePipeline Build(ILogger? logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(LockWaitSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(Retries);
        if (Retries == 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<SqliteException>(IsBusy),
                MaxRetryAttempts = Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstPause,
                OnRetry = args =>
                {
                    if (logger is not null)
                    {
                        SqliteBusyLog.Retrying(logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }
}

internal static partial class SqliteBusyLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite database busy (another writer holds the lock); retry {Attempt} in {DelayMs:F0} ms")]
    public static partial void Retrying(ILogger logger, int attempt, double delayMs);
}
