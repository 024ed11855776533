using System.Text.RegularExpressions;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Nudges;
using LearningBot.Core.Privacy;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Privacy;

public sealed class SqlitePersonalDataStore(
    SqliteDatabase database,
    ILearningRepository learnings,
    IKudosRepository kudos,
    IKnowledgeRepository knowledge,
    INudgeRepository nudges) : IPersonalDataStore
{
    private const int All = 100_000;
    private const string Former = IPersonalDataStore.FormerMember;

    public async Task<PersonalData> ExportAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var member = (await connection.QueryAsync("SELECT display_name FROM members WHERE team_id = $teamId AND user_id = $userId", null,
            r => new Member(teamId, userId, r.GetString(0)), cancellationToken, ("$teamId", teamId), ("$userId", userId))).SingleOrDefault();
        // The person's own gifts only, each with its receivers in order (served by the receipts' giver index).
        var given = (await connection.QueryAsync(
                """
                SELECT g.id, g.reason, g.value, g.created_at, g.idempotency_key, r.receiver_id
                FROM kudos_gifts g JOIN kudos_receipts r ON r.gift_id = g.id
                WHERE r.team_id = $teamId AND r.giver_id = $userId
                ORDER BY g.created_at DESC, g.id, r.position
                """,
                null,
                r => (Gift: new KudosGift(r.GetString(0), teamId, userId, [], r.GetString(1), r.GetNullableString(2), r.GetInstant(3),
                    r.GetString(4)), ReceiverId: r.GetString(5)),
                cancellationToken, ("$teamId", teamId), ("$userId", userId)))
            .GroupBy(x => x.Gift.Id)
            .Select(g => g.First().Gift with { ReceiverIds = g.Select(x => x.ReceiverId).ToList() })
            .ToList();
        var questions = await connection.QueryAsync(
            "SELECT id, text, answered, created_at, idempotency_key FROM questions WHERE team_id = $teamId AND asker_id = $userId ORDER BY created_at DESC",
            null, r => new AskedQuestion(r.GetString(0), teamId, userId, r.GetString(1), r.GetBoolean(2), r.GetInstant(3), r.GetString(4)),
            cancellationToken, ("$teamId", teamId), ("$userId", userId));
        return new PersonalData(
            member,
            await learnings.ListAsync(new LearningQuery(teamId, userId, null, All) { IncludePrivate = true }, cancellationToken),
            given,
            await kudos.ListReceivedAsync(teamId, userId, All, cancellationToken),
            await knowledge.ListAsync(new KnowledgeQuery(teamId, userId, null, All), cancellationToken),
            questions,
            await nudges.GetAsync(teamId, userId, cancellationToken) is not null);
    }

    public async Task ForgetAsync(string teamId, string userId, bool keepSharedAnswers, CancellationToken cancellationToken)
    {
        await ForgetInOneTransactionAsync(teamId, userId, keepSharedAnswers, cancellationToken);

        // Deleted rows can linger in FTS index segments and in the WAL: merge the index and checkpoint so no
        // query can return the person's words any more.
        await database.RunWriteAsync(async connection =>
        {
            await connection.ExecuteAsync("INSERT INTO search_fts (search_fts) VALUES ('optimize')", null, cancellationToken);
            return await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)", null, cancellationToken);
        }, cancellationToken);
    }

    private Task ForgetInOneTransactionAsync(string teamId, string userId, bool keepSharedAnswers, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var name = (string?)await connection.ScalarAsync("SELECT display_name FROM members WHERE team_id = $t AND user_id = $u",
                transaction, cancellationToken, ("$t", teamId), ("$u", userId));
            async Task Run(string sql) =>
                await connection.ExecuteAsync(sql, transaction, cancellationToken, ("$t", teamId), ("$u", userId), ("$former", Former));

            // What is theirs goes: learnings (and their index rows), questions, votes, kudos received, subscriptions.
            await Run("DELETE FROM search_fts WHERE team_id = $t AND kind = 1 AND person_id = $u");
            await Run("DELETE FROM learnings WHERE team_id = $t AND user_id = $u");
            await Run("DELETE FROM questions WHERE team_id = $t AND asker_id = $u");
            await Run("""
                      UPDATE knowledge_posts SET helpful_count = helpful_count - 1
                      WHERE team_id = $t AND id IN (SELECT post_id FROM helpful_votes WHERE team_id = $t AND user_id = $u)
                      """);
            await Run("DELETE FROM helpful_votes WHERE team_id = $t AND user_id = $u");
            await Run("DELETE FROM search_fts WHERE team_id = $t AND kind = 2 AND person_id = $u");
            await Run("DELETE FROM kudos_receipts WHERE team_id = $t AND receiver_id = $u");
            await Run("DELETE FROM kudos_gifts WHERE team_id = $t AND NOT EXISTS (SELECT 1 FROM kudos_receipts r WHERE r.gift_id = kudos_gifts.id)");
            await Run("DELETE FROM nudge_subscriptions WHERE team_id = $t AND user_id = $u");
            await Run("DELETE FROM nudge_weeks WHERE team_id = $t AND user_id = $u");
            await Run("""
                      DELETE FROM outbox WHERE team_id = $t
                        AND conversation_key IN (SELECT key FROM conversations WHERE team_id = $t AND user_id = $u)
                      """);
            await Run("DELETE FROM conversations WHERE team_id = $t AND user_id = $u");
            await Run("DELETE FROM members WHERE team_id = $t AND user_id = $u");

            // What they gave others stays, without their name.
            await Run("UPDATE kudos_gifts SET giver_id = $former WHERE team_id = $t AND giver_id = $u");
            await Run("UPDATE kudos_receipts SET giver_id = $former WHERE team_id = $t AND giver_id = $u");
            await Run("UPDATE installations SET installed_by = $former WHERE team_id = $t AND installed_by = $u");
            if (keepSharedAnswers)
            {
                await Run("UPDATE knowledge_posts SET author_id = $former WHERE team_id = $t AND author_id = $u");
                await Run("UPDATE search_fts SET person_id = $former WHERE team_id = $t AND kind = 0 AND person_id = $u");
            }
            else
            {
                await Run("DELETE FROM search_fts WHERE team_id = $t AND kind = 0 AND person_id = $u");
                await Run("""
                          DELETE FROM helpful_votes WHERE team_id = $t
                            AND post_id IN (SELECT id FROM knowledge_posts WHERE team_id = $t AND author_id = $u)
                          """);
                await Run("DELETE FROM knowledge_posts WHERE team_id = $t AND author_id = $u");
            }

            // Other people's words may mention them (a <@id> token, or the name): replace both.
            await ScrubTextAsync(connection, transaction, teamId, userId, name, cancellationToken);
            await Run("DELETE FROM deliveries WHERE delivery_id LIKE '%' || $u || '%'");
            return 0;
        }, cancellationToken);

    /// <summary>Texts where the id or the display name occurs are rewritten in C#, where a word-boundary match is possible.</summary>
    private static async Task ScrubTextAsync(SqliteConnection connection, SqliteTransaction transaction, string teamId, string userId,
        string? name, CancellationToken cancellationToken)
    {
        var patterns = new List<string> { $@"<@{Regex.Escape(userId)}(?:\|[^<>]*)?>", $@"(?<![\p{{L}}\p{{N}}_]){Regex.Escape(userId)}(?![\p{{L}}\p{{N}}_])" };
        if (!string.IsNullOrWhiteSpace(name))
        {
            // First: the name may start with the id ("Ann Lee" and "ann"), and the longer match must win.
            patterns.Insert(0, $@"(?<![\p{{L}}\p{{N}}_])@?{Regex.Escape(name)}(?![\p{{L}}\p{{N}}_])");
        }

        var matcher = new Regex(string.Join('|', patterns), RegexOptions.IgnoreCase);
        (string Table, string Key, string[] Columns)[] texts =
        [
            ("learnings", "id", ["text"]), ("kudos_gifts", "id", ["reason"]), ("knowledge_posts", "id", ["question", "answer"]),
            ("questions", "id", ["text"]), ("search_fts", "rowid", ["title", "body"]), ("outbox", "id", ["reply_json"]),
        ];
        foreach (var (table, key, columns) in texts)
        {
            foreach (var column in columns)
            {
                var rows = await connection.QueryAsync(
                    $"SELECT {key}, {column} FROM {table} WHERE team_id = $t AND ({column} LIKE $id OR {column} LIKE $name)",
                    transaction, r => (Key: r.GetValue(0), Text: r.GetString(1)), cancellationToken,
                    ("$t", teamId), ("$id", "%" + userId + "%"), ("$name", "%" + (name ?? userId) + "%"));
                foreach (var row in rows)
                {
                    var scrubbed = matcher.Replace(row.Text, "@" + Former);
                    if (scrubbed != row.Text)
                    {
                        await connection.ExecuteAsync($"UPDATE {table} SET {column} = $text WHERE {key} = $key", transaction, cancellationToken,
                            ("$text", scrubbed), ("$key", row.Key));
                    }
                }
            }
        }
    }
}
