using System.Collections.Concurrent;
using LearningBot.Core.Commands;

namespace LearningBot.Core.Conversations;

/// <summary>
/// Where the bot can reach the sender later in private (review DMs, questions sent to ask-me people). Remembering costs a read
/// and a write on Cosmos DB, so each instance stores a person's private conversation at most once per <see cref="Refresh"/>.
/// </summary>
public sealed class PersonalConversations(IConversationRepository conversations, TimeProvider time)
{
    /// <summary>How long a remembered conversation is not stored again by this instance.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromHours(1);

    private const int MaxRemembered = 50_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _stored = new(StringComparer.Ordinal);

    /// <summary>The platform's private conversation with the sender (Slack: their DM), or this one when it is a 1:1 chat; null when unknown.</summary>
    public static StoredConversation? Of(IncomingMessage message) =>
        message.PrivateConversation ?? (message.Conversation is { Kind: ConversationKind.Personal } here ? here : null);

    /// <summary>Stores <see cref="Of"/> when known (and not stored by this instance within <see cref="Refresh"/>), so the scheduler finds it.</summary>
    public async Task RememberAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        if (Of(message) is not { } personal)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_stored.TryGetValue(personal.Key, out var at) && now - at < Refresh)
        {
            return;
        }

        await conversations.SaveAsync(personal, cancellationToken);
        if (_stored.Count >= MaxRemembered)
        {
            _stored.Clear(); // bounded memory: forgetting costs one more save per person
        }

        _stored[personal.Key] = now;
    }
}
