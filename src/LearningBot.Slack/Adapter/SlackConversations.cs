using System.Text.Json;
using LearningBot.Core.Conversations;

namespace LearningBot.Slack.Adapter;

/// <summary>The reference the bot keeps to post somewhere in Slack later: the workspace and a channel or a person.</summary>
public sealed record SlackReference(string TeamId, string? ChannelId, string? UserId);

/// <summary>How Slack channels and people become <see cref="StoredConversation"/>s (keys and references).</summary>
public static class SlackConversations
{
    public static string ChannelKey(string teamId, string channelId) => $"slack:{teamId}:{channelId}";

    /// <summary>A channel, private channel or group DM; a DM channel (id starting with D) is the person's private conversation.</summary>
    public static StoredConversation ForChannel(string teamId, string channelId, string userId, DateTimeOffset now) =>
        channelId.StartsWith('D')
            ? ForPerson(teamId, userId, now)
            : new StoredConversation(ChannelKey(teamId, channelId), SlackConversation.Platform, teamId,
                channelId.StartsWith('G') ? ConversationKind.GroupChat : ConversationKind.Channel, null,
                JsonSerializer.Serialize(new SlackReference(teamId, channelId, null)), true, now);

    /// <summary>A person's DM with the bot: Slack opens it on demand (conversations.open), so it always exists.</summary>
    public static StoredConversation ForPerson(string teamId, string userId, DateTimeOffset now) =>
        new($"slack:{teamId}:@{userId}", SlackConversation.Platform, teamId, ConversationKind.Personal, userId,
            JsonSerializer.Serialize(new SlackReference(teamId, null, userId)), true, now);

    public static SlackReference Read(StoredConversation conversation) =>
        JsonSerializer.Deserialize<SlackReference>(conversation.ReferenceJson)
        ?? throw new JsonException($"Conversation {conversation.Key} has an empty Slack reference.");
}
