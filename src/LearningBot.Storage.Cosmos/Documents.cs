using System.Text.Json.Serialization;

namespace LearningBot.Storage.Cosmos;

/// <summary>Values of the <c>type</c> property that tells documents in the shared <c>teams</c> container apart.</summary>
internal static class DocumentTypes
{
    public const string Settings = "settings";
    public const string Member = "member";
    public const string Learning = "learning";
    public const string Knowledge = "knowledge";
    public const string Question = "question";
    public const string Kudos = "kudos";
    public const string KudosBudget = "kudosBudget";
    public const string Forgotten = "forgotten";
    public const string Away = "away";

    public const string KudosHidden = "kudosHidden";

    public const string AnswerChannel = "answerChannel";

    public const string PersonSettings = "personSettings";
}

/// <summary>A document replaced with <c>If-Match</c> (see <see cref="CosmosStore.UpdateAsync{T}"/>).</summary>
internal interface IETagged
{
    string? ETag { get; }
}

/// <summary>
/// Fields a searchable document carries for <see cref="Knowledge.CosmosSearchIndex"/>. Only these two text
/// paths are in the full-text policy; <c>searchKind</c> is null on records that must not be found (private learnings).
/// </summary>
internal interface ISearchable
{
    string? SearchKind { get; }

    string SearchTitle { get; }

    string SearchBody { get; }

    IReadOnlyList<string> SearchPeople { get; }
}

/// <summary>
/// A searchable document that carries a vector for semantic search (learnings and shared answers): the vector at
/// <see cref="TeamsEmbedding.Path"/> and, beside it, the model that computed it. "Pending" (<see cref="Knowledge.CosmosEmbeddingStore"/>)
/// is every such document whose <see cref="EmbeddingModel"/> is missing or another model's; a write that changes the
/// embedded text (<see cref="Knowledge.EmbeddedText"/>) clears both, so the document is embedded again.
/// </summary>
internal interface IEmbeddable
{
    /// <summary>Null for documents that are never embedded (private learnings carry no search kind).</summary>
    string? SearchKind { get; }

    /// <summary>The L2-normalised vector (<see cref="TeamsEmbedding.Dimensions"/> float32), or null while pending.</summary>
    float[]? Embedding { get; }

    /// <summary>The model id of <see cref="Embedding"/> (range-indexed: the pending query filters on it); empty while pending.</summary>
    string EmbeddingModel { get; }
}

internal sealed record SettingsDocument
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.Settings;

    public required int KudosWeeklyBudget { get; init; }

    public required bool LeaderboardEnabled { get; init; }

    public required string TimeZoneId { get; init; }

    /// <summary><c>day</c>, <c>week</c> or <c>month</c>; missing on documents written before budget periods (= week).</summary>
    public string? KudosBudgetPeriod { get; init; }

    /// <summary>Missing on older documents (= <c>tada</c>).</summary>
    public string? KudosEmoji { get; init; }

    public IReadOnlyList<string>? Values { get; init; }

    /// <summary>Absent on documents saved before answer reviews: the default.</summary>
    public int? ReviewAfterDays { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

internal sealed record MemberDocument : IETagged
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.Member;

    public required string UserId { get; init; }

    public required string DisplayName { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

internal sealed record LearningDocument : ISearchable, IEmbeddable, IETagged
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.Learning;

    public required string RecordId { get; init; }

    public required string UserId { get; init; }

    public required string Text { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    public int? Minutes { get; init; }

    public bool IsPrivate { get; init; }

    /// <summary>The prompt occurrence this entry answered (indexed: the digest lists an occurrence's answers).</summary>
    public string? OccurrenceId { get; init; }

    /// <summary>Unix milliseconds: sortable and range-indexable.</summary>
    public required long CreatedAt { get; init; }

    public required string IdempotencyKey { get; init; }

    /// <summary>The chat message it was logged from (indexed: edits and deletions of that message find it); absent on older documents.</summary>
    public string? SourceMessage { get; init; }

    /// <summary>Unix milliseconds of the last edit; absent if never edited.</summary>
    public long? EditedAt { get; init; }

    public string? SearchKind { get; init; }

    public string SearchTitle { get; init; } = string.Empty;

    public string SearchBody { get; init; } = string.Empty;

    public IReadOnlyList<string> SearchPeople { get; init; } = [];

    /// <summary>Written last by the embedding worker; every other write of this document keeps or clears it (never rebuilds it).</summary>
    public float[]? Embedding { get; init; }

    public string EmbeddingModel { get; init; } = string.Empty;

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary><c>away-{hash(user)}</c> in the team's partition: the person's latest away period (Unix ms; <c>createdAt</c> is its start).</summary>
internal sealed record AwayDocument
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.Away;

    public required string UserId { get; init; }

    public required long CreatedAt { get; init; }

    public required long Until { get; init; }

    /// <summary>The last day away as the person gave it, <c>yyyy-MM-dd</c>.</summary>
    public required string LastDay { get; init; }
}

internal sealed record KnowledgeDocument : ISearchable, IEmbeddable, IETagged
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.Knowledge;

    public required string RecordId { get; init; }

    public required string AuthorId { get; init; }

    public required string Question { get; init; }

    public required string Answer { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    public required long CreatedAt { get; init; }

    public required string IdempotencyKey { get; init; }

    /// <summary>Who said "this helped": kept in the post so a vote and the count change in one ETag-checked write.</summary>
    public IReadOnlyList<string> HelpfulBy { get; init; } = [];

    /// <summary>Who keeps it true (absent: the author). Review state, all Unix ms: last "Still right", next review, retirement.</summary>
    public string? OwnerId { get; init; }

    public long? ConfirmedAt { get; init; }

    public long? ReviewDueAt { get; init; }

    /// <summary>Set when retired; <see cref="SearchKind"/> is then null, so search no longer finds it.</summary>
    public long? RetiredAt { get; init; }

    public string? SearchKind { get; init; }

    public string SearchTitle { get; init; } = string.Empty;

    public string SearchBody { get; init; } = string.Empty;

    public IReadOnlyList<string> SearchPeople { get; init; } = [];

    public float[]? Embedding { get; init; }

    public string EmbeddingModel { get; init; } = string.Empty;

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

internal sealed record QuestionDocument : IETagged
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.Question;

    public required string RecordId { get; init; }

    public required string AskerId { get; init; }

    public required string Text { get; init; }

    public required bool Answered { get; init; }

    public required long CreatedAt { get; init; }

    public required string IdempotencyKey { get; init; }

    /// <summary>The first question of its paraphrase group; null on questions stored before groups existed.</summary>
    public string? GroupId { get; init; }

    /// <summary>
    /// The question's vector, at the container's vector path (<see cref="TeamsEmbedding.PropertyName"/>): excluded from the range
    /// index there (a 384-number array would cost write RUs for nothing), and only ever read back, never searched.
    /// </summary>
    [JsonPropertyName(TeamsEmbedding.PropertyName)]
    public float[]? Embedding { get; init; }

    public string? EmbeddingModel { get; init; }

    public string? TopAnswerId { get; init; }

    /// <summary><see cref="LearningBot.Core.Knowledge.AnswerVerdict"/> as a number (0 none, 1 helped, 2 not it).</summary>
    public int Verdict { get; init; }

    /// <summary><see cref="LearningBot.Core.Knowledge.QuestionOrigin"/> as a number (0 ask, 1 channel).</summary>
    public int Origin { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>A channel with <c>settings answers on</c>: the document exists while it is on.</summary>
internal sealed record AnswerChannelDocument
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.AnswerChannel;

    public required string ChannelId { get; init; }
}

internal sealed record KudosDocument : ISearchable, IETagged
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.Kudos;

    public required string RecordId { get; init; }

    public required string GiverId { get; init; }

    public required IReadOnlyList<string> ReceiverIds { get; init; }

    public required string Reason { get; init; }

    public string? Value { get; init; }

    public required long CreatedAt { get; init; }

    public required string IdempotencyKey { get; init; }

    /// <summary>Where it was given (per-channel boards); null in a DM or on gifts stored before channels were kept.</summary>
    public string? ChannelId { get; init; }

    public string? Link { get; init; }

    public string? SearchKind { get; init; }

    public string SearchTitle { get; init; } = string.Empty;

    public string SearchBody { get; init; } = string.Empty;

    public IReadOnlyList<string> SearchPeople { get; init; } = [];

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>A person who said <c>kudos hide me</c>: one small document each, deleted by <c>kudos show me</c>.</summary>
internal sealed record KudosHiddenDocument
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.KudosHidden;

    public required string UserId { get; init; }
}

/// <summary>
/// One giver's kudos budget for one budget period (<c>weekStart</c> holds the period's start, whatever the period): the commit point of a gift. Spending and remembering the
/// gift's idempotency key happen in one ETag-checked write, so concurrent gifts cannot overspend and a
/// redelivery cannot spend twice.
/// </summary>
internal sealed record KudosBudgetDocument : IETagged
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.KudosBudget;

    public required string GiverId { get; init; }

    public required long WeekStart { get; init; }

    public required int Spent { get; init; }

    public required IReadOnlyList<BudgetEntry> Gifts { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <param name="Key">The gift's idempotency key.</param>
/// <param name="GiftId">The gift's record id, kept so a redelivery reports the original gift.</param>
internal sealed record BudgetEntry(string Key, string GiftId, int Receivers);

internal sealed record DeliveryDocument
{
    public required string Id { get; init; }

    public required string Scope { get; init; }

    public required string DeliveryId { get; init; }

    public required long ReceivedAt { get; init; }

    public string? Attempt { get; init; }

    /// <summary>The sender's team, as the pipeline stores it (absent for deliveries without a person, and before this field existed).</summary>
    public string? TeamId { get; init; }

    /// <summary>The sender: "forget me" deletes exactly the records with this team and user.</summary>
    public string? UserId { get; init; }

    /// <summary>Seconds until Cosmos deletes the record; absent means never (the container's default TTL is -1).</summary>
    [JsonPropertyName("ttl")]
    public int? TimeToLive { get; init; }
}

/// <summary>
/// <c>forgotten-{ForgottenPeople.Key(user)}</c> in the team's partition: when the person was forgotten (Unix ms, in the indexed
/// <c>createdAt</c>), so credentials issued before stop working. Holds no user id; the next forget in the team deletes stamps
/// older than <see cref="Core.Privacy.ForgottenPeople.Kept"/>, and reads ignore them.
/// </summary>
internal sealed record ForgottenDocument
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.Forgotten;

    public required long CreatedAt { get; init; }
}

/// <summary><c>person-{hash(user)}</c> in the team's partition: one person's own settings (ask-me).</summary>
internal sealed record PersonSettingsDocument
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.PersonSettings;

    public required string UserId { get; init; }

    public required bool AskMe { get; init; }
}
