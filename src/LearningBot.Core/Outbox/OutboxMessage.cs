using LearningBot.Core.Replies;

namespace LearningBot.Core.Outbox;

public enum OutboxPurpose { PromptPost, PromptDigest, Nudge, AnswerReview, AskMe, PromptReminder }

/// <summary>
/// A message the bot will send on its own (prompt, digest, nudge). It is stored before it is sent,
/// so a platform outage or a restart delays it but never loses it.
/// </summary>
/// <param name="Id">Deterministic from what it is for, so enqueuing twice stores it once.</param>
/// <param name="RelatedId">The occurrence (for prompts and digests) or the nudge week.</param>
/// <param name="NotBefore">Not sent before this instant (backoff and rate limits move it).</param>
public sealed record OutboxMessage(
    string Id,
    string TeamId,
    string ConversationKey,
    OutboxPurpose Purpose,
    string? RelatedId,
    BotReply Reply,
    DateTimeOffset NotBefore)
{
    /// <summary>Post as a reply to this platform message (a digest goes into its prompt's thread).</summary>
    public string? ThreadId { get; init; }

    /// <summary>How many times a send was attempted (including the current lease).</summary>
    public int Attempts { get; init; }
}

public interface IOutbox
{
    /// <summary>Stores the message unless one with its id exists; true when it was new.</summary>
    Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <paramref name="limit"/> due messages for this instance for <paramref name="lease"/>:
    /// other instances skip them until the lease ends, and a crashed instance's leases simply run out.
    /// </summary>
    Task<IReadOnlyList<OutboxMessage>> LeaseDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken);

    Task CompleteAsync(string id, string? platformMessageId, DateTimeOffset at, CancellationToken cancellationToken);

    Task RetryLaterAsync(string id, DateTimeOffset notBefore, string reason, CancellationToken cancellationToken);

    /// <summary>Gives up on a message that can never be delivered (conversation gone).</summary>
    Task AbandonAsync(string id, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    Task<int> CountPendingAsync(CancellationToken cancellationToken);
}
