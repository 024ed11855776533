using LearningBot.Core.Knowledge;
using LearningBot.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Storage;

/// <summary>Schema v13 (answer reviews, ask-me, prompt reminders) applied to a v12 file that already holds shared answers.</summary>
public sealed class SqliteAnswerReviewMigrationTests
{
    [Test]
    public async Task Answers_shared_before_v13_are_owned_by_their_authors_and_never_all_due_at_once()
    {
        using var directory = new TempDirectory();
        var path = directory.File("v12.db");
        var old = DateTimeOffset.UtcNow.AddYears(-2);
        var recent = DateTimeOffset.UtcNow.AddDays(-10);
        await using (var first = new ServiceCollection().AddLogging().AddSqliteStorage(path).BuildServiceProvider())
        {
            var database = first.GetRequiredService<SqliteDatabase>();
            await SqliteSchema.MigrateToAsync(database, 12, default);
            await database.RunWriteAsync(async connection =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"""
                    INSERT INTO knowledge_posts (id, team_id, author_id, question, answer, tags, helpful_count, created_at, idempotency_key)
                    VALUES ('old', 'T1', 'ann', 'Where is the VPN config?', 'wiki', '', 0, {old.ToUnixTimeMilliseconds()}, 'k1'),
                           ('recent', 'T1', 'bo', 'Who owns billing?', 'team b', '', 0, {recent.ToUnixTimeMilliseconds()}, 'k2');
                    """;
                return await command.ExecuteNonQueryAsync();
            }, default);
        }

        var migratedAt = DateTimeOffset.UtcNow;
        await using var services = new ServiceCollection().AddLogging().AddSqliteStorage(path).BuildServiceProvider();
        await services.GetRequiredService<SqliteDatabase>().InitializeAsync(default);
        var knowledge = services.GetRequiredService<IKnowledgeRepository>();
        var oldPost = await knowledge.GetAsync("T1", "old", default);
        var recentPost = await knowledge.GetAsync("T1", "recent", default);
        var due = await services.GetRequiredService<IAnswerReviewRepository>().ListDueAsync(DateTimeOffset.UtcNow.AddMinutes(1), 10, default);

        Assert.That((oldPost!.OwnerId, recentPost!.OwnerId), Is.EqualTo(("ann", "bo")));
        Assert.That(oldPost.ReviewDueAt, Is.EqualTo(migratedAt).Within(TimeSpan.FromMinutes(1)), "an old answer is due from the upgrade, not before");
        Assert.That(recentPost.ReviewDueAt, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(recent.ToUnixTimeMilliseconds()).AddDays(180)));
        Assert.That(due.Select(r => r.PostId), Is.EqualTo(new[] { "old" }));
    }
}
