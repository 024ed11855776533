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

internal sealed record SettingsDocument
{
    public required string Id { get; init; }

    public required string TeamId { get; init; }

    public string Type { get; init; } = DocumentTypes.Settings;

    public required int KudosWeeklyBudget { get; init; }

    public required bool LeaderboardEnabled { get; init; }

    public required string TimeZoneId { get; init; }

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

internal sealed record LearningDocument : ISearchable, IETagged
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

    public string? SearchKind { get; init; }

    public string SearchTitle { get; init; } = string.Empty;

    public string SearchBody { get; init; } = string.Empty;

    public IReadOnlyList<string> SearchPeople { get; init; } = [];

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

internal sealed record KnowledgeDocument : ISearchable, IETagged
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

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
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

    public string? SearchKind { get; init; }

    public string SearchTitle { get; init; } = string.Empty;

    public string SearchBody { get; init; } = string.Empty;

    public IReadOnlyList<string> SearchPeople { get; init; } = [];

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>
/// One giver's kudos budget for one week: the commit point of a gift. Spending and remembering the
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
