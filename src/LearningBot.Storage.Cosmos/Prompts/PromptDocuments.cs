using System.Text.Json.Serialization;
using LearningBot.Core.Prompts;
using LearningBot.Storage.Cosmos.Outbox;

namespace LearningBot.Storage.Cosmos.Prompts;

internal sealed record ScheduleDocument : IETagged
{
    public const string Partition = "schedules";

    public required string Id { get; init; }

    public string Pk { get; init; } = Partition;

    public string Type { get; init; } = "schedule";

    public required string ConversationKey { get; init; }

    public required string TeamId { get; init; }

    public required IReadOnlyList<int> Days { get; init; }

    public required int AtMinute { get; init; }

    public required string TimeZone { get; init; }

    public required string Question { get; init; }

    /// <summary>The next occurrence (Unix ms): what "list due schedules" ranges over.</summary>
    public required long DueAt { get; init; }

    public bool Paused { get; init; }

    public long? SkipOccurrenceAt { get; init; }

    public bool Remind { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    public static ScheduleDocument From(PromptSchedule s) => new()
    {
        Id = DocumentIds.Schedule(s.ConversationKey),
        ConversationKey = s.ConversationKey,
        TeamId = s.TeamId,
        Days = s.Recurrence.Days.Select(d => (int)d).ToList(),
        AtMinute = s.Recurrence.At.Hour * 60 + s.Recurrence.At.Minute,
        TimeZone = s.Recurrence.TimeZoneId,
        Question = s.Question,
        DueAt = s.NextDueAt.ToUnixTimeMilliseconds(),
        Paused = s.Paused,
        SkipOccurrenceAt = s.SkipOccurrenceAt?.ToUnixTimeMilliseconds(),
        Remind = s.Remind,
    };

    public PromptSchedule ToSchedule() =>
        new(ConversationKey, TeamId, new Recurrence(Days.Select(d => (DayOfWeek)d).ToList(), new TimeOnly(AtMinute / 60, AtMinute % 60), TimeZone),
            Question, DateTimeOffset.FromUnixTimeMilliseconds(DueAt))
        {
            Paused = Paused,
            SkipOccurrenceAt = SkipOccurrenceAt is { } skip ? DateTimeOffset.FromUnixTimeMilliseconds(skip) : null,
            Version = ETag,
            Remind = Remind,
        };
}

/// <summary>
/// One occurrence, and at the same time the record of a claim or close in progress: the writes that must
/// follow it (queue the post, advance the schedule, queue the digest) are kept in it until they are done,
/// so whoever meets it next (a second claimer, the close sweep) finishes them. See docs/storage.md.
/// </summary>
internal sealed record OccurrenceDocument : IETagged
{
    public const string Partition = "occurrences";

    public required string Id { get; init; }

    public string Pk { get; init; } = Partition;

    public string Type { get; init; } = "occurrence";

    public required string RecordId { get; init; }

    public required string ConversationKey { get; init; }

    public required string TeamId { get; init; }

    public required long ScheduledAt { get; init; }

    public required string State { get; init; }

    public required long CloseAt { get; init; }

    public string? PostedMessageId { get; init; }

    /// <summary>When the sweep must look at it: now while writes are pending, the close time while posted, else absent.</summary>
    public long? DueAt { get; init; }

    public OutboxDocument? PendingPost { get; init; }

    public long? AdvanceFrom { get; init; }

    public long? AdvanceTo { get; init; }

    public OutboxDocument? PendingDigest { get; init; }

    /// <summary>When the one reminder is due (Unix ms); cleared by the reminder's claim, which carries it in <see cref="PendingReminder"/> until queued.</summary>
    public long? RemindAt { get; init; }

    public OutboxDocument? PendingReminder { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    [JsonIgnore]
    public bool HasPendingClaim => PendingPost is not null || AdvanceTo is not null;

    [JsonIgnore]
    public bool HasPendingWork => HasPendingClaim || PendingDigest is not null || PendingReminder is not null;

    /// <summary>The document with <see cref="DueAt"/> recomputed from its state and pending work (a posted one: its reminder or its close, the earlier).</summary>
    public OccurrenceDocument WithDueAt() => this with
    {
        DueAt = HasPendingWork ? ScheduledAt
            : State == nameof(OccurrenceState.Posted) ? Math.Min(RemindAt ?? CloseAt, CloseAt)
            : null,
    };

    public PromptOccurrence ToOccurrence() =>
        new(RecordId, ConversationKey, TeamId, DateTimeOffset.FromUnixTimeMilliseconds(ScheduledAt), Enum.Parse<OccurrenceState>(State),
            DateTimeOffset.FromUnixTimeMilliseconds(CloseAt))
        {
            PostedMessageId = PostedMessageId,
            RemindAt = RemindAt is { } remind ? DateTimeOffset.FromUnixTimeMilliseconds(remind) : null,
        };
}
