using Microsoft.Data.Sqlite;

namespace LearningBot.Teams.Tests;

/// <summary>
/// Row counts of every table in a host's SQLite file (search index shadow tables included), read straight from the
/// file: two equal snapshots mean a request stored nothing anywhere.
/// </summary>
public static class StoredRows
{
    public static async Task<IReadOnlyDictionary<string, long>> CountAsync(string databasePath)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }

        return counts;
    }
}
