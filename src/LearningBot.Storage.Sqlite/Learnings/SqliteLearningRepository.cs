using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Learnings;
using LearningBot.Core.Storage;
using LearningBot.Core.Time;
using LearningBot.Storage.Sqlite.Knowledge;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Learnings;

/// <param name="signal">Woken after a new public learning is committed, so it is embedded within seconds; null: not signalled
/// (the embedder still finds it at its next poll).</param>
public sealed class SqliteLearningRepository(SqliteDatabase database, EmbeddingSignal? signal = null) : ILearningRepository
{
    private const string Columns = "id, team_id, user_id, text, tags, minutes, is_private, created_at, idempotency_key, occurrence_id, source_message, edited_at";

    public async Task<WriteResult<LearningEntry>> AddAsync(LearningEntry entry, CancellationToken cancellationToken)
    {
        var result = await database.WriteAsync(async (connection, transaction) =>
        {
            var inserted = await connection.ExecuteAsync(
                $"""
                 INSERT INTO learnings ({Columns})
                 VALUES ($id, $teamId, $userId, $text, $tags, $minutes, $isPrivate, $createdAt, $key, $occurrenceId, $source, $editedAt)
                 ON CONFLICT (team_id, idempotency_key) DO NOTHING
                 """,
                transaction, cancellationToken,
                ("$id", entry.Id), ("$teamId", entry.TeamId), ("$userId", entry.UserId), ("$text", entry.Text),
                ("$tags", SqliteCommands.JoinTags(entry.Tags)), ("$minutes", entry.Minutes), ("$isPrivate", entry.IsPrivate),
                ("$createdAt", entry.CreatedAt.ToUnixMs()), ("$key", entry.IdempotencyKey), ("$occurrenceId", entry.OccurrenceId),
                ("$source", entry.SourceMessage), ("$editedAt", entry.EditedAt?.ToUnixMs()));
            if (inserted == 0)
            {
                var existing = await connection.QueryAsync(
                    $"SELECT {Columns} FROM learnings WHERE team_id = $teamId AND idempotency_key = $key",
                    transaction, Map, cancellationToken, ("$teamId", entry.TeamId), ("$key", entry.IdempotencyKey));
                return new WriteResult<LearningEntry>(existing.Single(), Created: false);
            }

            if (!entry.IsPrivate)
            {
                await SearchDocuments.InsertAsync(connection, transaction, entry.TeamId, SearchKind.Learning, entry.Id, entry.UserId,
                    string.Empty, entry.Text, entry.Tags, entry.CreatedAt, cancellationToken);
            }

            return new WriteResult<LearningEntry>(entry, Created: true);
        }, cancellationToken);
        if (result.Created && !entry.IsPrivate)
        {
            signal?.Notify();
        }

        return result;
    }

    public async Task<IReadOnlyList<LearningEntry>> ListAsync(LearningQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"""
             SELECT {Columns} FROM learnings
             WHERE team_id = $teamId
               AND ($userId IS NULL OR user_id = $userId)
               AND created_at >= $since
               AND ($includePrivate OR is_private = 0)
               AND ($occurrenceId IS NULL OR occurrence_id = $occurrenceId)
             ORDER BY created_at DESC, rowid DESC
             LIMIT $limit
             """,
            null, Map, cancellationToken,
            ("$teamId", query.TeamId), ("$userId", query.UserId), ("$since", query.Since?.ToUnixMs() ?? long.MinValue),
            ("$includePrivate", query.IncludePrivate), ("$occurrenceId", query.OccurrenceId), ("$limit", query.Limit));
    }

    /// <summary>One aggregate answered from the covering index <c>ix_learnings_user_marks</c> (schema v14): no table rows are read.</summary>
    public async Task<LearningTally> TallyAsync(string teamId, string userId, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync(
            """
            SELECT COUNT(*), COALESCE(SUM(is_private), 0), COALESCE(SUM(minutes), 0) FROM learnings
            WHERE team_id = $teamId AND user_id = $userId AND created_at >= $since
            """,
            null, r => new LearningTally(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2)), cancellationToken,
            ("$teamId", teamId), ("$userId", userId), ("$since", since?.ToUnixMs() ?? long.MinValue))).Single();
    }

    /// <summary>me's counts (<see cref="TallyAllTimeAndSinceAsync"/>): two aggregates of the person's index range, all time and from <c>$since</c>.</summary>
    internal const string TalliesSql =
        """
        SELECT a.n, a.p, a.m, s.n, s.p, s.m FROM
          (SELECT COUNT(*) AS n, COALESCE(SUM(is_private), 0) AS p, COALESCE(SUM(minutes), 0) AS m FROM learnings
           WHERE team_id = $teamId AND user_id = $userId) AS a,
          (SELECT COUNT(*) AS n, COALESCE(SUM(is_private), 0) AS p, COALESCE(SUM(minutes), 0) AS m FROM learnings
           WHERE team_id = $teamId AND user_id = $userId AND created_at >= $since) AS s
        """;

    /// <summary>
    /// One statement of two aggregates over the covering index <c>ix_learnings_user_marks</c> (no table rows are read): the person's
    /// whole range, and the range from <c>$since</c> on. Conditional sums in one pass (<c>SUM(CASE WHEN created_at &gt;= $since …)</c>)
    /// were measured first and cost more where history is long: 246 vs 159 µs for a person with 700 learnings, since every entry then
    /// pays three more expressions while the second range reads only the month's (docs/performance.md, 2026-11-30 "FTS5 merges").
    /// </summary>
    public async Task<LearningTallies> TallyAllTimeAndSinceAsync(string teamId, string userId, DateTimeOffset since,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync(
            TalliesSql,
            null, r => new LearningTallies(new LearningTally(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2)),
                new LearningTally(r.GetInt32(3), r.GetInt32(4), r.GetInt32(5))), cancellationToken,
            ("$teamId", teamId), ("$userId", userId), ("$since", since.ToUnixMs()))).Single();
    }

    /// <summary>
    /// One range read of the covering index <c>ix_learnings_user_marks</c> over the weeks' span, creation times only, matched to
    /// the weeks by <see cref="WeeklyStreak.WeeksHolding"/>. Its cost grows with the entries inside the weeks asked about, never
    /// with older history. One <c>EXISTS</c> seek per week (weeks passed as JSON) was tried first and cost twice the old full read
    /// on a 2-year streak of daily learnings (docs/performance.md, 2026-11-30).
    /// </summary>
    public async Task<IReadOnlyList<bool>> WeeksWithEntriesAsync(string teamId, string userId, IReadOnlyList<WeekRange> weeks,
        CancellationToken cancellationToken)
    {
        if (weeks.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var times = await connection.QueryAsync(
            "SELECT created_at FROM learnings WHERE team_id = $teamId AND user_id = $userId AND created_at >= $from AND created_at < $to",
            null, r => r.GetInstant(0), cancellationToken, ("$teamId", teamId), ("$userId", userId),
            ("$from", weeks.Min(w => w.Start).ToUnixMs()), ("$to", weeks.Max(w => w.End).ToUnixMs()));
        return WeeklyStreak.WeeksHolding(weeks, times);
    }

    public async Task<LearningEntry?> GetAsync(string teamId, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await GetAsync(connection, null, teamId, id, cancellationToken);
    }

    public async Task<LearningEntry?> FindBySourceAsync(string teamId, string sourceMessage, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync($"SELECT {Columns} FROM learnings WHERE team_id = $teamId AND source_message = $source",
            null, Map, cancellationToken, ("$teamId", teamId), ("$source", sourceMessage))).FirstOrDefault();
    }

    public Task<LearningEntry?> UpdateAsync(LearningEntry entry, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(
                """
                UPDATE learnings SET text = $text, tags = $tags, minutes = $minutes, is_private = $isPrivate, edited_at = $editedAt
                WHERE team_id = $teamId AND id = $id
                """,
                transaction, cancellationToken,
                ("$text", entry.Text), ("$tags", SqliteCommands.JoinTags(entry.Tags)), ("$minutes", entry.Minutes),
                ("$isPrivate", entry.IsPrivate), ("$editedAt", entry.EditedAt?.ToUnixMs()), ("$teamId", entry.TeamId), ("$id", entry.Id));
            if (changed == 0)
            {
                return null;
            }

            // The search document follows in the same transaction: ask finds the new words (and no longer the old) at once.
            await DeleteSearchDocumentAsync(connection, transaction, entry.TeamId, entry.Id, cancellationToken);
            var stored = await GetAsync(connection, transaction, entry.TeamId, entry.Id, cancellationToken);
            if (stored is { IsPrivate: false })
            {
                await SearchDocuments.InsertAsync(connection, transaction, stored.TeamId, SearchKind.Learning, stored.Id, stored.UserId,
                    string.Empty, stored.Text, stored.Tags, stored.CreatedAt, cancellationToken);
            }

            return stored;
        }, cancellationToken);

    public Task<bool> DeleteAsync(string teamId, string id, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await DeleteSearchDocumentAsync(connection, transaction, teamId, id, cancellationToken);
            return await connection.ExecuteAsync("DELETE FROM learnings WHERE team_id = $teamId AND id = $id", transaction, cancellationToken,
                ("$teamId", teamId), ("$id", id)) > 0;
        }, cancellationToken);

    private static Task DeleteSearchDocumentAsync(SqliteConnection connection, SqliteTransaction transaction, string teamId, string id,
        CancellationToken cancellationToken) =>
        SearchDocuments.DeleteAsync(connection, transaction, teamId, SearchKind.Learning, id, cancellationToken);

    private static async Task<LearningEntry?> GetAsync(SqliteConnection connection, SqliteTransaction? transaction, string teamId, string id,
        CancellationToken cancellationToken) =>
        (await connection.QueryAsync($"SELECT {Columns} FROM learnings WHERE team_id = $teamId AND id = $id",
            transaction, Map, cancellationToken, ("$teamId", teamId), ("$id", id))).SingleOrDefault();

    private static LearningEntry Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), SqliteCommands.SplitTags(r.GetString(4)),
            r.IsDBNull(5) ? null : r.GetInt32(5), r.GetInstant(7), r.GetString(8))
        {
            IsPrivate = r.GetBoolean(6),
            OccurrenceId = r.GetNullableString(9),
            SourceMessage = r.GetNullableString(10),
            EditedAt = r.IsDBNull(11) ? null : r.GetInstant(11),
        };
}
