using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite;

/// <summary>
/// An open connection that <see cref="SqliteDatabase"/> keeps between uses instead of closing it, so what is costly to set
/// up on a connection is done once per physical connection, not once per use: the PRAGMAs (at open) and the prepared
/// statements of the SQL texts repositories run (<see cref="Prepared"/>; SQLite parses and plans a statement when it is
/// prepared, then only binds and steps it). Disposing it (the repositories' <c>await using</c>) hands it back; while a
/// one-transaction unit of work holds it (<see cref="SqliteDatabase.InOneTransactionAsync{T}"/>), disposing it does nothing.
/// </summary>
internal sealed class PooledSqliteConnection(string connectionString, SqliteDatabase owner) : SqliteConnection(connectionString)
{
    /// <summary>Enough for the SQL texts of the hot paths; texts beyond it (rare, ad-hoc) are prepared per use.</summary>
    private const int MaxStatements = 128;

    private readonly Dictionary<string, CachedSqliteCommand> _statements = new(StringComparer.Ordinal);
    private bool _closing;

    /// <summary>Set while a unit of work holds the connection: every dispose inside it is a no-op.</summary>
    internal bool Held { get; set; }

    /// <summary>The transaction open on this connection (a unit of work's), which every command on it must name.</summary>
    internal SqliteTransaction? OpenTransaction => Transaction;

    /// <summary>
    /// A command for <paramref name="sql"/>, its statements kept prepared across uses; disposing it returns it here. A text
    /// already in use on this connection (e.g. run again while its reader is open) gets a fresh command.
    /// </summary>
    internal SqliteCommand Prepared(string sql)
    {
        if (_statements.TryGetValue(sql, out var cached))
        {
            if (cached.InUse)
            {
                return CreateCommand(sql);
            }

            cached.InUse = true;
            cached.Parameters.Clear();
            cached.Transaction = Transaction;
            return cached;
        }

        if (_statements.Count >= MaxStatements)
        {
            return CreateCommand(sql);
        }

        var command = new CachedSqliteCommand(sql, this) { InUse = true, Transaction = Transaction };
        _statements[sql] = command;
        return command;
    }

    private SqliteCommand CreateCommand(string sql)
    {
        var command = CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>Really closes it (finalising its statements); used when the pool is full or cleared.</summary>
    internal void CloseForGood()
    {
        _closing = true;
        foreach (var statement in _statements.Values)
        {
            statement.DisposeForGood();
        }

        _statements.Clear();
        Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closing)
        {
            if (!Held)
            {
                owner.Return(this);
            }

            return;
        }

        base.Dispose(disposing);
    }

    /// <summary>A command whose prepared statements outlive one use: disposing it only marks it free.</summary>
    private sealed class CachedSqliteCommand(string sql, SqliteConnection connection) : SqliteCommand(sql, connection)
    {
        private bool _disposing;

        public bool InUse { get; set; }

        public void DisposeForGood()
        {
            _disposing = true;
            Dispose();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposing)
            {
                InUse = false;
                return;
            }

            base.Dispose(disposing);
        }
    }
}
