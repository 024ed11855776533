using LearningBot.Core.Storage;

namespace LearningBot.Core.Learnings;

public sealed record LearningEntry(
    string Id,
    string TeamId,
    string UserId,
    string Text,
    IReadOnlyList<string> Tags,
    int? Minutes,
    DateTimeOffset CreatedAt,
    string IdempotencyKey)
{
    /// <summary>Private entries are never shown to others; reserved for <c>learned --private</c>.</summary>
    public bool IsPrivate { get; init; }

    /// <summary>The standing-meeting prompt occurrence this entry answered, if any.</summary>
    public string? OccurrenceId { get; init; }

    /// <summary>
    /// The chat message the entry was logged from (<see cref="Commands.IncomingMessage.SourceMessage"/>, e.g.
    /// <c>slack:D123:1700000001.000200</c>), so that editing or deleting that message edits or deletes the entry; null for
    /// entries from slash commands, buttons, forms and the playground.
    /// </summary>
    public string? SourceMessage { get; init; }

    /// <summary>When the text was last changed (<c>learned edit</c>, an edited message); null if never. Older edits arriving later are ignored.</summary>
    public DateTimeOffset? EditedAt { get; init; }
}

/// <param name="UserId">Only this person's entries; null for the whole team.</param>
/// <param name="Since">Only entries created at or after this instant; null for all time.</param>
public sealed record LearningQuery(string TeamId, string? UserId, DateTimeOffset? Since, int Limit)
{
    /// <summary>Only for the owner's own view; everyone else never sees private entries.</summary>
    public bool IncludePrivate { get; init; }

    /// <summary>Only answers to this prompt occurrence.</summary>
    public string? OccurrenceId { get; init; }
}

/// <summary>
/// A person's learnings in a period as the store counts them (private ones included): how many, how many of them private,
/// and the minutes logged (entries without a time add 0).
/// </summary>
public sealed record LearningTally(int Count, int PrivateCount, int Minutes);

/// <summary>
/// A person's learnings counted over two periods in one read (<see cref="ILearningRepository.TallyAllTimeAndSinceAsync"/>): all
/// time, and from an instant on (e.g. the start of this month in the team's time zone), private ones included in both.
/// </summary>
public sealed record LearningTallies(LearningTally AllTime, LearningTally Since);

public interface ILearningRepository
{
    Task<WriteResult<LearningEntry>> AddAsync(LearningEntry entry, CancellationToken cancellationToken);

    /// <summary>Entries newest first.</summary>
    Task<IReadOnlyList<LearningEntry>> ListAsync(LearningQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The person's entries created at or after <paramref name="since"/> (all time when null), private ones included, counted
    /// by the store in one aggregate read (no rows come back): what <c>learned</c>'s "This week" shows.
    /// </summary>
    Task<LearningTally> TallyAsync(string teamId, string userId, DateTimeOffset? since, CancellationToken cancellationToken);

    /// <summary>
    /// The person's entries counted all time and at or after <paramref name="since"/>, private ones included, in one aggregate read
    /// (what <c>me</c> shows: "N in all · M this month", the private count, this month's minutes). Equal to two
    /// <see cref="TallyAsync"/> calls (null and <paramref name="since"/>), one statement (SQLite) or query (Cosmos) instead of two.
    /// </summary>
    Task<LearningTallies> TallyAllTimeAndSinceAsync(string teamId, string userId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// For each of <paramref name="weeks"/> (<c>[Start, End)</c>, any order), whether the person logged at least one entry in
    /// it, private ones included; the answer has the same length and order. One read of the person's entries between the
    /// earliest start and the latest end asked about (never older history): the input of <see cref="Time.WeeklyStreak.CountAsync"/>.
    /// </summary>
    Task<IReadOnlyList<bool>> WeeksWithEntriesAsync(string teamId, string userId, IReadOnlyList<Time.WeekRange> weeks,
        CancellationToken cancellationToken);

    /// <summary>One entry of the team by its id (private ones too: callers check the author); null when there is none.</summary>
    Task<LearningEntry?> GetAsync(string teamId, string id, CancellationToken cancellationToken);

    /// <summary>The entry logged from <paramref name="sourceMessage"/> (<see cref="LearningEntry.SourceMessage"/>) in the team; null when none.</summary>
    Task<LearningEntry?> FindBySourceAsync(string teamId, string sourceMessage, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the text, tags, minutes, privacy and <see cref="LearningEntry.EditedAt"/> of the stored entry with
    /// <paramref name="entry"/>'s id, and its search document in the same write (a private entry leaves the index).
    /// Returns the entry as stored, or null when it no longer exists.
    /// </summary>
    Task<LearningEntry?> UpdateAsync(LearningEntry entry, CancellationToken cancellationToken);

    /// <summary>Deletes the entry and its search document in one write; false when it did not exist (a repeated delete).</summary>
    Task<bool> DeleteAsync(string teamId, string id, CancellationToken cancellationToken);
}
