using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;

namespace LearningBot.Core.Nudges;

/// <summary>A person's opt-in to the weekly "what did you learn this week?" DM.</summary>
public sealed record NudgeSubscription(string TeamId, string UserId, Recurrence Recurrence, DateTimeOffset NextDueAt)
{
    public static readonly TimeOnly DefaultTime = new(15, 0);
    public const DayOfWeek DefaultDay = DayOfWeek.Friday;
}

public interface INudgeRepository
{
    Task<NudgeSubscription?> GetAsync(string teamId, string userId, CancellationToken cancellationToken);

    Task SaveAsync(NudgeSubscription subscription, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string teamId, string userId, CancellationToken cancellationToken);

    Task<IReadOnlyList<NudgeSubscription>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// In one atomic step: records that the person is nudged in <paramref name="weekKey"/> (false if they
    /// already were: nobody is nudged twice in a week), enqueues <paramref name="dm"/> if given, and
    /// moves the subscription's next due time from <paramref name="dueAt"/> to <paramref name="nextDueAt"/>.
    /// </summary>
    Task<bool> ClaimAsync(NudgeSubscription subscription, DateTimeOffset dueAt, string weekKey, OutboxMessage? dm,
        DateTimeOffset nextDueAt, CancellationToken cancellationToken);
}
