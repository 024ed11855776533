using Microsoft.Bot.Schema;
using Microsoft.Bot.Schema.Teams;

namespace LearningBot.Teams.Messages;

/// <summary>
/// How Teams identities map onto the shared pipeline's ids.
/// Team: <c>msteams:{tenantId}</c>. One Entra tenant is one learning space, like one Slack workspace, so a
/// person's learnings, kudos budget and shared answers are the same in their 1:1 chat with the bot, in
/// group chats and in every team channel of the organisation.
/// User: the Entra object id (stable across chats and bot registrations), or the Teams user id (<c>29:…</c>)
/// when Teams did not send one.
/// </summary>
public static class TeamsIds
{
    public const string Platform = "msteams";

    public static string TeamId(string? tenantId) => $"{Platform}:{(string.IsNullOrWhiteSpace(tenantId) ? "unknown-tenant" : tenantId)}";

    public static string TeamId(IActivity activity) => TeamId(TenantId(activity));

    public static string? TenantId(IActivity activity) =>
        activity.Conversation?.TenantId ?? (activity as Activity)?.GetChannelData<TeamsChannelData>()?.Tenant?.Id;

    public static string UserId(ChannelAccount account) =>
        string.IsNullOrWhiteSpace(account.AadObjectId) ? account.Id : account.AadObjectId;

    /// <summary>
    /// Whether the sender is a configured admin: only by Entra object id (<c>from.aadObjectId</c>), never by the Teams user id
    /// (<c>from.id</c>), which is per bot and is all some callers send; a sender without an object id is never an admin.
    /// </summary>
    public static bool IsAdmin(ChannelAccount? sender, IReadOnlySet<string> adminObjectIds) =>
        sender?.AadObjectId is { Length: > 0 } objectId && adminObjectIds.Contains(objectId);

    /// <summary>Where an activity id is unique, and the key of a stored conversation.</summary>
    public static string ConversationKey(string conversationId) => $"{Platform}:{conversationId}";

    /// <summary>
    /// A message as a learning's source (<see cref="Core.Commands.IncomingMessage.SourceMessage"/>): <c>msteams:{conversation}:{activity id}</c>,
    /// with a channel thread's conversation id cut to the channel (the activity id is unique there), so the message event and
    /// its later <c>messageUpdate</c>/<c>messageDelete</c> name it alike.
    /// </summary>
    public static string SourceMessage(IActivity activity) =>
        $"{Platform}:{Thread(activity.Conversation?.Id ?? "unknown").Channel}:{activity.Id}";

    /// <summary>
    /// A channel message's conversation id names its thread: <c>19:…@thread.tacv2;messageid={root post id}</c>.
    /// Splits it into the channel and the root post (null outside a thread).
    /// </summary>
    public static (string Channel, string? RootMessageId) Thread(string conversationId)
    {
        const string marker = ";messageid=";
        var at = conversationId.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? (conversationId, null) : (conversationId[..at], conversationId[(at + marker.Length)..]);
    }
}
