using System.Diagnostics;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Polly;

namespace LearningBot.Storage.Sqlite;

/// <summary>
/// The embedded database file: hands out open connections and runs migrations. Every repository
/// write is one transaction, so a crash never leaves half a command stored; a write that finds the database
/// locked by another writer is retried as <see cref="SqliteBusyPolicy"/> says. <see cref="InOneTransactionAsync{T}"/>
/// makes all the writes of one delivery (a command and its delivery record) one write transaction.
/// </summary>
/// <remarks>
/// Connections are kept open between uses (its own pool, not Microsoft.Data.Sqlite's), so the PRAGMAs run once per
/// physical connection and the repositories' statements stay prepared on it (<see cref="PooledSqliteConnection"/>):
/// re-running them on every use was a measurable share of a chat request's CPU (issue 18, docs/performance.md).
/// </remarks>
public sealed class SqliteDatabase : IStorageInitializer, IStorageHealth, IDisposable
{
    // SQLite has one writer at a time. Writers of this process queue here, asynchronously, instead of each taking a
    // thread into SQLite's busy wait (a blocking sleep): under load that starved the thread pool and even requests
    // that write nothing waited seconds. One gate per file, so every SqliteDatabase on it in this process shares it;
    // other processes on the same file still meet the busy policy. Writes never nest, so the gate cannot deadlock.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    // Every database's pool, so tests that replace or delete a file can close what is open on it (ClearPools).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<SqliteDatabase, byte> Pools = new();

    // The unit of work of the current async flow, if any (InOneTransactionAsync).
    private static readonly AsyncLocal<UnitOfWork?> Ambient = new();

    /// <summary>Idle connections kept per database: enough for the 64 chat slots' reads to rarely open a new one.</summary>
    private const int MaxIdle = 16;

    /// <summary>
    /// Commits after which a background <c>PRAGMA wal_checkpoint(PASSIVE)</c> copies the write-ahead log into the database file
    /// (https://sqlite.org/wal.html#checkpointing). A chat command writes ~15 pages, so 64 commits are about SQLite's own
    /// automatic checkpoint length (1,000 pages). SQLite's automatic checkpoint runs inside the commit that crosses it, so
    /// that command held the writer gate for the whole copy and fsync (~11 ms; ~30 ms with a 4,000-page log, which doubled
    /// the load test's p99): a passive checkpoint runs beside the writers and never waits for or blocks them.
    /// </summary>
    internal const int CheckpointEveryCommits = 64;

    private int _commitsSinceCheckpoint;
    private int _checkpointing;
    private readonly string _connectionString;
    private readonly ResiliencePipeline _busyRetry;
    private readonly SemaphoreSlim _writeGate;
    private readonly System.Collections.Concurrent.ConcurrentBag<PooledSqliteConnection> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

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
            Pooling = false, // pooled here, with the PRAGMAs and prepared statements (see remarks)
            DefaultTimeout = BusyPolicy.LockWaitSeconds, // Microsoft.Data.Sqlite's own busy wait, per attempt
        }.ToString();
        Pools[this] = 0;
        SearchVocabulary = new Knowledge.SearchVocabulary(this);
    }

    public string Path { get; }

    public SqliteBusyPolicy BusyPolicy { get; }

    /// <summary>
    /// Reads the search index's vocabulary into memory now (the typo corrections' candidates and the any-word fallback's word
    /// frequencies), so the first searches on a large index do not take the slower <c>search_vocab</c> ranges; the host calls it
    /// once after start-up. Throws what SQLite throws (e.g. <see cref="SqliteException"/>) and
    /// <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public Task WarmSearchVocabularyAsync(CancellationToken cancellationToken) => SearchVocabulary.RefreshAsync(cancellationToken);

    /// <summary>The search index's vocabulary in memory (typo corrections and word frequencies of the search), one per database.</summary>
    internal Knowledge.SearchVocabulary SearchVocabulary { get; }

    /// <summary>The search's cost rules (<see cref="Knowledge.SearchTuning"/>): always the default but in the benchmark's before/after.</summary>
    internal Knowledge.SearchTuning SearchTuning { get; set; } = Knowledge.SearchTuning.Default;

    /// <summary>Set by the DI registration; null (hand-built in tests): nothing is measured.</summary>
    public LearningBotMetrics? Metrics { get; set; }

    /// <summary>
    /// An open connection; dispose it to hand it back. Inside a unit of work that has started writing, the unit's own
    /// connection, so reads see its uncommitted writes (e.g. a learning's confirmation counting the learning itself).
    /// </summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (Current() is { Connection: { } shared })
        {
            return shared;
        }

        return await RentAsync(cancellationToken);
    }

    private async Task<PooledSqliteConnection> RentAsync(CancellationToken cancellationToken)
    {
        if (_idle.TryTake(out var idle))
        {
            Interlocked.Decrement(ref _idleCount);
            return idle;
        }

        var connection = new PooledSqliteConnection(_connectionString, this);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Once per physical connection: these settings last as long as it does.
            // WAL with synchronous=NORMAL survives a process crash (kill -9) without losing commits;
            // secure_delete overwrites deleted content, so "forget me" leaves nothing behind in free pages.
            await using var pragma = connection.CreateCommand();
            // wal_autocheckpoint = 0: no commit checkpoints the log itself, inside the writer gate where every other writer
            // waits for it; CheckpointAsync does it beside the writers instead (see CheckpointEveryCommits).
            pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; " +
                                 "PRAGMA wal_autocheckpoint = 0;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            connection.CloseForGood();
            throw;
        }
    }

    /// <summary>Back from a use: kept open for the next one, unless it is in a bad state or enough are idle.</summary>
    internal void Return(PooledSqliteConnection connection)
    {
        if (_disposed || connection.State != System.Data.ConnectionState.Open || connection.OpenTransaction is not null)
        {
            connection.CloseForGood();
            return;
        }

        if (Interlocked.Increment(ref _idleCount) > MaxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            connection.CloseForGood();
            return;
        }

        _idle.Add(connection);
    }

    /// <summary>
    /// Closes every idle connection of every database in this process (tests that delete or overwrite a database file
    /// call it, as they would <see cref="SqliteConnection.ClearAllPools"/>).
    /// </summary>
    public static void ClearPools()
    {
        foreach (var database in Pools.Keys)
        {
            database.CloseIdle();
        }
    }

    /// <summary>Closes the idle connections (the host disposes the database when it stops); one in use closes when handed back.</summary>
    public void Dispose()
    {
        Pools.TryRemove(this, out _);
        _disposed = true;
        CloseIdle();
    }

    private void CloseIdle()
    {
        while (_idle.TryTake(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            connection.CloseForGood();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> so that every write it makes on this database — through any repository — is one write
    /// transaction, committed when it returns <c>Commit = true</c> and rolled back otherwise (or when it throws). The
    /// transaction starts (BEGIN IMMEDIATE, taking the writer lock) at the first write, so reads and platform calls before
    /// it do not hold the lock; each repository write inside it is a savepoint, so a write that fails is undone alone and
    /// the caller decides (e.g. the command pipeline turns a failed command into an apology, and its delivery is then not
    /// recorded). Nested calls join the outer unit. One async flow only: the unit's connection must not be used in parallel.
    /// </summary>
    public async Task<T> InOneTransactionAsync<T>(Func<CancellationToken, Task<(T Value, bool Commit)>> work, CancellationToken cancellationToken)
    {
        if (Current() is not null)
        {
            return (await work(cancellationToken)).Value;
        }

        var unit = new UnitOfWork(this);
        Ambient.Value = unit;
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        T value;
        bool commit;
        try
        {
            (value, commit) = await work(cancellationToken);
            if (unit.Transaction is { } transaction)
            {
                if (commit)
                {
                    await transaction.CommitAsync(cancellationToken);
                }
                else
                {
                    await transaction.RollbackAsync(cancellationToken);
                }

                outcome = "ok";
            }

        }
        finally
        {
            unit.Done = true;
            Ambient.Value = null;
            if (unit.Connection is { } connection)
            {
                // Disposing the transaction rolls back whatever was not committed.
                unit.Transaction?.Dispose();
                connection.Held = false;
                Return(connection);
                _writeGate.Release();
                Metrics?.StorageRequest("sqlite", "write", outcome, Stopwatch.GetElapsedTime(started));
                Written();
            }
        }

        // After the writer gate is released: these take it themselves.
        foreach (var after in commit ? unit.AfterCommit : [])
        {
            await RunWriteAsync(after, cancellationToken);
        }

        return value;
    }

    /// <summary>
    /// Runs <paramref name="work"/> after the current unit of work commits (at once when there is none): for what SQLite
    /// cannot do inside a transaction, e.g. a WAL checkpoint.
    /// </summary>
    public Task AfterCommitAsync(Func<SqliteConnection, Task<int>> work, CancellationToken cancellationToken)
    {
        if (Current() is { } unit)
        {
            unit.AfterCommit.Add(work);
            return Task.CompletedTask;
        }

        return RunWriteAsync(work, cancellationToken);
    }

    private UnitOfWork? Current() => Ambient.Value is { Done: false } unit && ReferenceEquals(unit.Database, this) ? unit : null;

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE), committing only if it returns. When the
    /// database is busy the transaction rolls back and the whole of <paramref name="work"/> runs again, so it must
    /// touch nothing but the database.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        if (Current() is { } unit)
        {
            return await unit.SavepointAsync(work, cancellationToken);
        }

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
        Current() is { } unit
            ? unit.SavepointAsync((connection, _) => work(connection), cancellationToken)
            : _busyRetry.ExecuteAsync(async ct =>
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
                Written();
            }
        }, cancellationToken).AsTask();

    /// <summary>After a write left the gate: every <see cref="CheckpointEveryCommits"/>th starts a checkpoint unless one runs.</summary>
    private void Written()
    {
        if (Interlocked.Increment(ref _commitsSinceCheckpoint) < CheckpointEveryCommits || _disposed
            || Interlocked.CompareExchange(ref _checkpointing, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _commitsSinceCheckpoint, 0);
        _ = Task.Run(CheckpointAsync);
    }

    private async Task CheckpointAsync()
    {
        try
        {
            var connection = await RentAsync(CancellationToken.None);
            try
            {
                await using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                // Beside the writers: copies the log as it was, the bulk of the work.
                await checkpoint.ExecuteNonQueryAsync();
                // Then the few frames committed meanwhile, with the gate held so that the copy catches up with the log's end:
                // only a checkpoint that has copied every frame lets the next writer start the log over (else, under steady
                // writes, it would grow without bound: https://sqlite.org/wal.html#avoiding_excessively_large_wal_files).
                await _writeGate.WaitAsync();
                try
                {
                    await checkpoint.ExecuteNonQueryAsync();
                }
                finally
                {
                    _writeGate.Release();
                }
            }
            finally
            {
                Return(connection);
            }
        }
        catch (SqliteException)
        {
            // Nothing is lost: the log keeps the commits, and the next checkpoint copies them.
        }
        finally
        {
            Volatile.Write(ref _checkpointing, 0);
        }
    }

    /// <summary>
    /// One statement (SQLite makes a statement atomic on its own): inside a unit of work it runs in the unit's transaction
    /// without the savepoint <see cref="RunWriteAsync{T}"/> puts around each write — two statements less per write, and a
    /// failure fails the whole unit anyway; outside one it is <see cref="RunWriteAsync{T}"/>.
    /// </summary>
    public Task<T> RunStatementAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken) =>
        Current() is { } unit ? unit.StatementAsync(work, cancellationToken) : RunWriteAsync(work, cancellationToken);

    public Task InitializeAsync(CancellationToken cancellationToken) => SqliteSchema.MigrateAsync(this, cancellationToken);

    /// <summary>The writes of one <see cref="InOneTransactionAsync{T}"/>: its connection and transaction, begun at the first write.</summary>
    private sealed class UnitOfWork(SqliteDatabase database)
    {
        public SqliteDatabase Database { get; } = database;

        public PooledSqliteConnection? Connection { get; private set; }

        public SqliteTransaction? Transaction { get; private set; }

        public bool Done { get; set; }

        public List<Func<SqliteConnection, Task<int>>> AfterCommit { get; } = [];

        public async Task<T> SavepointAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
        {
            if (Transaction is null)
            {
                await BeginAsync(cancellationToken);
            }

            // One name for every level (RELEASE / ROLLBACK TO act on the innermost savepoint of that name), so the three
            // statements stay prepared on the connection instead of being parsed for each write.
            var connection = Connection!;
            var transaction = Transaction!;
            await connection.ExecuteAsync("SAVEPOINT w", transaction, cancellationToken);
            try
            {
                var result = await work(connection, transaction);
                await connection.ExecuteAsync("RELEASE w", transaction, cancellationToken);
                return result;
            }
            catch
            {
                // Undo this write alone; the unit goes on (or is rolled back by its owner).
                await connection.ExecuteAsync("ROLLBACK TO w", transaction, CancellationToken.None);
                await connection.ExecuteAsync("RELEASE w", transaction, CancellationToken.None);
                throw;
            }
        }

        public async Task<T> StatementAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
        {
            if (Transaction is null)
            {
                await BeginAsync(cancellationToken);
            }

            return await work(Connection!);
        }

        /// <summary>Takes this process's writer gate and SQLite's writer lock (BEGIN IMMEDIATE), riding out another process's lock like any write.</summary>
        private async Task BeginAsync(CancellationToken cancellationToken)
        {
            await Database._writeGate.WaitAsync(cancellationToken);
            try
            {
                var connection = await Database.RentAsync(cancellationToken);
                connection.Held = true;
                Connection = connection;
                Transaction = await Database._busyRetry.ExecuteAsync(
                    _ => ValueTask.FromResult(connection.BeginTransaction(deferred: false)), cancellationToken);
            }
            catch
            {
                if (Connection is { } connection)
                {
                    connection.Held = false;
                    Database.Return(connection);
                    Connection = null;
                }

                Database._writeGate.Release();
                throw;
            }
        }
    }

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
