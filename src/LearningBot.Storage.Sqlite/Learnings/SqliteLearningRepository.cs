using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Learnings;
using LearningBot.Core.Storage;
using LearningBot.Storage.Sqlite.Knowledge;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Learnings;

/// <param name="signal">Woken after a new public learning is committed, so it is embedded within seconds; null: not signalled
/// (the embedder still finds it at its next poll).</param>
public sealed class SqliteLearningRepository(SqliteDatabase database, EmbeddingSignal? signal = null) : ILearningRepository
{
    private const string Columns = "id, team_id, user_id, text, tags, minutes, is_private, created_at, idempotency_key, occurrence_id";

    public async Task<WriteResult<LearningEntry>> AddAsync(LearningEntry entry, CancellationToken cancellationToken)
    {
        var result = await database.WriteAsync(async (connection, transaction) =>
        {
            var inserted = await connection.ExecuteAsync(
                $"""
                 INSERT INTO learnings ({Columns})
                 VALUES ($id, $teamId, $userId, $text, $tags, $minutes, $isPrivate, $createdAt, $key, $occurrenceId)
                 ON CONFLICT (team_id, idempotency_key) DO NOTHING
                 """,
                transaction, cancellationToken,
                ("$id", entry.Id), ("$teamId", entry.TeamId), ("$userId", entry.UserId), ("$text", entry.Text),
                ("$tags", SqliteCommands.JoinTags(entry.Tags)), ("$minutes", entry.Minutes), ("$isPrivate", entry.IsPrivate),
                ("$createdAt", entry.CreatedAt.ToUnixMs()), ("$key", entry.IdempotencyKey), ("$occurrenceId", entry.OccurrenceId));
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

    public async Task<IReadOnlyList<LearningMark>> ListMarksAsync(string teamId, string userId, DateTimeOffset since,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Answered from the covering index ix_learnings_user_marks alone (schema v7): no table rows are read.
        return await connection.QueryAsync(
            "SELECT created_at, minutes FROM learnings WHERE team_id = $teamId AND user_id = $userId AND created_at >= $since ORDER BY created_at DESC",
            null, r => new LearningMark(r.GetInstant(0), r.IsDBNull(1) ? null : r.GetInt32(1)), cancellationToken,
            ("$teamId", teamId), ("$userId", userId), ("$since", since.ToUnixMs()));
    }

    private static LearningEntry Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), SqliteCommands.SplitTags(r.GetString(4)),
            r.IsDBNull(5) ? null : r.GetInt32(5), r.GetInstant(7), r.GetString(8))
        {
            IsPrivate = r.GetBoolean(6),
            OccurrenceId = r.GetNullableString(9),
        };
}
