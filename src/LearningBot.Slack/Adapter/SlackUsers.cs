using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LearningBot.Core.Installations;
using LearningBot.Core.Members;
using LearningBot.Slack.Api;

namespace LearningBot.Slack.Adapter;

/// <param name="TimeZoneId">The IANA zone from the person's Slack profile (<c>tz</c>), if Slack sent one.</param>
/// <param name="IsBot">users.info's <c>is_bot</c> (apps and bots; https://api.slack.com/types/user): never given kudos.</param>
public sealed record SlackUser(string DisplayName, bool IsAdmin, string? TimeZoneId = null, bool IsBot = false);

/// <summary>
/// users.info: the person's display name and whether they administer the workspace (for <c>settings</c>).
/// Answers are cached briefly: one lookup per person per few minutes, not one per command.
/// </summary>
public sealed class SlackUsers(ISlackApi slack, IMemberRepository members, InstallationCache installations, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<(string Team, string User), (SlackUser User, DateTimeOffset Until)> _cache = new();

    public async Task<SlackUser> GetAsync(string teamId, string userId, string? fallbackName, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue((teamId, userId), out var cached) && cached.Until > now)
        {
            return cached.User;
        }

        var result = await slack.CallAsync(teamId, "users.info", new JsonObject { ["user"] = userId }, cancellationToken);
        var user = result.Body?["user"];
        if (!result.Ok || user is null)
        {
            // Without users.info the command still works (under the name we know); only admin-only changes are refused.
            var known = await members.GetDisplayNamesAsync(teamId, [userId], cancellationToken);
            return new SlackUser(known.TryGetValue(userId, out var name) ? name : fallbackName ?? userId, false);
        }

        var displayName = new[]
        {
            user["profile"]?["display_name"]?.GetValue<string>(),
            user["real_name"]?.GetValue<string>(),
            user["profile"]?["real_name"]?.GetValue<string>(),
            user["name"]?.GetValue<string>(),
            fallbackName,
        }.FirstOrDefault(n => !string.IsNullOrWhiteSpace(n)) ?? userId;
        // Workspace admins and owners administer the bot, and so does whoever installed it.
        var isAdmin = user["is_admin"]?.GetValue<bool>() == true || user["is_owner"]?.GetValue<bool>() == true
                      || (await installations.GetAsync(SlackTokenSource.Platform, teamId, cancellationToken))?.InstalledBy == userId;
        var found = new SlackUser(displayName, isAdmin, user["tz"]?.GetValue<string>(), user["is_bot"]?.GetValue<bool>() == true);
        _cache[(teamId, userId)] = (found, now + CacheFor);
        return found;
    }
}
