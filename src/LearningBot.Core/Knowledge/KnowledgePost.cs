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

/// <summary>An <c>ask</c> (or a question in a channel the bot offered an answer to), kept so repeated questions can be noticed.</summary>
/// <param name="Answered">
/// Whether it found its answer: at first whether the top match was confident (<see cref="AnswerConfidence"/>), then what the
/// person said ("This helped" sets it, "Not it" clears it; <see cref="Verdict"/>).
/// </param>
public sealed record AskedQuestion(
    string Id,
    string TeamId,
    string AskerId,
    string Text,
    bool Answered,
    DateTimeOffset CreatedAt,
    string IdempotencyKey)
{
    /// <summary>
    /// The id of the first question of its group of paraphrases (<see cref="QuestionGroups"/>); its own <see cref="Id"/> when it
    /// started a group. Null for questions stored before groups existed: they are grouped by their words when read.
    /// </summary>
    public string? GroupId { get; init; }

    /// <summary>The question's L2-normalised vector from <see cref="EmbeddingModel"/>, or null (semantic search off or failed).</summary>
    public ReadOnlyMemory<float>? Embedding { get; init; }

    /// <summary>The model id (<see cref="Semantic.IQueryEmbedder.ModelId"/>) that computed <see cref="Embedding"/>.</summary>
    public string? EmbeddingModel { get; init; }

    /// <summary>The shared answer shown first (the one "This helped" / "Not it" are about), or null when none was shown.</summary>
    public string? TopAnswerId { get; init; }

    /// <summary>What the person said about <see cref="TopAnswerId"/>.</summary>
    public AnswerVerdict Verdict { get; init; }

    /// <summary>Where it was asked: an <c>ask</c> command, or a question in a channel that the bot offered an answer to.</summary>
    public QuestionOrigin Origin { get; init; }

    /// <summary>The group key: <see cref="GroupId"/>, or the question's own id when it has none.</summary>
    public string GroupKey => GroupId ?? Id;
}

/// <summary>A person's word on the answer they were shown: "This helped" or "Not it".</summary>
public enum AnswerVerdict { None, Helped, NotIt }

public enum QuestionOrigin { Ask, Channel }

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

    /// <summary>
    /// Replaces the question, answer and tags of the stored post with <paramref name="post"/>'s id, and its search document
    /// in the same write, so <c>ask</c> finds the new words at once. Author, date, idempotency key and "this helped" votes stay.
    /// Returns the post as stored, or null when it no longer exists.
    /// </summary>
    Task<KnowledgePost?> UpdateAsync(KnowledgePost post, CancellationToken cancellationToken);

    /// <summary>Deletes the post, its "this helped" votes and its search document in one write; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string teamId, string postId, CancellationToken cancellationToken);
}

public interface IQuestionRepository
{
    Task<WriteResult<AskedQuestion>> AddAsync(AskedQuestion question, CancellationToken cancellationToken);

    /// <summary>Questions asked since an instant, newest first.</summary>
    Task<IReadOnlyList<AskedQuestion>> ListSinceAsync(string teamId, DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>Questions asked since an instant that found no good answer, newest first.</summary>
    Task<IReadOnlyList<AskedQuestion>> ListUnansweredSinceAsync(string teamId, DateTimeOffset since, int limit,
        CancellationToken cancellationToken);

    /// <summary>One question by id, or null when it does not exist in that team (e.g. it was forgotten).</summary>
    Task<AskedQuestion?> GetAsync(string teamId, string questionId, CancellationToken cancellationToken);

    /// <summary>
    /// Records the person's verdict on the shared answer <paramref name="answerId"/> shown for the question: <see cref="AnswerVerdict.Helped"/>
    /// marks it answered, <see cref="AnswerVerdict.NotIt"/> unanswered (and the pairing of its group and that answer is remembered:
    /// <see cref="AskedQuestion.TopAnswerId"/> with the verdict). Returns the question afterwards, or null if it does not exist in that team.
    /// </summary>
    Task<AskedQuestion?> SetVerdictAsync(string teamId, string questionId, string answerId, AnswerVerdict verdict, CancellationToken cancellationToken);
}
