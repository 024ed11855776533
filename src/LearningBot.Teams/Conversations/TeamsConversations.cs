using LearningBot.Core.Conversations;
using LearningBot.Teams.Messages;
using Microsoft.Bot.Schema;
using System.Text.Json;
using Newtonsoft.Json;

namespace LearningBot.Teams.Conversations;

/// <summary>Stores Teams conversation references in the platform-neutral conversation store.</summary>
public sealed class TeamsConversations(IConversationRepository repository, TimeProvider time)
{
    /// <summary>Saves where this activity came from; true when the conversation is new to the bot (or was inactive).</summary>
    public Task<bool> SaveAsync(Activity activity, CancellationToken cancellationToken) =>
        repository.SaveAsync(Describe(activity), cancellationToken);

    /// <summary>
    /// Saves <paramref name="conversation"/> unless the store already holds it, active, with the same reference apart from the
    /// activity id (which names the message it came from, so it differs on every message). Most messages come from a chat the
    /// bot knows, and re-saving it was a write transaction of its own on every Teams message (issue 18, docs/performance.md).
    /// <paramref name="stored"/> is the row as read in this turn (by <see cref="Security.InboundActivityGuard"/>), so the check
    /// is as current as that read: a chat marked inactive by another instance is saved again as before.
    /// </summary>
    /// <returns>True when it was written.</returns>
    public async Task<bool> SaveIfChangedAsync(StoredConversation conversation, StoredConversation? stored, CancellationToken cancellationToken)
    {
        if (stored is { IsActive: true } && stored.Key == conversation.Key && stored.TeamId == conversation.TeamId
            && stored.Kind == conversation.Kind && stored.UserId == conversation.UserId && stored.Platform == conversation.Platform
            && SameReference(stored.ReferenceJson, conversation.ReferenceJson))
        {
            return false;
        }

        await repository.SaveAsync(conversation, cancellationToken);
        return true;
    }

    /// <summary>
    /// Whether two stored references (JSON objects) say the same apart from <c>activityId</c>: the same properties, in any
    /// order, with equal values. Usually a text comparison (both written by <see cref="Describe"/>, <c>activityId</c> first);
    /// otherwise read with System.Text.Json (a pooled, read-only parse). The Newtonsoft JObject parse of both, on every 1:1
    /// message, was ~2 % of a Teams turn's CPU (issue 18, docs/performance.md).
    /// </summary>
    internal static bool SameReference(string storedJson, string json)
    {
        // The usual case: both written by Describe (the same serializer), so they are the same text after the activity id.
        var storedRest = AfterActivityId(storedJson);
        if (!storedRest.IsEmpty && storedRest.SequenceEqual(AfterActivityId(json)))
        {
            return true;
        }

        try
        {
            using var before = JsonDocument.Parse(storedJson);
            using var now = JsonDocument.Parse(json);
            return before.RootElement.ValueKind == JsonValueKind.Object && now.RootElement.ValueKind == JsonValueKind.Object
                && Covers(before.RootElement, now.RootElement) && Covers(now.RootElement, before.RootElement);
        }
        catch (System.Text.Json.JsonException)
        {
            return false; // unreadable stored reference: write the good one
        }
    }

    /// <summary>Every property of <paramref name="a"/> but <c>activityId</c> is in <paramref name="b"/> once, with an equal value.</summary>
    private static bool Covers(JsonElement a, JsonElement b)
    {
        foreach (var property in a.EnumerateObject())
        {
            if (property.NameEquals(ActivityId))
            {
                continue;
            }

            var found = 0;
            foreach (var other in b.EnumerateObject())
            {
                if (other.NameEquals(property.Name) && (++found > 1 || !JsonElement.DeepEquals(property.Value, other.Value)))
                {
                    return false;
                }
            }

            if (found == 0)
            {
                return false;
            }
        }

        return true;
    }

    private const string ActivityId = "activityId";

    private const string ActivityIdFirst = "{\"activityId\":\"";

    /// <summary>The text after <c>{"activityId":"…"</c> when the JSON starts that way with a plain id (no escapes); else empty.</summary>
    private static ReadOnlySpan<char> AfterActivityId(string json)
    {
        if (!json.StartsWith(ActivityIdFirst, StringComparison.Ordinal))
        {
            return default;
        }

        var value = json.AsSpan(ActivityIdFirst.Length);
        var end = value.IndexOfAny('"', '\\');
        return end < 0 || value[end] != '"' ? default : value[(end + 1)..];
    }

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
