using LearningBot.Core.Knowledge;
using LearningBot.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Storage;

/// <summary>
/// Schema v15 (<c>question_changes</c> and its triggers, for the recent questions held in memory) applied to a v14 file that
/// already holds questions: they are served as before, and a verdict on one of them is seen by a process that holds them.
/// </summary>
public sealed class SqliteQuestionChangesMigrationTests
{
    [Test]
    public async Task Questions_asked_before_v15_are_held_and_a_later_verdict_on_one_is_seen_at_once()
    {
        using var directory = new TempDirectory();
        var path = directory.File("v14.db");
        var asked = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
        await using (var first = new ServiceCollection().AddLogging().AddSqliteStorage(path).BuildServiceProvider())
        {
            var database = first.GetRequiredService<SqliteDatabase>();
            await SqliteSchema.MigrateToAsync(database, 14, default);
            await database.RunWriteAsync(async connection =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"""
                    INSERT INTO questions (id, team_id, asker_id, text, answered, created_at, idempotency_key)
                    VALUES ('q1', 'T1', 'ann', 'who grants warehouse access', 0, {asked}, 'k1'),
                           ('q2', 'T1', 'bo', 'how can I get access to the analytics warehouse', 0, {asked + 1000}, 'k2');
                    """;
                return await command.ExecuteNonQueryAsync();
            }, default);
        }

        await using var services = new ServiceCollection().AddLogging().AddSqliteStorage(path).BuildServiceProvider();
        await services.GetRequiredService<SqliteDatabase>().InitializeAsync(default);
        var questions = services.GetRequiredService<IQuestionRepository>();
        var since = DateTimeOffset.UtcNow - QuestionGroups.Window;
        var before = await questions.ListSinceAsync("T1", since, QuestionMatcher.RecentQuestions, default);
        Assert.That(before.Select(q => (q.Id, q.Verdict)), Is.EqualTo(new[] { ("q2", AnswerVerdict.None), ("q1", AnswerVerdict.None) }));

        await questions.SetVerdictAsync("T1", "q1", "post-1", AnswerVerdict.Helped, default);

        var after = await questions.ListSinceAsync("T1", since, QuestionMatcher.RecentQuestions, default);
        Assert.That(after.Select(q => (q.Id, q.Verdict, q.Answered)),
            Is.EqualTo(new[] { ("q2", AnswerVerdict.None, false), ("q1", AnswerVerdict.Helped, true) }));
    }
}
