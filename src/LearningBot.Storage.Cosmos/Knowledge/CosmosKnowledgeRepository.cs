using System.Net;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Knowledge;

/// <param name="signal">Woken after a new shared answer is stored, so the embedding worker picks it up at once.</param>
public sealed class CosmosKnowledgeRepository(CosmosStore store, EmbeddingSignal? signal = null) : IKnowledgeRepository
{
    private const int MaxAttempts = 10;

    public Task<WriteResult<KnowledgePost>> AddAsync(KnowledgePost post, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var id = DocumentIds.Knowledge(post.IdempotencyKey);
            var document = new KnowledgeDocument
            {
                Id = id,
                TeamId = post.TeamId,
                RecordId = post.Id,
                AuthorId = post.AuthorId,
                Question = post.Question,
                Answer = post.Answer,
                Tags = post.Tags,
                CreatedAt = post.CreatedAt.ToUnixTimeMilliseconds(),
                IdempotencyKey = post.IdempotencyKey,
                SearchKind = nameof(SearchKind.Knowledge),
                SearchTitle = post.Question,
                SearchBody = post.Answer + (post.Tags.Count > 0 ? " " + string.Join(' ', post.Tags) : string.Empty),
                SearchPeople = [post.AuthorId],
                ReviewDueAt = post.ReviewDueAt?.ToUnixTimeMilliseconds(),
            };
            var (stored, created) = await store.CreateOnceAsync(document, id, post.TeamId, d => d.RecordId, token);
            if (stored is { RetiredAt: null, ReviewDueAt: { } due })
            {
                // Also on a repeat: the first writer may have stopped between the post and its review entry.
                await CosmosAnswerReviewRepository.EnsureReviewAsync(store, stored.TeamId, stored.RecordId, due, token);
            }

            if (created)
            {
                signal?.Notify();
            }

            return new WriteResult<KnowledgePost>(ToPost(stored), created);
        }, cancellationToken);

    public Task<IReadOnlyList<KnowledgePost>> ListAsync(KnowledgeQuery query, CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition(
                $"SELECT TOP {Math.Max(0, query.Limit)} * FROM c WHERE c.teamId = @teamId AND c.type = @type"
                + (query.AuthorId is null ? string.Empty : " AND c.authorId = @authorId")
                + (query.Since is null ? string.Empty : " AND c.createdAt >= @since")
                + " ORDER BY c.createdAt DESC")
            .WithParameter("@teamId", query.TeamId)
            .WithParameter("@type", DocumentTypes.Knowledge);
        if (query.AuthorId is { } authorId)
        {
            definition = definition.WithParameter("@authorId", authorId);
        }

        if (query.Since is { } since)
        {
            definition = definition.WithParameter("@since", since.ToUnixTimeMilliseconds());
        }

        return store.RunAsync<IReadOnlyList<KnowledgePost>>(async token =>
            (await store.QueryTeamAsync<KnowledgeDocument>(query.TeamId, definition, token)).Select(ToPost).ToList(), cancellationToken);
    }

    public Task<KnowledgePost?> GetAsync(string teamId, string postId, CancellationToken cancellationToken) =>
        store.RunAsync(async token => await FindAsync(teamId, postId, token) is { } document ? ToPost(document) : null, cancellationToken);

    public Task<KnowledgePost?> MarkHelpfulAsync(string teamId, string postId, string userId, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            for (var attempt = 1; ; attempt++)
            {
                var document = await FindAsync(teamId, postId, token);
                if (document is null)
                {
                    return null;
                }

                if (document.HelpfulBy.Contains(userId))
                {
                    return ToPost(document);
                }

                var updated = document with { HelpfulBy = [.. document.HelpfulBy, userId] };
                try
                {
                    await store.Teams.ReplaceItemAsync(updated with { ETag = null }, document.Id, new PartitionKey(teamId),
                        new ItemRequestOptions { IfMatchEtag = document.ETag, EnableContentResponseOnWrite = false }, token);
                    return ToPost(updated);
                }
                catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed && attempt < MaxAttempts)
                {
                    // Someone else voted at the same moment: read again and retry, never overwrite their vote.
                }
            }
        }, cancellationToken);

    /// <summary>
    /// Helpful counts live in an array (one vote per person), which an index cannot order by; only posts with
    /// votes are read and ranked here, then the newest posts fill up the list. Used by App Home, not by commands.
    /// </summary>
    public Task<IReadOnlyList<KnowledgePost>> ListMostHelpfulAsync(string teamId, int limit, CancellationToken cancellationToken) =>
        store.RunAsync<IReadOnlyList<KnowledgePost>>(async token =>
        {
            var voted = await store.QueryTeamAsync<KnowledgeDocument>(teamId,
                new QueryDefinition("SELECT * FROM c WHERE c.teamId = @teamId AND c.type = @type AND ARRAY_LENGTH(c.helpfulBy) > 0")
                    .WithParameter("@teamId", teamId).WithParameter("@type", DocumentTypes.Knowledge), token);
            var ranked = voted.Where(d => d.RetiredAt is null).Select(ToPost)
                .OrderByDescending(p => p.HelpfulCount).ThenByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id, StringComparer.Ordinal)
                .Take(limit)
                .ToList();
            if (ranked.Count < limit)
            {
                var newest = await store.QueryTeamAsync<KnowledgeDocument>(teamId,
                    new QueryDefinition("SELECT TOP @limit * FROM c WHERE c.teamId = @teamId AND c.type = @type ORDER BY c.createdAt DESC")
                        .WithParameter("@limit", limit).WithParameter("@teamId", teamId).WithParameter("@type", DocumentTypes.Knowledge), token);
                ranked.AddRange(newest.Where(d => d.RetiredAt is null).Select(ToPost).Where(p => p.HelpfulCount == 0).Take(limit - ranked.Count));
            }

            return ranked;
        }, cancellationToken);

    /// <summary>
    /// An ETag-checked replace: the search fields live in the post's document, so <c>ask</c> sees the new words with the write.
    /// Votes (<c>helpfulBy</c>) are kept from the document as read, and a concurrent vote (412) is read again, never lost.
    /// </summary>
    public Task<KnowledgePost?> UpdateAsync(KnowledgePost post, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            if (await FindAsync(post.TeamId, post.Id, token) is not { } found)
            {
                return null;
            }

            var updated = await CosmosStore.UpdateFromAsync<KnowledgeDocument>(store.Teams, found, found.Id, post.TeamId, current => current with
            {
                Question = post.Question,
                Answer = post.Answer,
                Tags = post.Tags,
                SearchTitle = post.Question,
                SearchBody = post.Answer + (post.Tags.Count > 0 ? " " + string.Join(' ', post.Tags) : string.Empty),
                ETag = null,
            }, token);
            return updated is null ? null : ToPost(updated);
        }, cancellationToken);

    /// <summary>One delete: the votes and the search fields are part of the post's document.</summary>
    public Task<bool> DeleteAsync(string teamId, string postId, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            if (await FindAsync(teamId, postId, token) is not { } found)
            {
                return false;
            }

            try
            {
                await store.Teams.DeleteItemAsync<KnowledgeDocument>(found.Id, new PartitionKey(teamId), cancellationToken: token);
                return true;
            }
            catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                return false; // deleted by a concurrent call
            }
        }, cancellationToken);

    /// <summary>
    /// Posts are addressed by record id but stored under an id derived from the idempotency key, so this is
    /// a query, inside the team's partition, served by the index on <c>recordId</c>.
    /// </summary>
    internal Task<KnowledgeDocument?> FindAsync(string teamId, string postId, CancellationToken cancellationToken) =>
        FindAsync(store, teamId, postId, cancellationToken);

    internal static async Task<KnowledgeDocument?> FindAsync(CosmosStore store, string teamId, string postId, CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition("SELECT * FROM c WHERE c.teamId = @teamId AND c.type = @type AND c.recordId = @postId")
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Knowledge)
            .WithParameter("@postId", postId);
        return (await store.QueryTeamAsync<KnowledgeDocument>(teamId, definition, cancellationToken)).SingleOrDefault();
    }

    internal static KnowledgePost ToPost(KnowledgeDocument d) =>
        new(d.RecordId, d.TeamId, d.AuthorId, d.Question, d.Answer, d.Tags, DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedAt), d.IdempotencyKey)
        {
            HelpfulCount = d.HelpfulBy.Count,
            OwnerId = d.OwnerId!,
            ConfirmedAt = Instant(d.ConfirmedAt),
            ReviewDueAt = Instant(d.ReviewDueAt),
            RetiredAt = Instant(d.RetiredAt),
        };

    private static DateTimeOffset? Instant(long? unixMs) => unixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
