using LearningBot.Core.Conversations;
using LearningBot.Teams.Messages;
using Microsoft.Bot.Schema;
using Newtonsoft.Json;

namespace LearningBot.Teams.Conversations;

/// <summary>Stores Teams conversation references in the platform-neutral conversation store.</summary>
public sealed class TeamsConversations(IConversationRepository repository, TimeProvider time)
{
    /// <summary>Saves where this activity came from; true when the conversation is new to the bot (or was inactive).</summary>
    public Task<bool> SaveAsync(Activity activity, CancellationToken cancellationToken) =>
        repository.SaveAsync(Describe(activity), cancellationToken);

    /// <summary>
    /// The conversation an activity belongs to, as the bot would post there later. In a channel that is the
    /// channel itself, not the thread the message was in, so a proactive post starts a new thread.
    /// </summary>
    public StoredConversation Describe(Activity activity)
    {
        var reference = activity.GetConversationReference();
        var (channel, _) = TeamsIds.Thread(activity.Conversation!.Id);
        reference.Conversation = new ConversationAccount(reference.Conversation.IsGroup, reference.Conversation.ConversationType, channel,
            reference.Conversation.Name, reference.Conversation.AadObjectId, reference.Conversation.Role,
            // The tenant the inbound checks agreed on (conversation.tenantId, or channelData's when Teams left that out).
            TeamsIds.TenantId(activity));
        var kind = activity.Conversation.ConversationType switch
        {
            "personal" => ConversationKind.Personal,
            "channel" => ConversationKind.Channel,
            _ => ConversationKind.GroupChat,
        };
        return new StoredConversation(TeamsIds.ConversationKey(channel), TeamsIds.Platform, TeamsIds.TeamId(activity), kind,
            kind == ConversationKind.Personal && activity.From is { } from ? TeamsIds.UserId(from) : null,
            JsonConvert.SerializeObject(reference), IsActive: true, time.GetUtcNow());
    }

    public Task MarkInactiveAsync(string conversationId, CancellationToken cancellationToken) =>
        repository.MarkInactiveAsync(TeamsIds.ConversationKey(conversationId), time.GetUtcNow(), cancellationToken);

    public Task<StoredConversation?> FindPersonalAsync(string teamId, string userId, CancellationToken cancellationToken) =>
        repository.FindPersonalAsync(teamId, userId, cancellationToken);

    public static ConversationReference ReadReference(StoredConversation conversation) =>
        JsonConvert.DeserializeObject<ConversationReference>(conversation.ReferenceJson)
        ?? throw new InvalidOperationException($"Conversation {conversation.Key} has no stored reference.");
}
