using System.Collections.Frozen;
using System.Text.Json.Nodes;
using LearningBot.Core.Commands;

namespace LearningBot.Slack.Adapter;

/// <summary>
/// Which <c>message</c> events carry what a person wrote, and who the bot is in an event.
/// Subtypes: https://api.slack.com/events/message (each subtype has its own page, e.g. /events/message/thread_broadcast).
/// </summary>
public static class SlackMessageEvents
{
    /// <summary>
    /// Subtypes that are a person's message, handled like a message without a subtype: <c>thread_broadcast</c> (a thread
    /// reply also sent to the channel), <c>file_share</c> (a message with a file; its text is what the person wrote) and
    /// <c>me_message</c> (<c>/me …</c>).
    /// </summary>
    public static readonly FrozenSet<string> PersonSubtypes = FrozenSet.ToFrozenSet(["thread_broadcast", "file_share", "me_message"], StringComparer.Ordinal);

    /// <summary>
    /// Subtypes that are ignored on purpose (documented in docs/slack.md). Anything not in <see cref="PersonSubtypes"/> is
    /// ignored too — a subtype Slack adds later is far more likely a system message than a person's — this list only names
    /// the known ones. <c>message_changed</c>/<c>message_deleted</c> are edits and deletions: not new messages, but
    /// <c>SlackInbound</c> routes them to <see cref="SlackConversation.MessageChangedAsync"/> / <see cref="SlackConversation.MessageDeletedAsync"/>.
    /// </summary>
    public static readonly FrozenSet<string> IgnoredSubtypes = FrozenSet.ToFrozenSet([
        "bot_message", "channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name", "channel_archive",
        "channel_unarchive", "channel_posting_permissions", "group_join", "group_leave", "group_topic", "group_purpose",
        "group_name", "group_archive", "group_unarchive", "ekm_access_denied", "message_changed", "message_deleted",
        "message_replied", "pinned_item", "unpinned_item", "reminder_add", "bot_add", "bot_remove", "tombstone",
        "joiner_notification", "slackbot_response", "huddle_thread", "assistant_app_thread", "channel_canvas_updated",
    ], StringComparer.Ordinal);

    /// <summary>
    /// True for a person's message: a person subtype or none, a <c>user</c>, no <c>bot_id</c> (the bot's own and other
    /// bots' posts carry one), and not from the bot's own user.
    /// </summary>
    public static bool IsFromPerson(JsonObject evt, string? botUserId)
    {
        var subtype = SlackJson.Str(evt, "subtype");
        var user = SlackJson.Str(evt, "user");
        return (subtype is null || PersonSubtypes.Contains(subtype))
               && !string.IsNullOrEmpty(user) && user != botUserId
               && SlackJson.Str(evt, "bot_id") is null && evt["bot_profile"] is null;
    }

    /// <summary>
    /// The bot's user id in this workspace: from the envelope's <c>authorizations</c> (the installation the event was
    /// sent for: https://api.slack.com/apis/connections/events-api#callback-field), else null.
    /// </summary>
    public static string? BotUserIdFromEnvelope(JsonObject envelope) =>
        (envelope["authorizations"] as JsonArray ?? []).OfType<JsonObject>()
        .Where(a => SlackJson.At(a, "is_bot") is JsonValue v && v.TryGetValue<bool>(out var isBot) && isBot)
        .Select(a => SlackJson.Str(a, "user_id")).FirstOrDefault(id => !string.IsNullOrEmpty(id));

    /// <summary>
    /// Whether a channel message is addressed to the bot, so its <c>app_mention</c> twin handles it (Slack sends both,
    /// in either order, with different event ids). Without the bot's id: a leading mention followed by a command.
    /// </summary>
    public static bool MentionsBot(string text, string? botUserId) =>
        botUserId is not null
            ? SlackText.Mentions(text, botUserId)
            : SlackText.StripLeadingMention(text, null) is var rest && rest != text && CommandParser.StartsWithCommand(rest);
}
