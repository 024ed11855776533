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

/// <summary>One logged learning reduced to what streaks and totals need.</summary>
public sealed record LearningMark(DateTimeOffset CreatedAt, int? Minutes);

public interface ILearningRepository
{
    Task<WriteResult<LearningEntry>> AddAsync(LearningEntry entry, CancellationToken cancellationToken);

    /// <summary>Entries newest first.</summary>
    Task<IReadOnlyList<LearningEntry>> ListAsync(LearningQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// When the person logged entries since <paramref name="since"/> (private ones included), newest first, with
    /// the minutes of each: a streak and the week's totals from one small read, without the texts.
    /// </summary>
    Task<IReadOnlyList<LearningMark>> ListMarksAsync(string teamId, string userId, DateTimeOffset since,
        CancellationToken cancellationToken);
}
