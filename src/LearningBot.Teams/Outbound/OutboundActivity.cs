using System.Text.Json.Serialization;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;

namespace LearningBot.Teams.Outbound;

/// <summary>
/// The message activities this bot posts to the Bot Connector (replies, proactive messages, card updates) as a typed record,
/// written with System.Text.Json source generation (<see cref="OutboundJsonContext"/>) instead of Bot Framework's Newtonsoft
/// serializer, which walked the whole <see cref="Activity"/> and its card with reflection and converters on every reply
/// (issue 18: 7–8 % of a Teams turn's CPU, docs/performance.md). Field names and shapes are the Bot Framework activity schema's
/// (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#activity-object); absent
/// (null) fields are left out, as Bot Framework's serializer does.
/// Only activities made entirely of these fields take this path: <see cref="TryFrom"/> returns null for any other
/// (a suggested action, channel data, a value, extension data …), which Bot Framework then sends as before.
/// </summary>
internal sealed record OutboundActivity(
    string Type,
    string? ServiceUrl,
    string? ChannelId,
    OutboundAccount? From,
    OutboundConversation? Conversation,
    OutboundAccount? Recipient,
    string? ReplyToId,
    string? Id,
    string? Locale,
    string? Text,
    string? TextFormat,
    string? Summary,
    string? AttachmentLayout,
    string? InputHint,
    IReadOnlyList<OutboundAttachment>? Attachments,
    IReadOnlyList<JToken>? Entities)
{
    /// <summary>The activity's properties this record writes (checked against Bot Framework's <see cref="Activity"/> by a test).</summary>
    internal static readonly string[] Written =
    [
        nameof(Activity.Type), nameof(Activity.ServiceUrl), nameof(Activity.ChannelId), nameof(Activity.From), nameof(Activity.Conversation),
        nameof(Activity.Recipient), nameof(Activity.ReplyToId), nameof(Activity.Id), nameof(Activity.Locale), nameof(Activity.Text),
        nameof(Activity.TextFormat), nameof(Activity.Summary), nameof(Activity.AttachmentLayout), nameof(Activity.InputHint),
        nameof(Activity.Attachments), nameof(Activity.Entities),
    ];

    /// <summary>
    /// The activity as this record, or null when it sets anything the record does not carry (so nothing is ever dropped):
    /// any other activity property, an entity (only an empty list is carried), extension data on the activity or its
    /// accounts, or an attachment whose content is not JSON (<see cref="JToken"/>).
    /// </summary>
    public static OutboundActivity? TryFrom(Activity activity)
    {
        if (activity.Type is null || HasUnwrittenFields(activity) || activity.Entities is { Count: > 0 })
        {
            return null;
        }

        List<OutboundAttachment>? attachments = null;
        if (activity.Attachments is { } source)
        {
            attachments = new List<OutboundAttachment>(source.Count);
            foreach (var attachment in source)
            {
                if (attachment is null || OutboundAttachment.TryFrom(attachment) is not { } written)
                {
                    return null;
                }

                attachments.Add(written);
            }
        }

        if (!OutboundAccount.TryFrom(activity.From, out var from) || !OutboundAccount.TryFrom(activity.Recipient, out var recipient)
            || !OutboundConversation.TryFrom(activity.Conversation, out var conversation))
        {
            return null;
        }

        return new OutboundActivity(activity.Type, activity.ServiceUrl, activity.ChannelId, from, conversation, recipient, activity.ReplyToId,
            activity.Id, activity.Locale, activity.Text, activity.TextFormat, activity.Summary, activity.AttachmentLayout, activity.InputHint,
            attachments, activity.Entities is null ? null : []);
    }

    /// <summary>Every <see cref="Activity"/> property not in <see cref="Written"/> (a test keeps the two lists complete).</summary>
    internal static bool HasUnwrittenFields(Activity a) =>
        a.Timestamp is not null || a.LocalTimestamp is not null || a.LocalTimezone is not null || a.CallerId is not null
        || a.MembersAdded is not null || a.MembersRemoved is not null || a.ReactionsAdded is not null || a.ReactionsRemoved is not null
        || a.TopicName is not null || a.HistoryDisclosed is not null || a.Speak is not null || a.SuggestedActions is not null
        || a.ChannelData is not null || a.Action is not null || a.Label is not null || a.ValueType is not null || a.Value is not null
        || a.Name is not null || a.RelatesTo is not null || a.Code is not null || a.Expiration is not null || a.Importance is not null
        || a.DeliveryMode is not null || a.ListenFor is not null || a.TextHighlights is not null || a.SemanticAction is not null
        || a.Properties is { Count: > 0 };
}

/// <summary>A Bot Framework channel account (<c>from</c>, <c>recipient</c>): Teams user or bot id, display name, Entra object id, role.</summary>
internal sealed record OutboundAccount(string? Id, string? Name, string? AadObjectId, string? Role)
{
    /// <summary>False when the account carries extension data this record would drop.</summary>
    public static bool TryFrom(ChannelAccount? account, out OutboundAccount? written)
    {
        written = account is null ? null : new OutboundAccount(account.Id, account.Name, account.AadObjectId, account.Role);
        return account?.Properties is not { Count: > 0 };
    }
}

/// <summary>A Bot Framework conversation account: id (a channel's thread id carries <c>;messageid=</c>), type, tenant.</summary>
internal sealed record OutboundConversation(bool? IsGroup, string? ConversationType, string? Id, string? Name, string? AadObjectId,
    string? Role, string? TenantId)
{
    public static bool TryFrom(ConversationAccount? conversation, out OutboundConversation? written)
    {
        written = conversation is null
            ? null
            : new OutboundConversation(conversation.IsGroup, conversation.ConversationType, conversation.Id, conversation.Name,
                conversation.AadObjectId, conversation.Role, conversation.TenantId);
        return conversation?.Properties is not { Count: > 0 };
    }
}

/// <summary>An attachment: for this bot an Adaptive Card (<c>application/vnd.microsoft.card.adaptive</c>) whose content is the card's JSON.</summary>
internal sealed record OutboundAttachment(string? ContentType, string? ContentUrl, JToken? Content, string? Name, string? ThumbnailUrl)
{
    public static OutboundAttachment? TryFrom(Attachment attachment) =>
        attachment.Properties is { Count: > 0 } || (attachment.Content is not null and not JToken)
            ? null
            : new OutboundAttachment(attachment.ContentType, attachment.ContentUrl, (JToken?)attachment.Content, attachment.Name,
                attachment.ThumbnailUrl);
}

/// <summary>The Bot Connector's answer to a post: the new activity's id (<c>{"id":"…"}</c>).</summary>
internal sealed record PostedActivity(string? Id);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(JTokenJsonConverter)])]
[JsonSerializable(typeof(OutboundActivity))]
[JsonSerializable(typeof(PostedActivity))]
internal sealed partial class OutboundJsonContext : JsonSerializerContext;
