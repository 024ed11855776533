using LearningBot.Core.Storage;

namespace LearningBot.Core.Knowledge;

/// <summary>A shared answer: written once so nobody has to ask again.</summary>
public sealed record KnowledgePost(
    string Id,
    string TeamId,
    string AuthorId,
    string Question,
    string Answer,
    IReadOnlyList<string> Tags,
    DateTimeOffset CreatedAt,
    string IdempotencyKey)
{
    /// <summary>How many different people said "this helped".</summary>
    public int HelpfulCount { get; init; }

    private readonly string? _ownerId;

    /// <summary>Who keeps the answer true: the sharer unless reassigned (<c>share owner &lt;id&gt; @person</c>).</summary>
    public string OwnerId { get => _ownerId ?? AuthorId; init => _ownerId = value; }

    /// <summary>When the owner last said "Still right"; null: never, the answer counts as confirmed when shared.</summary>
    public DateTimeOffset? ConfirmedAt { get; init; }

    /// <summary>When the owner is asked to review it (team setting <c>review-after</c> days after sharing or confirming); null: no review.</summary>
    public DateTimeOffset? ReviewDueAt { get; init; }

    /// <summary>When the owner retired it: left out of search, kept for <c>show</c> and exports.</summary>
    public DateTimeOffset? RetiredAt { get; init; }

    public DateTimeOffset LastConfirmedAt => ConfirmedAt ?? CreatedAt;

    /// <summary>Its review date has passed and nobody confirmed it since: shown as "may be out of date".</summary>
    public bool IsOverdue(DateTimeOffset now) => RetiredAt is null && ReviewDueAt <= now;
}

/// <summary>An <c>ask</c>, kept so that repeated questions can be noticed.</summary>
/// <param name="Answered">Whether search found a good answer at the time.</param>
public sealed record AskedQuestion(
    string Id,
    string TeamId,
    string AskerId,
    string Text,
    bool Answered,
    DateTimeOffset CreatedAt,
    string IdempotencyKey);

/// <param name="AuthorId">Only this person's posts; null for the whole team.</param>
/// <param name="Since">Only posts created at or after this instant; null for all time.</param>
public sealed record KnowledgeQuery(string TeamId, string? AuthorId, DateTimeOffset? Since, int Limit);

public interface IKnowledgeRepository
{
    /// <summary>Posts newest first.</summary>
    Task<IReadOnlyList<KnowledgePost>> ListAsync(KnowledgeQuery query, CancellationToken cancellationToken);

    Task<WriteResult<KnowledgePost>> AddAsync(KnowledgePost post, CancellationToken cancellationToken);

    Task<KnowledgePost?> GetAsync(string teamId, string postId, CancellationToken cancellationToken);

    /// <summary>Counts one "this helped" per person per post; returns the post afterwards, or null if it does not exist in that team.</summary>
    Task<KnowledgePost?> MarkHelpfulAsync(string teamId, string postId, string userId, CancellationToken cancellationToken);

    /// <summary>The team's most helpful shared answers (most "this helped" first, then newest): for App Home.</summary>
    Task<IReadOnlyList<KnowledgePost>> ListMostHelpfulAsync(string teamId, int limit, CancellationToken cancellationToken);
}

public interface IQuestionRepository
{
    Task<WriteResult<AskedQuestion>> AddAsync(AskedQuestion question, CancellationToken cancellationToken);

    /// <summary>Questions asked since an instant, newest first.</summary>
    Task<IReadOnlyList<AskedQuestion>> ListSinceAsync(string teamId, DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>Questions asked since an instant that found no good answer, newest first: what repeats are counted from.</summary>
    Task<IReadOnlyList<AskedQuestion>> ListUnansweredSinceAsync(string teamId, DateTimeOffset since, int limit,
        CancellationToken cancellationToken);
}
