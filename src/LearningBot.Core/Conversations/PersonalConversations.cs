using LearningBot.Core.Commands;

namespace LearningBot.Core.Conversations;

/// <summary>Where the bot can reach the sender later in private (review DMs, questions sent to ask-me people, nudges).</summary>
public static class PersonalConversations
{
    /// <summary>The platform's private conversation with the sender (Slack: their DM), or this one when it is a 1:1 chat; null when unknown.</summary>
    public static StoredConversation? Of(IncomingMessage message) =>
        message.PrivateConversation ?? (message.Conversation is { Kind: ConversationKind.Personal } here ? here : null);

    /// <summary>Stores <see cref="Of"/> when known, so the scheduler can find it with <see cref="IConversationRepository.FindPersonalAsync"/>.</summary>
    public static Task RememberAsync(IConversationRepository conversations, IncomingMessage message, CancellationToken cancellationToken) =>
        Of(message) is { } personal ? conversations.SaveAsync(personal, cancellationToken) : Task.CompletedTask;
}
