using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Storage;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge;

/// <param name="signal">Woken after a new shared answer is committed, so it is embedded within seconds; null: not signalled (the
/// embedder still finds it at its next poll).</param>
public sealed class SqliteKnowledgeRepository(SqliteDatabase database, EmbeddingSignal? signal = null) : IKnowledgeRepository
{
    private const string Columns = "id, team_id, author_id, question, answer, tags, created_at, idempotency_key, helpful_count";

    /// <summary>Read with <see cref="Columns"/>: the review state (owner, confirmation, review date, retirement).</summary>
    internal const string ReadColumns = Columns + ", owner_id, confirmed_at, review_due_at, retired_at";

    public async Task<WriteResult<KnowledgePost>> AddAsync(KnowledgePost post, CancellationToken cancellationToken)
    {
        var result = await database.WriteAsync(async (connection, transaction) =>
        {
            var inserted = await connection.ExecuteAsync(
                $"""
                 INSERT INTO knowledge_posts ({Columns}, review_due_at, review_pending_at)
                 VALUES ($id, $teamId, $authorId, $question, $answer, $tags, $createdAt, $key, 0, $reviewDue, $reviewDue)
                 ON CONFLICT (team_id, idempotency_key) DO NOTHING
                 """,
                transaction, cancellationToken,
                ("$id", post.Id), ("$teamId", post.TeamId), ("$authorId", post.AuthorId), ("$question", post.Question),
                ("$answer", post.Answer), ("$tags", SqliteCommands.JoinTags(post.Tags)), ("$createdAt", post.CreatedAt.ToUnixMs()),
                ("$key", post.IdempotencyKey), ("$reviewDue", post.ReviewDueAt?.ToUnixMs()));
            if (inserted == 0)
            {
                var existing = await connection.QueryAsync(
                    $"SELECT {ReadColumns} FROM knowledge_posts WHERE team_id = $teamId AND idempotency_key = $key",
                    transaction, Map, cancellationToken, ("$teamId", post.TeamId), ("$key", post.IdempotencyKey));
                return new WriteResult<KnowledgePost>(existing.Single(), Created: false);
            }

            await SearchDocuments.InsertAsync(connection, transaction, post.TeamId, SearchKind.Knowledge, post.Id, post.AuthorId,
                post.Question, post.Answer, post.Tags, post.CreatedAt, cancellationToken);
            return new WriteResult<KnowledgePost>(post with { HelpfulCount = 0 }, Created: true);
        }, cancellationToken);
        if (result.Created)
        {
            signal?.Notify();
        }

        return result;
    }

    public async Task<IReadOnlyList<KnowledgePost>> ListAsync(KnowledgeQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"""
             SELECT {ReadColumns} FROM knowledge_posts
             WHERE team_id = $teamId AND ($authorId IS NULL OR author_id = $authorId) AND created_at >= $since
             ORDER BY created_at DESC, rowid DESC
             LIMIT $limit
             """,
            null, Map, cancellationToken,
            ("$teamId", query.TeamId), ("$authorId", query.AuthorId), ("$since", query.Since?.ToUnixMs() ?? long.MinValue), ("$limit", query.Limit));
    }

    public async Task<KnowledgePost?> GetAsync(string teamId, string postId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await GetAsync(connection, null, teamId, postId, cancellationToken);
    }

    public Task<KnowledgePost?> MarkHelpfulAsync(string teamId, string postId, string userId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            if (await GetAsync(connection, transaction, teamId, postId, cancellationToken) is null)
            {
                return null;
            }

            var voted = await connection.ExecuteAsync(
                "INSERT INTO helpful_votes (team_id, post_id, user_id) VALUES ($teamId, $postId, $userId) ON CONFLICT DO NOTHING",
                transaction, cancellationToken, ("$teamId", teamId), ("$postId", postId), ("$userId", userId));
            if (voted > 0)
            {
                await connection.ExecuteAsync(
                    "UPDATE knowledge_posts SET helpful_count = helpful_count + 1 WHERE team_id = $teamId AND id = $postId",
                    transaction, cancellationToken, ("$teamId", teamId), ("$postId", postId));
            }

            return await GetAsync(connection, transaction, teamId, postId, cancellationToken);
        }, cancellationToken);

    public async Task<IReadOnlyList<KnowledgePost>> ListMostHelpfulAsync(string teamId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {ReadColumns} FROM knowledge_posts WHERE team_id = $teamId AND retired_at IS NULL ORDER BY helpful_count DESC, created_at DESC, id DESC LIMIT $limit",
            null, Map, cancellationToken, ("$teamId", teamId), ("$limit", limit));
    }

    public Task<KnowledgePost?> UpdateAsync(KnowledgePost post, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(
                "UPDATE knowledge_posts SET question = $question, answer = $answer, tags = $tags WHERE team_id = $teamId AND id = $id",
                transaction, cancellationToken, ("$question", post.Question), ("$answer", post.Answer),
                ("$tags", SqliteCommands.JoinTags(post.Tags)), ("$teamId", post.TeamId), ("$id", post.Id));
            if (changed == 0)
            {
                return null;
            }

            // Same transaction: ask finds the new words, and no longer the old ones, as soon as the edit is confirmed.
            var stored = (await GetAsync(connection, transaction, post.TeamId, post.Id, cancellationToken))!;
            await SearchDocuments.DeleteAsync(connection, transaction, post.TeamId, SearchKind.Knowledge, post.Id, cancellationToken);
            await SearchDocuments.InsertAsync(connection, transaction, stored.TeamId, SearchKind.Knowledge, stored.Id, stored.AuthorId,
                stored.Question, stored.Answer, stored.Tags, stored.CreatedAt, cancellationToken);
            return stored;
        }, cancellationToken);

    public Task<bool> DeleteAsync(string teamId, string postId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await SearchDocuments.DeleteAsync(connection, transaction, teamId, SearchKind.Knowledge, postId, cancellationToken);
            await connection.ExecuteAsync("DELETE FROM helpful_votes WHERE team_id = $teamId AND post_id = $id", transaction, cancellationToken,
                ("$teamId", teamId), ("$id", postId));
            return await connection.ExecuteAsync("DELETE FROM knowledge_posts WHERE team_id = $teamId AND id = $id", transaction,
                cancellationToken, ("$teamId", teamId), ("$id", postId)) > 0;
        }, cancellationToken);

    internal static async Task<KnowledgePost?> GetAsync(SqliteConnection connection, SqliteTransaction? transaction, string teamId,
        string postId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync($"SELECT {ReadColumns} FROM knowledge_posts WHERE team_id = $teamId AND id = $postId",
            transaction, Map, cancellationToken, ("$teamId", teamId), ("$postId", postId))).SingleOrDefault();

    private static KnowledgePost Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), SqliteCommands.SplitTags(r.GetString(5)),
            r.GetInstant(6), r.GetString(7))
        {
            HelpfulCount = r.GetInt32(8),
            OwnerId = r.GetNullableString(9)!,
            ConfirmedAt = NullableInstant(r, 10),
            ReviewDueAt = NullableInstant(r, 11),
            RetiredAt = NullableInstant(r, 12),
        };

    private static DateTimeOffset? NullableInstant(SqliteDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetInstant(ordinal);
}
