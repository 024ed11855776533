using System.Text.Json.Nodes;

namespace LearningBot.Slack.Api;

/// <summary>What one Web API call returned. <see cref="Error"/> is Slack's error code (e.g. <c>not_in_channel</c>).</summary>
public sealed record SlackApiResult(bool Ok, string? Error, JsonObject? Body)
{
    public static SlackApiResult Failed(string error) => new(false, error, null);
}

/// <summary>The result of exchanging an OAuth code. <see cref="ToString"/> hides the token.</summary>
public sealed record SlackOAuthResult(bool Ok, string? Error, string TeamId, string TeamName, string BotUserId, string BotToken,
    string InstalledBy)
{
    public override string ToString() =>
        $"SlackOAuthResult {{ Ok = {Ok}, Error = {Error}, TeamId = {TeamId}, TeamName = {TeamName}, BotUserId = {BotUserId}, BotToken = [redacted], InstalledBy = {InstalledBy} }}";
}

/// <summary>
/// The narrow seam to Slack's Web API: the adapter only ever calls these four. A SlackNet-based
/// implementation could replace <see cref="SlackApiClient"/> without touching anything else.
/// </summary>
public interface ISlackApi
{
    /// <summary>Calls a Web API method (e.g. <c>chat.postMessage</c>) with the bot token of <paramref name="teamId"/>.</summary>
    Task<SlackApiResult> CallAsync(string teamId, string method, JsonObject arguments, CancellationToken cancellationToken);

    /// <summary>Posts to a slash command's or interaction's <c>response_url</c> (no token needed).</summary>
    Task<bool> RespondAsync(string responseUrl, JsonObject message, CancellationToken cancellationToken);

    /// <summary><c>oauth.v2.access</c>: trades the install code for the workspace's bot token.</summary>
    Task<SlackOAuthResult> ExchangeCodeAsync(string code, string redirectUri, CancellationToken cancellationToken);

    /// <summary>
    /// <c>apps.connections.open</c> with the app-level token (<c>Slack:AppToken</c>): on success <c>Body["url"]</c> is the
    /// Socket Mode WebSocket URL (<c>wss://…</c>, single use). Errors: <c>invalid_auth</c>/<c>not_authed</c> (wrong token),
    /// <c>missing_scope</c> (no <c>connections:write</c>). https://api.slack.com/methods/apps.connections.open
    /// </summary>
    Task<SlackApiResult> OpenSocketConnectionAsync(CancellationToken cancellationToken);
}
