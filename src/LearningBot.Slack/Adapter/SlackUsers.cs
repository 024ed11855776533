using System.Text.Json.Nodes;
using LearningBot.Slack.Api;

namespace LearningBot.Slack.Adapter;

public sealed record SlackUser(string DisplayName, bool IsAdmin);

/// <summary>users.info: the person's display name and whether they administer the workspace (for <c>settings</c>).</summary>
public sealed class SlackUsers(ISlackApi slack)
{
    public async Task<SlackUser> GetAsync(string teamId, string userId, string? fallbackName, CancellationToken cancellationToken)
    {
        var result = await slack.CallAsync(teamId, "users.info", new JsonObject { ["user"] = userId }, cancellationToken);
        var user = result.Body?["user"];
        if (!result.Ok || user is null)
        {
            // Without users.info the command still works; only admin-only settings changes are refused.
            return new SlackUser(fallbackName ?? userId, false);
        }

        var name = new[]
        {
            user["profile"]?["display_name"]?.GetValue<string>(),
            user["real_name"]?.GetValue<string>(),
            user["profile"]?["real_name"]?.GetValue<string>(),
            user["name"]?.GetValue<string>(),
            fallbackName,
        }.FirstOrDefault(n => !string.IsNullOrWhiteSpace(n)) ?? userId;
        var isAdmin = user["is_admin"]?.GetValue<bool>() == true || user["is_owner"]?.GetValue<bool>() == true;
        return new SlackUser(name, isAdmin);
    }
}
