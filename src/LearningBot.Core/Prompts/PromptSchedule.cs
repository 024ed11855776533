using LearningBot.Core.Outbox;

namespace LearningBot.Core.Prompts;

/// <summary>The standing-meeting prompt of one channel: at most one schedule per conversation.</summary>
/// <param name="ConversationKey">The <see cref="Conversations.StoredConversation.Key"/> the prompt is posted to.</param>
/// <param name="NextDueAt">The next occurrence to post (UTC); the scheduler advances it as it claims occurrences.</param>
public sealed record PromptSchedule(
    string ConversationKey,
    string TeamId,
    Recurrence Recurrence,
    string Question,
    DateTimeOffset NextDueAt)
{
    public const string DefaultQuestion = "What has someone learned this week that is relevant to our work?";

    public bool Paused { get; init; }

    /// <summary>Set by "prompt skip next": the occurrence at this instant is recorded as skipped, not posted.</summary>
    public DateTimeOffset? SkipOccurrenceAt { get; init; }

    /// <summary>The store's concurrency token; null before the first save.</summary>
    public string? Version { get; init; }

    /// <summary><c>prompt remind on</c>: one reminder in the prompt's thread <see cref="ReminderLead"/> before its digest, naming nobody.</summary>
    public bool Remind { get; init; }

    public static readonly TimeSpan ReminderLead = TimeSpan.FromHours(1);

    /// <summary>
    /// When an occurrence posted at <paramref name="scheduledAt"/> and summed up at <paramref name="closeAt"/> is reminded: an hour before
    /// the digest, or never when that is less than 15 minutes after the prompt (a reminder right after the question is noise).
    /// </summary>
    public static DateTimeOffset? ReminderTime(DateTimeOffset scheduledAt, DateTimeOffset closeAt) =>
        closeAt - ReminderLead is var at && at - scheduledAt >= TimeSpan.FromMinutes(15) ? at : null;
}

public enum OccurrenceState { Claimed, Posted, Closed, Missed, Skipped }

/// <summary>One firing of a schedule. Its id is derived from (conversation, time), so two instances claim the same id.</summary>
/// <param name="CloseAt">When the answers are summarised in a digest.</param>
public sealed record PromptOccurrence(
    string Id,
    string ConversationKey,
    string TeamId,
    DateTimeOffset ScheduledAt,
    OccurrenceState State,
    DateTimeOffset CloseAt)
{
    /// <summary>The platform's id of the posted prompt (Slack ts, Teams activity id): answers reply to it.</summary>
    public string? PostedMessageId { get; init; }

    /// <summary>When its one reminder is due (null: none, or already queued). Set at the claim when the schedule has <c>Remind</c>.</summary>
    public DateTimeOffset? RemindAt { get; init; }

    public static string IdFor(string conversationKey, DateTimeOffset scheduledAt) =>
        StableId.Of("occurrence", conversationKey, scheduledAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
}

public interface IPromptRepository
{
    /// <summary>The channel's schedule when it belongs to <paramref name="teamId"/>; null otherwise (a key never reaches across teams).</summary>
    Task<PromptSchedule?> GetScheduleAsync(string teamId, string conversationKey, CancellationToken cancellationToken);

    /// <summary>Saves if the stored version equals <c>schedule.Version</c>; otherwise throws <see cref="Storage.ConcurrencyConflictException"/>.</summary>
    Task<PromptSchedule> SaveScheduleAsync(PromptSchedule schedule, CancellationToken cancellationToken);

    /// <summary>Deletes the channel's schedule if it belongs to <paramref name="teamId"/>; false when there is none there.</summary>
    Task<bool> DeleteScheduleAsync(string teamId, string conversationKey, CancellationToken cancellationToken);

    /// <summary>Schedules whose next occurrence is due, oldest first. Not a chat hot path: may span teams.</summary>
    Task<IReadOnlyList<PromptSchedule>> ListDueSchedulesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// In one atomic step: records the occurrence (a conditional create: false when it already exists,
    /// e.g. another instance claimed it), enqueues <paramref name="post"/> if given, and moves the
    /// schedule's next occurrence from <c>occurrence.ScheduledAt</c> to <paramref name="nextDueAt"/> (if given).
    /// </summary>
    Task<bool> ClaimOccurrenceAsync(PromptOccurrence occurrence, OutboxMessage? post, DateTimeOffset? nextDueAt,
        CancellationToken cancellationToken);

    Task<PromptOccurrence?> GetOccurrenceAsync(string occurrenceId, CancellationToken cancellationToken);

    /// <summary>The occurrence whose posted prompt has this platform message id, for collecting thread answers.</summary>
    Task<PromptOccurrence?> FindOccurrenceByPostAsync(string conversationKey, string messageId, CancellationToken cancellationToken);

    Task MarkPostedAsync(string occurrenceId, string messageId, CancellationToken cancellationToken);

    /// <summary>Posted occurrences whose close time has come.</summary>
    Task<IReadOnlyList<PromptOccurrence>> ListOccurrencesToCloseAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Marks a posted occurrence closed and enqueues its digest, once: false if it was already closed.</summary>
    Task<bool> CloseOccurrenceAsync(string occurrenceId, OutboxMessage digest, CancellationToken cancellationToken);

    /// <summary>Posted occurrences whose reminder time has come (and whose reminder was not queued yet), earliest first.</summary>
    Task<IReadOnlyList<PromptOccurrence>> ListOccurrencesToRemindAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Clears the occurrence's reminder time and queues <paramref name="reminder"/> (if given) in one step, once: false when the
    /// reminder was already taken (another instance, a retry) or the occurrence is no longer posted.
    /// </summary>
    Task<bool> ClaimReminderAsync(string occurrenceId, OutboxMessage? reminder, CancellationToken cancellationToken);

    /// <summary>The latest occurrences of a conversation, newest first.</summary>
    Task<IReadOnlyList<PromptOccurrence>> ListOccurrencesAsync(string conversationKey, int limit, CancellationToken cancellationToken);
}
