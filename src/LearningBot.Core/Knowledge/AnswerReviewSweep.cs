using LearningBot.Core.Conversations;
using LearningBot.Core.Outbox;
using LearningBot.Core.Settings;
using LearningBot.Core.Time;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// Run by the scheduler on every instance: asks each owner whose answer is due for review, once, in a DM with "Still right" /
/// "Edit" / "Retire". The claim in storage makes it once across instances and restarts.
/// </summary>
public sealed class AnswerReviewSweep(
    IAnswerReviewRepository reviews,
    IKnowledgeRepository knowledge,
    IConversationRepository conversations,
    TeamSettingsCache settings)
{
    /// <returns>How many reviews were listed as due and how many DMs this instance queued.</returns>
    public async Task<(int Due, int Queued)> RunOnceAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var due = await reviews.ListDueAsync(now, limit, cancellationToken);
        var queued = 0;
        foreach (var review in due)
        {
            var dm = await DirectMessageAsync(review, now, cancellationToken);
            // Claimed even without a DM (no DM conversation with the owner, answer gone): search still marks it out of date.
            if (await reviews.ClaimAsync(review, dm, cancellationToken) && dm is not null)
            {
                queued++;
            }
        }

        return (due.Count, queued);
    }

    private async Task<OutboxMessage?> DirectMessageAsync(DueReview review, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var post = await knowledge.GetAsync(review.TeamId, review.PostId, cancellationToken);
        if (post is not { RetiredAt: null } || post.ReviewDueAt != review.DueAt
            || await conversations.FindPersonalAsync(review.TeamId, post.OwnerId, cancellationToken) is not { } direct)
        {
            return null;
        }

        var zone = TeamClock.FindOrUtc((await settings.GetAsync(review.TeamId, cancellationToken)).TimeZoneId);
        return new OutboxMessage(
            StableId.Of("answer-review", review.TeamId, review.PostId, review.DueAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            review.TeamId, direct.Key, OutboxPurpose.AnswerReview, review.PostId, AnswerReviewMessages.ReviewDue(post, zone), now);
    }
}
