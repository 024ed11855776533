using LearningBot.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace LearningBot.Tests.Storage;

/// <summary>
/// Issue 18: no commit checkpoints the write-ahead log itself (SQLite's automatic checkpoint runs inside the commit, while this
/// process's writer gate is held, so every other writer waited ~11–30 ms for it): every connection the database hands out has
/// <c>wal_autocheckpoint = 0</c>, and a passive checkpoint beside the writers still keeps the log short.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class SqliteCheckpointTests
{
    [Test]
    public async Task Commits_do_not_checkpoint_the_log_themselves_yet_the_log_stays_short()
    {
        using var directory = new TempDirectory();
        using var database = new SqliteDatabase(directory.File("checkpoint.db"));
        await database.InitializeAsync(default);

        // Writes come from whichever pooled connection is free: check several at once.
        var connections = new List<SqliteConnection>();
        for (var i = 0; i < 3; i++)
        {
            connections.Add(await database.OpenAsync(default));
        }

        foreach (var connection in connections)
        {
            await using var read = connection.CreateCommand();
            read.CommandText = "PRAGMA wal_autocheckpoint";
            Assert.That(await read.ExecuteScalarAsync(), Is.EqualTo(0L), "SQLite's automatic checkpoint is off on every connection");
            await connection.DisposeAsync();
        }

        // 3,000 commits of one member row each, one after another through both write paths: every commit appends at least one
        // page. With the automatic checkpoint off and nothing else, the log would hold more than 3,000 frames.
        for (var i = 0; i < 3000; i++)
        {
            if (i % 2 == 0)
            {
                await InsertMemberAsync(database, i);
            }
            else
            {
                await database.InOneTransactionAsync(async ct => (await InsertMemberAsync(database, i), true), default);
            }
        }

        // The log starts over at the first write after a checkpoint has copied all of it (SQLite's rule).
        var extra = 3000;
        await WaitForAsync(async () =>
        {
            await InsertMemberAsync(database, extra++);
            return await WalFramesAsync(directory.File("checkpoint.db")) < 1000;
        });
        await using var reader = await database.OpenAsync(default);
        await using var count = reader.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM members";
        Assert.That(await count.ExecuteScalarAsync(), Is.EqualTo((long)extra), "every commit is still there");
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("the write-ahead log was not checkpointed and restarted: it still holds 1,000 frames or more");
    }

    private static Task<int> InsertMemberAsync(SqliteDatabase database, int i) =>
        database.RunWriteAsync(async connection =>
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO members (team_id, user_id, display_name) VALUES ('T1', $id, 'Someone')";
            insert.Parameters.AddWithValue("$id", $"U{i:D5}");
            return await insert.ExecuteNonQueryAsync();
        }, default);

    /// <summary>Frames in the log now, read without checkpointing (a NOOP checkpoint copies nothing).</summary>
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
