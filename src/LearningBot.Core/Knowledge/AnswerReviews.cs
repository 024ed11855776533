using LearningBot.Core.Outbox;

namespace LearningBot.Core.Knowledge;

/// <summary>A shared answer whose review date has come and whose owner has not been asked yet.</summary>
/// <param name="DueAt">The review date the claim is for (UTC); a newer date (after "Still right") is another review.</param>
public sealed record DueReview(string TeamId, string PostId, DateTimeOffset DueAt);

/// <summary>
/// Keeps shared answers true: owners, review dates, confirmations and retirement. Separate from
/// <see cref="IKnowledgeRepository"/> so the review scheduler and the owner's buttons share one narrow contract.
/// </summary>
public interface IAnswerReviewRepository
{
    /// <summary>Reviews due at or before <paramref name="now"/> whose owner was not asked yet, earliest first. May span teams (scheduler only).</summary>
    Task<IReadOnlyList<DueReview>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the review as asked and queues <paramref name="dm"/> (if given) once: false when the post's review date is no longer
    /// <c>review.DueAt</c> or another instance claimed it. The DM's id is derived from (team, post, due date), so a repeated claim
    /// after a crash queues nothing twice.
    /// </summary>
    Task<bool> ClaimAsync(DueReview review, OutboxMessage? dm, CancellationToken cancellationToken);

    /// <summary>"Still right": confirmed at <paramref name="confirmedAt"/>, next review at <paramref name="nextReviewAt"/>. Null when the post is not in the team or is retired.</summary>
    Task<KnowledgePost?> ConfirmAsync(string teamId, string postId, DateTimeOffset confirmedAt, DateTimeOffset nextReviewAt,
        CancellationToken cancellationToken);

    /// <summary>Takes the post out of search and out of reviews (kept for <c>show</c> and exports); a second retire keeps the first date. Null when not in the team.</summary>
    Task<KnowledgePost?> RetireAsync(string teamId, string postId, DateTimeOffset retiredAt, CancellationToken cancellationToken);

    /// <summary>The team's posts with these ids (missing ones left out), in one read: the review state shown next to search results.</summary>
    Task<IReadOnlyList<KnowledgePost>> GetManyAsync(string teamId, IReadOnlyCollection<string> postIds, CancellationToken cancellationToken);

    /// <summary>Gives the post a new owner (who gets its reviews). Null when not in the team.</summary>
    Task<KnowledgePost?> SetOwnerAsync(string teamId, string postId, string ownerId, CancellationToken cancellationToken);
}
