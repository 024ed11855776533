using LearningBot.Core.Privacy;
using LearningBot.Core.Storage;
using LearningBot.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Storage;

/// <summary>
/// Schema v8 gives delivery records their sender. Records written before it have none; the only old ids that name a user are
/// Slack button deliveries (<c>action:&lt;user&gt;:&lt;ts&gt;</c> in scope <c>slack:&lt;team&gt;</c>), and the migration
/// gives those their sender, so "forget me" still deletes them exactly (issue 12, item 2).
/// </summary>
public sealed class SqliteDeliveryMigrationTests
{
    [Test]
    public async Task Old_slack_button_records_get_their_sender_and_are_forgotten_exactly_per_team()
    {
        using var directory = new TempDirectory();
        var path = directory.File("v7.db");
        await using (var first = new ServiceCollection().AddLogging().AddSqliteStorage(path).BuildServiceProvider())
        {
            var database = first.GetRequiredService<SqliteDatabase>();
            await database.InitializeAsync(default);
            // Back to the v7 shape, with records as v7 wrote them (no sender).
            await database.RunWriteAsync(async connection =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = SqliteAnswerReviewMigrationTests.UndoV9 + """
                DROP TABLE forgotten_people;
                DROP INDEX ix_deliveries_sender;
                ALTER TABLE deliveries DROP COLUMN team_id;
                ALTER TABLE deliveries DROP COLUMN user_id;
                INSERT INTO deliveries (scope, delivery_id, received_at) VALUES
                    ('slack:T1', 'action:U1:1700000000.000100', 0),
                    ('slack:T2', 'action:U1:1700000000.000100', 0),
                    ('slack:T1', 'action:U12:1700000000.000200', 0),
                    ('slack:T1', 'command:13345224609.abc', 0),
                    ('msteams:19:abc@thread.tacv2', 'activity-1', 0);
                PRAGMA user_version = 7;
                """;
                return await command.ExecuteNonQueryAsync();
            }, default);
        }

        await using var services = new ServiceCollection().AddLogging().AddSqliteStorage(path).BuildServiceProvider();
        await services.GetRequiredService<SqliteDatabase>().InitializeAsync(default);
        await services.GetRequiredService<IPersonalDataStore>().ForgetAsync("T1", "U1", keepSharedAnswers: true, DateTimeOffset.UnixEpoch, default);

        var deliveries = services.GetRequiredService<IDeliveryLog>();
        Assert.That(await deliveries.WasRecordedAsync("slack:T1", "action:U1:1700000000.000100", default), Is.False, "their own, in their team");
        Assert.That(await deliveries.WasRecordedAsync("slack:T2", "action:U1:1700000000.000100", default), Is.True, "the same id in another workspace");
        Assert.That(await deliveries.WasRecordedAsync("slack:T1", "action:U12:1700000000.000200", default), Is.True, "an id that starts with theirs");
        Assert.That(await deliveries.WasRecordedAsync("slack:T1", "command:13345224609.abc", default), Is.True);
        Assert.That(await deliveries.WasRecordedAsync("msteams:19:abc@thread.tacv2", "activity-1", default), Is.True);
    }
}
