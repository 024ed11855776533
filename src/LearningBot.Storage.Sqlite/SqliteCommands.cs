using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite;

/// <summary>Thin helpers over ADO.NET so repositories read as SQL plus parameters.</summary>
internal static class SqliteCommands
{
    /// <summary>
    /// A command for <paramref name="sql"/>: on a pooled connection one whose statements stay prepared across uses (dispose
    /// it as usual). Without <paramref name="transaction"/> it joins the transaction open on the connection, if any (a
    /// unit of work's: see <see cref="SqliteDatabase.InOneTransactionAsync{T}"/>).
    /// </summary>
    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? transaction,
        params (string Name, object? Value)[] parameters)
    {
        SqliteCommand command;
        if (connection is PooledSqliteConnection pooled)
        {
            command = pooled.Prepared(sql);
        }
        else
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
        }

        if (transaction is not null)
        {
            command.Transaction = transaction;
        }

        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static async Task<int> ExecuteAsync(this SqliteConnection connection, string sql, SqliteTransaction? transaction,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, transaction, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(this SqliteConnection connection, string sql, SqliteTransaction? transaction,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, transaction, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    public static async Task<List<T>> QueryAsync<T>(this SqliteConnection connection, string sql, SqliteTransaction? transaction,
        Func<SqliteDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, transaction, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(map(reader));
        }

        return results;
    }

    public static long ToUnixMs(this DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    public static DateTimeOffset GetInstant(this SqliteDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static string JoinTags(IReadOnlyList<string> tags) => string.Join(' ', tags);

    public static IReadOnlyList<string> SplitTags(string tags) => tags.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static string? GetNullableString(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
