using LearningBot.Core.Learnings;
using LearningBot.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Storage;

/// <summary>Schema v10 (edits and time away) on a database written by v9: learnings keep everything and can be edited afterwards.</summary>
public sealed class SqliteEditsMigrationTests
{
    [Test]
    public async Task A_v9_database_migrates_and_its_learnings_can_be_found_edited_and_deleted()
    {
        using var directory = new TempDirectory();
        var path = directory.File("v9.db");
        await using (var first = new ServiceCollection().AddLogging().AddSqliteStorage(path).BuildServiceProvider())
        {
            var database = first.GetRequiredService<SqliteDatabase>();
            await SqliteSchema.MigrateToAsync(database, 9, default);
            await database.RunWriteAsync(async connection =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = """
                INSERT INTO learnings (id, team_id, user_id, text, tags, minutes, is_private, created_at, idempotency_key)
                VALUES ('0193aaaabbbbccccddddeeeeffff0000', 'T1', 'U1', 'written by v9', 'old', 20, 0, 1700000000000, 'k1');
                """;
                return await command.ExecuteNonQueryAsync();
            }, default);
        }

        await using var services = new ServiceCollection().AddLogging().AddSqliteStorage(path).BuildServiceProvider();
        await services.GetRequiredService<SqliteDatabase>().InitializeAsync(default);
        var learnings = services.GetRequiredService<ILearningRepository>();

        var old = await learnings.GetAsync("T1", "0193aaaabbbbccccddddeeeeffff0000", default);
        Assert.That((old?.Text, old?.Minutes, old?.SourceMessage, old?.EditedAt), Is.EqualTo(("written by v9", (int?)20, (string?)null, (DateTimeOffset?)null)));
        var edited = await learnings.UpdateAsync(old! with { Text = "edited after v9", EditedAt = DateTimeOffset.UnixEpoch.AddDays(1) }, default);
        Assert.That(edited?.Text, Is.EqualTo("edited after v9"));
        Assert.That(await learnings.DeleteAsync("T1", old!.Id, default), Is.True);
        Assert.That(SqliteSchemaVersion(), Is.EqualTo(SqliteSchema.CurrentVersion));

        int SqliteSchemaVersion()
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version";
            return Convert.ToInt32(command.ExecuteScalar());
        }
    }
}
