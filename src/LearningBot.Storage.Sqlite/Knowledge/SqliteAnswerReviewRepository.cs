using LearningBot.Core.Knowledge;
using LearningBot.Core.Outbox;
using LearningBot.Storage.Sqlite.Outbox;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge;

/// <summary>Review state lives in <c>knowledge_posts</c>; <c>review_pending_at</c> is the scheduler's index of reviews not asked yet.</summary>
public sealed class SqliteAnswerReviewRepository(SqliteDatabase database) : IAnswerReviewRepository
{
    public async Task<IReadOnlyList<DueReview>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            """
            SELECT team_id, id, review_pending_at FROM knowledge_posts
            WHERE review_pending_at IS NOT NULL AND review_pending_at <= $now
            ORDER BY review_pending_at LIMIT $limit
            """,
            null, r => new DueReview(r.GetString(0), r.GetString(1), r.GetInstant(2)), cancellationToken,
            ("$now", now.ToUnixMs()), ("$limit", limit));
    }

    public Task<bool> ClaimAsync(DueReview review, OutboxMessage? dm, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // The conditional update is the claim: a second instance (or a retry) finds nothing pending at that date.
            var claimed = await connection.ExecuteAsync(
                "UPDATE knowledge_posts SET review_pending_at = NULL WHERE team_id = $teamId AND id = $id AND review_pending_at = $due",
                transaction, cancellationToken, ("$teamId", review.TeamId), ("$id", review.PostId), ("$due", review.DueAt.ToUnixMs())) > 0;
            if (claimed && dm is not null)
            {
                await SqliteOutbox.InsertAsync(connection, transaction, dm, cancellationToken);
            }

            return claimed;
        }, cancellationToken);

    public Task<KnowledgePost?> ConfirmAsync(string teamId, string postId, DateTimeOffset confirmedAt, DateTimeOffset nextReviewAt,
        CancellationToken cancellationToken) =>
        UpdateAsync(teamId, postId,
            """
            UPDATE knowledge_posts SET confirmed_at = $at, review_due_at = $next, review_pending_at = $next
            WHERE team_id = $teamId AND id = $id AND retired_at IS NULL
            """,
            cancellationToken, ("$at", confirmedAt.ToUnixMs()), ("$next", nextReviewAt.ToUnixMs()));

    public Task<KnowledgePost?> RetireAsync(string teamId, string postId, DateTimeOffset retiredAt, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(
                """
                UPDATE knowledge_posts SET retired_at = COALESCE(retired_at, $at), review_pending_at = NULL
                WHERE team_id = $teamId AND id = $id
                """,
                transaction, cancellationToken, ("$teamId", teamId), ("$id", postId), ("$at", retiredAt.ToUnixMs()));
            // Out of the index in the same transaction: no search sees a retired answer.
            await SearchDocuments.DeleteWhereAsync(connection, transaction, "team_id = $teamId AND kind = $kind AND ref_id = $id",
                cancellationToken, ("$teamId", teamId), ("$kind", (int)SearchKind.Knowledge), ("$id", postId));
            return await SqliteKnowledgeRepository.GetAsync(connection, transaction, teamId, postId, cancellationToken);
        }, cancellationToken);

    public async Task<IReadOnlyList<KnowledgePost>> GetManyAsync(string teamId, IReadOnlyCollection<string> postIds, CancellationToken cancellationToken)
    {
        var posts = new List<KnowledgePost>();
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var id in postIds.Distinct(StringComparer.Ordinal))
        {
            // A primary-key lookup each, on one connection: search shows at most a handful.
            if (await SqliteKnowledgeRepository.GetAsync(connection, null, teamId, id, cancellationToken) is { } post)
            {
                posts.Add(post);
            }
        }

        return posts;
    }

    public Task<KnowledgePost?> SetOwnerAsync(string teamId, string postId, string ownerId, CancellationToken cancellationToken) =>
        UpdateAsync(teamId, postId, "UPDATE knowledge_posts SET owner_id = $owner WHERE team_id = $teamId AND id = $id",
            cancellationToken, ("$owner", ownerId));

    private Task<KnowledgePost?> UpdateAsync(string teamId, string postId, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(sql, transaction, cancellationToken,
                [("$teamId", teamId), ("$id", postId), .. parameters]);
            return changed == 0 ? null : await SqliteKnowledgeRepository.GetAsync(connection, transaction, teamId, postId, cancellationToken);
        }, cancellationToken);
}
