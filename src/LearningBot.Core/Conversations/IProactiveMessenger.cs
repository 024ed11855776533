using LearningBot.Core.Replies;

namespace LearningBot.Core.Conversations;

public enum ProactiveSendResult
{
    Sent,
    /// <summary>No stored conversation with that key, or it is inactive: nothing was sent.</summary>
    NotAvailable,
    /// <summary>The platform said the bot can no longer post there; the conversation is now inactive.</summary>
    Gone,
    /// <summary>Retries ran out (throttling, outage); the caller may try again later.</summary>
    Failed,
}

/// <param name="MessageId">The platform's id of the posted message (Slack ts, Teams activity id) when sent.</param>
/// <param name="RetryAfter">When the platform said how long to wait (429 Retry-After).</param>
public sealed record ProactiveSendOutcome(ProactiveSendResult Result, string? MessageId = null, TimeSpan? RetryAfter = null);

/// <summary>
/// Sends a reply to a stored conversation without an incoming message: what schedulers and nudges use.
/// Each platform adapter implements it; callers never see the platform.
/// </summary>
public interface IProactiveMessenger
{
    /// <summary>Which <see cref="StoredConversation.Platform"/> this messenger serves.</summary>
    string Platform { get; }

    /// <param name="threadId">Post as a reply to this message of the conversation (null: a new message).</param>
    Task<ProactiveSendOutcome> SendAsync(StoredConversation conversation, BotReply reply, string? threadId,
        CancellationToken cancellationToken);
}
