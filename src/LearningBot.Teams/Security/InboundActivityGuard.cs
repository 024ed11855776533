using System.Security.Claims;
using LearningBot.Core.Conversations;
using LearningBot.Teams.Hosting;
using LearningBot.Teams.Messages;
using Microsoft.Bot.Schema;
using Microsoft.Bot.Schema.Teams;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace LearningBot.Teams.Security;

/// <summary>
/// Decides whether an authenticated activity may act in the tenant it names. Bot Framework's token proves that the
/// activity came through a channel of this bot's registration, not which channel or tenant: its signing keys serve
/// every channel (Web Chat, Direct Line, …), where the caller writes <c>channelData</c>, <c>conversation</c> and
/// <c>from</c> itself. So, before any handler runs:
/// <list type="number">
/// <item>the channel must be one of <see cref="TeamsOptions.AcceptedChannels"/> (<c>msteams</c> by default);</item>
/// <item>the tenant must be named, and every place that names it must agree: <c>conversation.tenantId</c>,
/// <c>channelData.tenant.id</c> and, when the token has one, its <c>tid</c> claim;</item>
/// <item>a conversation the bot already stored must belong to that tenant, and a stored 1:1 chat to that sender, so an
/// activity cannot re-point, deactivate or post into another tenant's (or person's) conversation by naming its id.</item>
/// </list>
/// Teams ids: <see href="https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/conversation-basics"/>;
/// channel ids: <see href="https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference"/>.
/// </summary>
public sealed class InboundActivityGuard(IConversationRepository conversations, IOptions<TeamsOptions> options)
{
    /// <summary>
    /// The Entra tenant id claim of Microsoft Entra-issued tokens (<c>tid</c>), and the name Bot Framework's
    /// JwtSecurityTokenHandler maps it to when it reads the token (its default inbound claim type map).
    /// </summary>
    private static readonly string[] TenantClaims = ["tid", "http://schemas.microsoft.com/identity/claims/tenantid"];

    private readonly IReadOnlySet<string> _channels = options.Value.AcceptedChannels;

    /// <summary>Throws <see cref="ActivityRefusedException"/> unless the activity may act in the tenant it names.</summary>
    /// <param name="caller">The identity Bot Framework validated (anonymous in local mode, without claims).</param>
    /// <returns>The conversation as stored (null when the bot has not stored it), read for the check: the turn reuses it
    /// (<see cref="Conversations.TeamsConversations.SaveIfChangedAsync"/>) instead of reading it again.</returns>
    public async Task<StoredConversation?> CheckAsync(IActivity activity, ClaimsIdentity? caller, CancellationToken cancellationToken)
    {
        if (activity.ChannelId is not { Length: > 0 } channel || !_channels.Contains(channel))
        {
            throw new ActivityRefusedException(403,
                $"This bot only accepts activities from {string.Join(", ", _channels.Order(StringComparer.Ordinal))}; the activity's channelId is not one of them.");
        }

        var tenant = ConsistentTenant(activity, caller);
        var teamId = TeamsIds.TeamId(tenant);
        var (channelOrChat, _) = TeamsIds.Thread(activity.Conversation!.Id);
        var stored = await conversations.GetAsync(TeamsIds.ConversationKey(channelOrChat), cancellationToken);
        if (stored is null)
        {
            return null;
        }

        if (!string.Equals(stored.TeamId, teamId, StringComparison.Ordinal))
        {
            throw new ActivityRefusedException(403, "This conversation belongs to another tenant than the activity names.");
        }

        if (stored.Kind == ConversationKind.Personal && activity.From is { } from && stored.UserId is { } owner
            && !string.Equals(owner, TeamsIds.UserId(from), StringComparison.OrdinalIgnoreCase))
        {
            throw new ActivityRefusedException(403, "This 1:1 chat belongs to another person than the activity's sender.");
        }

        return stored;
    }

    private static string? TokenTenant(ClaimsIdentity? caller) =>
        caller?.Claims.FirstOrDefault(c => TenantClaims.Contains(c.Type, StringComparer.Ordinal))?.Value;

    private static string ConsistentTenant(IActivity activity, ClaimsIdentity? caller)
    {
        string? fromChannelData;
        if (activity.ChannelData is not null and not JObject)
        {
            // Teams always sends an object; a string or array here cannot say which tenant it is.
            throw new ActivityRefusedException(400, "The activity's channelData is not Teams channel data.");
        }

        try
        {
            fromChannelData = (activity as Activity)?.GetChannelData<TeamsChannelData>()?.Tenant?.Id;
        }
        catch (JsonException)
        {
            throw new ActivityRefusedException(400, "The activity's channelData is not Teams channel data.");
        }

        var named = new[] { activity.Conversation?.TenantId, fromChannelData, TokenTenant(caller) }
            .Where(t => !string.IsNullOrWhiteSpace(t))
            .ToList();
        if (string.IsNullOrWhiteSpace(activity.Conversation?.TenantId) && string.IsNullOrWhiteSpace(fromChannelData))
        {
            throw new ActivityRefusedException(400, "The activity names no tenant (conversation.tenantId and channelData.tenant.id are both missing).");
        }

        if (named.Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1)
        {
            throw new ActivityRefusedException(403,
                "The activity names different tenants in conversation.tenantId, channelData.tenant.id and the token's tid claim.");
        }

        return named[0]!;
    }
}
