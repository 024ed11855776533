using System.Net;
using System.Text.Json.Serialization;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Outbox;
using LearningBot.Storage.Cosmos.Outbox;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Knowledge;

/// <summary>
/// A review not yet asked: partition "reviews" of the <c>proactive</c> container, so the scheduler's "what is due" poll stays in one
/// logical partition on the indexed <c>dueAt</c> (like nudges). Deleted when the owner is asked or the answer retired.
/// </summary>
internal sealed record ReviewDocument : IETagged
{
    public const string Partition = "reviews";

    public required string Id { get; init; }

    public string Pk { get; init; } = Partition;

    public string Type { get; init; } = "review";

    public required string TeamId { get; init; }

    public required string PostId { get; init; }

    /// <summary>The post's review date (Unix ms).</summary>
    public required long DueAt { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>
/// Review state is in the post (<c>teams</c>), the due index in <c>proactive</c>. No transaction spans the two: the claim queues the DM
/// (an id derived from team, post and date: a second enqueue stores nothing) and then deletes the review entry with If-Match, so a
/// crash in between is finished by the next run, still with one DM.
/// </summary>
public sealed class CosmosAnswerReviewRepository(CosmosStore store) : IAnswerReviewRepository
{
    private static readonly PartitionKey Reviews = new(ReviewDocument.Partition);

    public Task<IReadOnlyList<DueReview>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(
                $"SELECT TOP {Math.Max(0, limit)} * FROM c WHERE c.pk = @pk AND c.type = 'review' AND c.dueAt <= @now ORDER BY c.dueAt")
            .WithParameter("@pk", ReviewDocument.Partition)
            .WithParameter("@now", now.ToUnixTimeMilliseconds());
        return store.RunAsync<IReadOnlyList<DueReview>>(async token =>
            (await CosmosStore.QueryPartitionAsync<ReviewDocument>(store.Proactive, ReviewDocument.Partition, query, token))
            .Select(d => new DueReview(d.TeamId, d.PostId, DateTimeOffset.FromUnixTimeMilliseconds(d.DueAt))).ToList(), cancellationToken);
    }

    public Task<bool> ClaimAsync(DueReview review, OutboxMessage? dm, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var id = DocumentIds.Review(review.TeamId, review.PostId);
            var current = await CosmosStore.TryReadAsync<ReviewDocument>(store.Proactive, id, ReviewDocument.Partition, token);
            if (current is null || current.DueAt != review.DueAt.ToUnixTimeMilliseconds())
            {
                return false; // asked already (another instance) or confirmed since with a new date
            }

            if (dm is not null)
            {
                await CosmosOutbox.EnqueueAsync(store, dm, token);
            }

            try
            {
                await store.Proactive.DeleteItemAsync<ReviewDocument>(id, Reviews, new ItemRequestOptions { IfMatchEtag = current.ETag }, token);
                return true;
            }
            catch (CosmosException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
            {
                return false; // another instance finished the same claim (its DM has the same id: queued once)
            }
        }, cancellationToken);

    public Task<KnowledgePost?> ConfirmAsync(string teamId, string postId, DateTimeOffset confirmedAt, DateTimeOffset nextReviewAt,
        CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var updated = await UpdatePostAsync(teamId, postId,
                d => d.RetiredAt is null
                    ? d with { ConfirmedAt = confirmedAt.ToUnixTimeMilliseconds(), ReviewDueAt = nextReviewAt.ToUnixTimeMilliseconds() }
                    : null, token);
            if (updated is null)
            {
                return null;
            }

            await store.Proactive.UpsertItemAsync(NewReview(teamId, postId, nextReviewAt.ToUnixTimeMilliseconds()), Reviews,
                new ItemRequestOptions { EnableContentResponseOnWrite = false }, token);
            return CosmosKnowledgeRepository.ToPost(updated);
        }, cancellationToken);

    public Task<KnowledgePost?> RetireAsync(string teamId, string postId, DateTimeOffset retiredAt, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var document = await CosmosKnowledgeRepository.FindAsync(store, teamId, postId, token);
            if (document is null)
            {
                return null;
            }

            // Out of search first (searchKind null), then out of reviews; a retry after a crash repeats both harmlessly.
            var updated = document.RetiredAt is null
                ? await UpdatePostAsync(teamId, postId, d => d with { RetiredAt = d.RetiredAt ?? retiredAt.ToUnixTimeMilliseconds(), SearchKind = null }, token)
                : document;
            try
            {
                await store.Proactive.DeleteItemAsync<ReviewDocument>(DocumentIds.Review(teamId, postId), Reviews, cancellationToken: token);
            }
            catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
            }

            return CosmosKnowledgeRepository.ToPost(updated ?? document);
        }, cancellationToken);

    public Task<IReadOnlyList<KnowledgePost>> GetManyAsync(string teamId, IReadOnlyCollection<string> postIds, CancellationToken cancellationToken) =>
        store.RunAsync<IReadOnlyList<KnowledgePost>>(async token =>
            (await store.QueryTeamAsync<KnowledgeDocument>(teamId,
                new QueryDefinition("SELECT * FROM c WHERE c.teamId = @teamId AND c.type = @type AND ARRAY_CONTAINS(@ids, c.recordId)")
                    .WithParameter("@teamId", teamId).WithParameter("@type", DocumentTypes.Knowledge).WithParameter("@ids", postIds.Distinct().ToArray()), token))
            .Select(CosmosKnowledgeRepository.ToPost).ToList(), cancellationToken);

    public Task<KnowledgePost?> SetOwnerAsync(string teamId, string postId, string ownerId, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
            await UpdatePostAsync(teamId, postId, d => d with { OwnerId = ownerId }, token) is { } updated
                ? CosmosKnowledgeRepository.ToPost(updated)
                : null, cancellationToken);

    /// <summary>Creates the review entry unless one exists (then the post's claim or confirm owns it).</summary>
    internal static async Task EnsureReviewAsync(CosmosStore store, string teamId, string postId, long dueAt, CancellationToken cancellationToken)
    {
        try
        {
            await store.Proactive.CreateItemAsync(NewReview(teamId, postId, dueAt), Reviews,
                new ItemRequestOptions { EnableContentResponseOnWrite = false }, cancellationToken);
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
        }
    }

    private static ReviewDocument NewReview(string teamId, string postId, long dueAt) =>
        new() { Id = DocumentIds.Review(teamId, postId), TeamId = teamId, PostId = postId, DueAt = dueAt };

    private async Task<KnowledgeDocument?> UpdatePostAsync(string teamId, string postId, Func<KnowledgeDocument, KnowledgeDocument?> change,
        CancellationToken cancellationToken)
    {
        var document = await CosmosKnowledgeRepository.FindAsync(store, teamId, postId, cancellationToken);
        return document is null ? null : await CosmosStore.UpdateFromAsync(store.Teams, document, document.Id, teamId, change, cancellationToken);
    }
}
