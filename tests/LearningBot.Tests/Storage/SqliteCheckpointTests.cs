using LearningBot.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace LearningBot.Tests.Storage;

/// <summary>
/// Issue 18: the WAL is checkpointed past <see cref="SqliteDatabase.WalAutoCheckpointPages"/> pages, not SQLite's default 1,000,
/// on every connection the database hands out (writes come from whichever pooled connection is free), and it still is
/// checkpointed once the log is that long.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class SqliteCheckpointTests
{
    [Test]
    public async Task Commits_are_not_checkpointed_at_sqlites_default_1000_pages_but_are_past_the_configured_length()
    {
        using var directory = new TempDirectory();
        using var database = new SqliteDatabase(directory.File("checkpoint.db"));
        await database.InitializeAsync(default);

        // 1,500 commits of one member row each: every commit appends at least one page to the log.
        for (var i = 0; i < 1500; i++)
        {
            await InsertMemberAsync(database, i);
        }

        Assert.That(await WalFramesAsync(directory.File("checkpoint.db")), Is.GreaterThan(1500),
            "no automatic checkpoint restarted the log at 1,000 pages");

        for (var i = 1500; i < 1500 + SqliteDatabase.WalAutoCheckpointPages; i++)
        {
            await InsertMemberAsync(database, i);
        }

        Assert.That(await WalFramesAsync(directory.File("checkpoint.db")), Is.LessThan(SqliteDatabase.WalAutoCheckpointPages),
            "past the configured length a commit checkpointed and the log started over");
        await using var reader = await database.OpenAsync(default);
        await using var count = reader.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM members";
        Assert.That(await count.ExecuteScalarAsync(), Is.EqualTo(1500L + SqliteDatabase.WalAutoCheckpointPages));
    }

    private static Task<int> InsertMemberAsync(SqliteDatabase database, int i) =>
        database.RunWriteAsync(async connection =>
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO members (team_id, user_id, display_name) VALUES ('T1', $id, 'Someone')";
            insert.Parameters.AddWithValue("$id", $"U{i:D5}");
            return await insert.ExecuteNonQueryAsync();
        }, default);

    /// <summary>Frames in the log now, read without checkpointing (a passive checkpoint on a read-only connection copies nothing).</summary>
    private static async Task<long> WalFramesAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(NOOP)";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetInt64(1);
    }
}
