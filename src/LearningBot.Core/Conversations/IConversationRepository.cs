namespace LearningBot.Core.Conversations;

public enum ConversationKind { Personal, GroupChat, Channel }

/// <summary>
/// A place the bot can post to without being spoken to first (scheduled prompts, kudos notices).
/// The platform's own reference is kept as opaque JSON: only that platform's adapter reads it.
/// </summary>
/// <param name="Key">Unique across platforms, e.g. <c>msteams:19:abc@thread.tacv2</c>.</param>
/// <param name="TeamId">The pipeline team the conversation belongs to.</param>
/// <param name="UserId">For personal (1:1) conversations, the user on the other side; otherwise null.</param>
/// <param name="ReferenceJson">The platform's serialized conversation reference (service URL, ids).</param>
/// <param name="IsActive">False once the bot was removed or the platform said the conversation is gone.</param>
public sealed record StoredConversation(
    string Key,
    string Platform,
    string TeamId,
    ConversationKind Kind,
    string? UserId,
    string ReferenceJson,
    bool IsActive,
    DateTimeOffset UpdatedAt);

public interface IConversationRepository
{
    /// <summary>Inserts or replaces the conversation (making it active again); true when it was new or inactive before.</summary>
    Task<bool> SaveAsync(StoredConversation conversation, CancellationToken cancellationToken);

    Task<StoredConversation?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>The active 1:1 conversation with a user, for private messages; null when the bot has none.</summary>
    Task<StoredConversation?> FindPersonalAsync(string teamId, string userId, CancellationToken cancellationToken);

    /// <summary>Active conversations of a team (e.g. where to post a scheduled prompt).</summary>
    Task<IReadOnlyList<StoredConversation>> ListActiveAsync(string teamId, CancellationToken cancellationToken);

    /// <summary>Stops proactive sends there; a later <see cref="SaveAsync"/> (bot re-added) reactivates it.</summary>
    Task MarkInactiveAsync(string key, DateTimeOffset at, CancellationToken cancellationToken);
}
