using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Nudges;
using LearningBot.Core.Privacy;
using LearningBot.Core.Replies;
using LearningBot.Storage.Sqlite.Knowledge;
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

    public async Task ForgetAsync(string teamId, string userId, bool keepSharedAnswers, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await ForgetInOneTransactionAsync(teamId, userId, keepSharedAnswers, at, cancellationToken);

        // Deleted rows can linger in FTS index segments and in the WAL: merge the index and checkpoint so no
        // query can return the person's words any more. A checkpoint cannot run inside a transaction, so within a
        // delivery's unit of work (the forget me command) it runs once that commits.
        await database.AfterCommitAsync(async connection =>
        {
            await connection.ExecuteAsync("INSERT INTO search_fts (search_fts) VALUES ('optimize')", null, cancellationToken);
            return await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)", null, cancellationToken);
        }, cancellationToken);
    }

    private Task ForgetInOneTransactionAsync(string teamId, string userId, bool keepSharedAnswers, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            async Task Run(string sql) =>
                await connection.ExecuteAsync(sql, transaction, cancellationToken, ("$t", teamId), ("$u", userId), ("$former", Former));
            // Index rows go with their vectors at once (FTS5 hands a deleted newest rowid to the next row written).
            async Task DeleteDocuments(string where) =>
                await SearchDocuments.DeleteWhereAsync(connection, transaction, where, cancellationToken, ("$t", teamId), ("$u", userId));

            // What is theirs goes: learnings (and their index rows), questions, votes, kudos received, subscriptions.
            await DeleteDocuments("team_id = $t AND kind = 1 AND person_id = $u");
            await Run("DELETE FROM learnings WHERE team_id = $t AND user_id = $u");
            await Run("DELETE FROM questions WHERE team_id = $t AND asker_id = $u");
            await Run("""
                      UPDATE knowledge_posts SET helpful_count = helpful_count - 1
                      WHERE team_id = $t AND id IN (SELECT post_id FROM helpful_votes WHERE team_id = $t AND user_id = $u)
                      """);
            await Run("DELETE FROM helpful_votes WHERE team_id = $t AND user_id = $u");
            await DeleteDocuments("team_id = $t AND kind = 2 AND person_id = $u");
            await Run("DELETE FROM kudos_receipts WHERE team_id = $t AND receiver_id = $u");
            await Run("DELETE FROM kudos_gifts WHERE team_id = $t AND NOT EXISTS (SELECT 1 FROM kudos_receipts r WHERE r.gift_id = kudos_gifts.id)");
            await Run("DELETE FROM kudos_hidden WHERE team_id = $t AND user_id = $u");
            await Run("DELETE FROM nudge_subscriptions WHERE team_id = $t AND user_id = $u");
            await Run("DELETE FROM nudge_weeks WHERE team_id = $t AND user_id = $u");
            await Run("DELETE FROM away_periods WHERE team_id = $t AND user_id = $u");
            await Run("""
                      DELETE FROM outbox WHERE team_id = $t
                        AND conversation_key IN (SELECT key FROM conversations WHERE team_id = $t AND user_id = $u)
                      """);
            await Run("DELETE FROM conversations WHERE team_id = $t AND user_id = $u");
            await Run("DELETE FROM members WHERE team_id = $t AND user_id = $u");
            await Run("DELETE FROM person_settings WHERE team_id = $t AND user_id = $u");
            // Answers handed to them go back to their authors (whose own stay theirs, or go below).
            await Run("UPDATE knowledge_posts SET owner_id = NULL WHERE team_id = $t AND owner_id = $u AND author_id <> $u");

            // What they gave others stays, without their name.
            await Run("UPDATE kudos_gifts SET giver_id = $former WHERE team_id = $t AND giver_id = $u");
            await Run("UPDATE kudos_receipts SET giver_id = $former WHERE team_id = $t AND giver_id = $u");
            await Run("UPDATE installations SET installed_by = $former WHERE team_id = $t AND installed_by = $u");
            if (keepSharedAnswers)
            {
                // Kept anonymously, without an owner to ask: no more reviews (search still marks them when overdue).
                await Run("UPDATE knowledge_posts SET author_id = $former, owner_id = NULL, review_pending_at = NULL WHERE team_id = $t AND author_id = $u");
                await Run("UPDATE search_fts SET person_id = $former WHERE team_id = $t AND kind = 0 AND person_id = $u");
            }
            else
            {
                await DeleteDocuments("team_id = $t AND kind = 0 AND person_id = $u");
                await Run("""
                          DELETE FROM helpful_votes WHERE team_id = $t
                            AND post_id IN (SELECT id FROM knowledge_posts WHERE team_id = $t AND author_id = $u)
                          """);
                await Run("DELETE FROM knowledge_posts WHERE team_id = $t AND author_id = $u");
            }

            // Other people's words may mention them: only their mention tokens are replaced, never a name or a bare word.
            await ScrubMentionsAsync(connection, transaction, teamId, userId, cancellationToken);
            // Deleted documents took their vectors with them (DeleteDocuments) and a rewritten document's went in
            // ScrubMentionsAsync (computed again from the new text by the background embedder); this sweeps what versions before
            // that left behind (an edit's old vector), so nothing of theirs outlives the forget.
            await Run("DELETE FROM search_vectors WHERE team_id = $t AND doc_id NOT IN (SELECT rowid FROM search_fts)");
            // Exactly their own delivery records in this team (recorded with the sender since schema v8).
            await Run("DELETE FROM deliveries WHERE team_id = $t AND user_id = $u");
            // Credentials issued before now (dashboard cookie, private links) stop working; keyed by a hash, not the id.
            await connection.ExecuteAsync(
                """
                INSERT INTO forgotten_people (team_id, user_key, forgotten_at) VALUES ($t, $key, $at)
                ON CONFLICT (team_id, user_key) DO UPDATE SET forgotten_at = max(forgotten_at, excluded.forgotten_at)
                """, transaction, cancellationToken, ("$t", teamId), ("$key", ForgottenPeople.Key(userId)), ("$at", at.ToUnixMs()));
            await connection.ExecuteAsync("DELETE FROM forgotten_people WHERE forgotten_at < $before", transaction, cancellationToken,
                ("$before", (at - ForgottenPeople.Kept).ToUnixMs()));
            return 0;
        }, cancellationToken);

    public async Task<DateTimeOffset?> ForgottenAtAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var at = await connection.ScalarAsync("SELECT forgotten_at FROM forgotten_people WHERE team_id = $t AND user_key = $key", null,
            cancellationToken, ("$t", teamId), ("$key", ForgottenPeople.Key(userId)));
        return at is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    /// <summary>
    /// Rewrites the person's mention tokens in the team's texts (<see cref="MentionScrubber"/>). Rows are found with
    /// <c>instr</c>, an exact substring test: a LIKE pattern would let an id such as <c>%</c> or <c>_</c> match every row.
    /// </summary>
    private static async Task ScrubMentionsAsync(SqliteConnection connection, SqliteTransaction transaction, string teamId, string userId,
        CancellationToken cancellationToken)
    {
        var scrub = MentionScrubber.For(userId);
        (string Table, string Key, string[] Columns)[] texts =
        [
            ("learnings", "id", ["text"]), ("kudos_gifts", "id", ["reason"]), ("knowledge_posts", "id", ["question", "answer"]),
            ("questions", "id", ["text"]), ("search_fts", "rowid", ["title", "body"]),
        ];
        foreach (var (table, key, columns) in texts)
        {
            foreach (var column in columns)
            {
                var rows = await connection.QueryAsync(
                    $"SELECT {key}, {column} FROM {table} WHERE team_id = $t AND instr({column}, $token) > 0",
                    transaction, r => (Key: r.GetValue(0), Text: r.GetString(1)), cancellationToken,
                    ("$t", teamId), ("$token", MentionScrubber.TokenStart(userId)));
                foreach (var row in rows)
                {
                    var scrubbed = scrub(row.Text);
                    if (scrubbed != row.Text)
                    {
                        await connection.ExecuteAsync($"UPDATE {table} SET {column} = $text WHERE team_id = $t AND {key} = $key", transaction,
                            cancellationToken, ("$text", scrubbed), ("$t", teamId), ("$key", row.Key));
                        if (table == "search_fts")
                        {
                            await connection.ExecuteAsync("DELETE FROM search_vectors WHERE doc_id = $key", transaction, cancellationToken,
                                ("$key", row.Key));
                        }
                    }
                }
            }
        }

        // Queued replies are JSON, where the id appears JSON-encoded (a mention span's userId, or inside an encoded token).
        var encodedId = System.Text.Json.JsonSerializer.Serialize(userId, ReplyJson.Options)[1..^1];
        var queued = await connection.QueryAsync("SELECT id, reply_json FROM outbox WHERE team_id = $t AND instr(reply_json, $id) > 0",
            transaction, r => (Id: r.GetString(0), Json: r.GetString(1)), cancellationToken, ("$t", teamId), ("$id", encodedId));
        foreach (var message in queued)
        {
            var scrubbed = MentionScrubber.ScrubReplyJson(message.Json, userId);
            if (!ReferenceEquals(scrubbed, message.Json))
            {
                await connection.ExecuteAsync("UPDATE outbox SET reply_json = $json WHERE team_id = $t AND id = $id", transaction, cancellationToken,
                    ("$json", scrubbed), ("$t", teamId), ("$id", message.Id));
            }
        }
    }
}
