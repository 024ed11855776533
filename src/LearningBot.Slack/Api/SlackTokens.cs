using LearningBot.Core.Installations;
using LearningBot.Slack.Hosting;
using Microsoft.Extensions.Options;

namespace LearningBot.Slack.Api;

/// <summary>Finds the bot token for a workspace: the single configured token, or the workspace's active OAuth install.</summary>
public interface ISlackTokenSource
{
    Task<string?> GetBotTokenAsync(string teamId, CancellationToken cancellationToken);
}

internal sealed class SlackTokenSource(IOptions<SlackOptions> options, InstallationCache installations) : ISlackTokenSource
{
    public const string Platform = "slack";

    public async Task<string?> GetBotTokenAsync(string teamId, CancellationToken cancellationToken)
    {
        // An OAuth install wins (and an uninstalled one blocks): it is per workspace, the single token is a fallback.
        var installation = await installations.GetAsync(Platform, teamId, cancellationToken);
        if (installation is not null)
        {
            return installation.IsActive ? installation.BotToken : null;
        }

        return string.IsNullOrWhiteSpace(options.Value.BotToken) ? null : options.Value.BotToken;
    }
}
