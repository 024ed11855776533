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

/// <summary>
/// Sends a reply to a stored conversation without an incoming message: what schedulers and nudges use.
/// Each platform adapter implements it; callers never see the platform.
/// </summary>
public interface IProactiveMessenger
{
    /// <summary>Which <see cref="StoredConversation.Platform"/> this messenger serves.</summary>
    string Platform { get; }

    Task<ProactiveSendResult> SendAsync(StoredConversation conversation, BotReply reply, CancellationToken cancellationToken);
}
