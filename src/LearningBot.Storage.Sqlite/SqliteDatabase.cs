using System.Diagnostics;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Polly;

namespace LearningBot.Storage.Sqlite;

/// <summary>
/// The embedded database file: opens pooled connections and runs migrations. Every repository
/// write is one transaction, so a crash never leaves half a command stored; a write that finds the database
/// locked by another writer is retried as <see cref="SqliteBusyPolicy"/> says.
/// </summary>
public sealed class SqliteDatabase : IStorageInitializer, IStorageHealth
{
    // SQLite has one writer at a time. Writers of this process queue here, asynchronously, instead of each taking a
    // thread into SQLite's busy wait (a blocking sleep): under load that starved the thread pool and even requests
    // that write nothing waited seconds. One gate per file, so every SqliteDatabase on it in this process shares it;
    // other processes on the same file still meet the busy policy. Writes never nest, so the gate cannot deadlock.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly ResiliencePipeline _busyRetry;
    private readonly SemaphoreSlim _writeGate;

    /// <param name="busyPolicy">Default: <see cref="SqliteBusyPolicy.Default"/>.</param>
    /// <param name="logger">Null (hand-built in tests): retries are not logged.</param>
    public SqliteDatabase(string path, SqliteBusyPolicy? busyPolicy = null, ILogger<SqliteDatabase>? logger = null)
    {
        BusyPolicy = busyPolicy ?? SqliteBusyPolicy.Default;
        _busyRetry = BusyPolicy.Build(logger);
        Path = System.IO.Path.GetFullPath(path);
        _writeGate = WriteGates.GetOrAdd(Path, _ => new SemaphoreSlim(1, 1));
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = BusyPolicy.LockWaitSeconds, // Microsoft.Data.Sqlite's own busy wait, per attempt
        }.ToString();
    }

    public string Path { get; }

    public SqliteBusyPolicy BusyPolicy { get; }

    /// <summary>Set by the DI registration; null (hand-built in tests): nothing is measured.</summary>
    public LearningBotMetrics? Metrics { get; set; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // WAL with synchronous=NORMAL survives a process crash (kill -9) without losing commits;
        // secure_delete overwrites deleted content, so "forget me" leaves nothing behind in free pages.
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE), committing only if it returns. When the
    /// database is busy the transaction rolls back and the whole of <paramref name="work"/> runs again, so it must
    /// touch nothing but the database.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        // Measured from open to commit: includes waiting for the single writer lock, which is what grows under load.
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await RunWriteAsync(async connection =>
            {
                await using var transaction = connection.BeginTransaction(deferred: false);
                var result = await work(connection, transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }, cancellationToken);
            outcome = "ok";
            return result;
        }
        catch (SqliteException ex) when (SqliteBusyPolicy.IsBusy(ex))
        {
            outcome = "busy";
            throw;
        }
        finally
        {
            Metrics?.StorageRequest("sqlite", "write", outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// Writes that manage their own transaction, or need none (one upsert, a delivery record, the migrations):
    /// retried like <see cref="WriteAsync{T}"/> when the database is busy, so a retried statement must be
    /// idempotent or transactional. Reads need neither: in WAL mode they do not wait for a writer.
    /// </summary>
    public Task<T> RunWriteAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken) =>
        _busyRetry.ExecuteAsync(async ct =>
        {
            await _writeGate.WaitAsync(ct);
            try
            {
                await using var connection = await OpenAsync(ct);
                return await work(connection);
            }
            finally
            {
                _writeGate.Release();
            }
        }, cancellationToken).AsTask();

    public Task InitializeAsync(CancellationToken cancellationToken) => SqliteSchema.MigrateAsync(this, cancellationToken);

    public async Task<StorageHealth> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version";
            var version = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
            return version == SqliteSchema.CurrentVersion
                ? new StorageHealth(true, $"SQLite schema v{version}")
                : new StorageHealth(false, $"SQLite schema v{version}, expected v{SqliteSchema.CurrentVersion}");
        }
        catch (SqliteException ex)
        {
            return new StorageHealth(false, "SQLite unavailable: " + ex.Message);
        }
    }
}
