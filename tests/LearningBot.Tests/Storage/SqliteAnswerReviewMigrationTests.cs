using LearningBot.Core.Knowledge;
using LearningBot.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Storage;

/// <summary>Schema v9 (answer reviews, ask-me, prompt reminders) applied to a v8 file that already holds shared answers.</summary>
public sealed class SqliteAnswerReviewMigrationTests
{
    /// <summary>Takes a current database back to the v8 shape (for migration tests that start from older versions).</summary>
    public const string UndoV9 = """
        DROP INDEX ix_knowledge_review_pending;
        ALTER TABLE knowledge_posts DROP COLUMN owner_id;
        ALTER TABLE knowledge_posts DROP COLUMN confirmed_at;
        ALTER TABLE knowledge_posts DROP COLUMN review_due_at;
        ALTER TABLE knowledge_posts DROP COLUMN review_pending_at;
        ALTER TABLE knowledge_posts DROP COLUMN retired_at;
        ALTER TABLE team_settings DROP COLUMN review_after_days;
        DROP TABLE person_settings;
        ALTER TABLE prompt_schedules DROP COLUMN remind;
        DROP INDEX ix_prompt_occurrences_remind;
        ALTER TABLE prompt_occurrences DROP COLUMN remind_at;

        """;

    [Test]
    public async Task Answers_shared_before_v9_are_owned_by_their_authors_and_never_all_due_at_once()
    {
        using var directory = new TempDirectory();
        var path = directory.File("v8.db");
        var old = DateTimeOffset.UtcNow.AddYears(-2);
        var recent = DateTimeOffset.UtcNow.AddDays(-10);
        await using (var first = new ServiceCollection().AddLogging().AddSqliteStorage(path).BuildServiceProvider())
        {
            var database = first.GetRequiredService<SqliteDatabase>();
            await database.InitializeAsync(default);
            await database.RunWriteAsync(async connection =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = UndoV9 + $"""
                    INSERT INTO knowledge_posts (id, team_id, author_id, question, answer, tags, helpful_count, created_at, idempotency_key)
                    VALUES ('old', 'T1', 'ann', 'Where is the VPN config?', 'wiki', '', 0, {old.ToUnixTimeMilliseconds()}, 'k1'),
                           ('recent', 'T1', 'bo', 'Who owns billing?', 'team b', '', 0, {recent.ToUnixTimeMilliseconds()}, 'k2');
                    PRAGMA user_version = 8;
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
