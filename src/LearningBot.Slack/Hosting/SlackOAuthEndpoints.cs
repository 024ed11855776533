using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using LearningBot.Core.Installations;
using LearningBot.Core.Storage;
using LearningBot.Slack.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningBot.Slack.Hosting;

/// <summary>
/// OAuth v2 install: <c>/slack/install</c> sends the admin to Slack with a signed, short-lived <c>state</c>
/// that is also bound to their browser by a cookie; <c>/slack/oauth/callback</c> checks both, exchanges
/// the code and stores the workspace's bot token. A state is good for one code exchange: its nonce is recorded in the
/// store's delivery log (SQLite or Cosmos, so every replica sees it) before the exchange, and a second callback with it
/// is refused. The record only has to outlive the state's 10-minute lifetime, which the signed expiry enforces.
/// See https://api.slack.com/authentication/oauth-v2 (state) and RFC 6749 §10.12.
/// </summary>
internal sealed partial class SlackOAuthEndpoints(IOptions<SlackOptions> options, ISlackApi slack, InstallationCache installations,
    IDeliveryLog usedStates, TimeProvider time, ILogger<SlackOAuthEndpoints> logger)
{
    public const string StateCookie = "learningbot_slack_oauth";

    /// <summary>The delivery-log scope of used OAuth states (not a team id, so no team's records ever mix with it).</summary>
    public const string UsedStateScope = "slack-oauth-state";
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    public IResult Install(HttpContext http)
    {
        var nonce = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
        var expires = time.GetUtcNow().Add(StateLifetime).ToUnixTimeSeconds();
        var state = $"{nonce}.{expires.ToString(CultureInfo.InvariantCulture)}";
        state += "." + Sign(state);
        http.Response.Cookies.Append(StateCookie, nonce, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Lax, // sent on Slack's top-level redirect back to us
            MaxAge = StateLifetime,
            Path = "/slack/oauth",
        });
        var url = QueryHelpers.AddQueryString(options.Value.AuthorizeUrl, new Dictionary<string, string?>
        {
            ["client_id"] = options.Value.ClientId,
            ["scope"] = options.Value.Scopes,
            ["redirect_uri"] = RedirectUri(http),
            ["state"] = state,
        });
        return Results.Redirect(url);
    }

    public async Task<IResult> CallbackAsync(HttpContext http)
    {
        var query = http.Request.Query;
        if (!string.IsNullOrEmpty(query["error"]))
        {
            return Page(StatusCodes.Status400BadRequest, "Install cancelled", "Slack said: " + query["error"] + ". Nothing was installed.");
        }

        if (StateNonce(query["state"].ToString(), http.Request.Cookies[StateCookie]) is not { } nonce)
        {
            LogBadState();
            return Page(StatusCodes.Status400BadRequest, "Install link expired",
                "This install link is invalid or older than 10 minutes. Start again from /slack/install.");
        }

        var code = query["code"].ToString();
        if (code.Length == 0)
        {
            return Page(StatusCodes.Status400BadRequest, "Missing code", "Slack did not send an authorization code. Start again from /slack/install.");
        }

        // Recorded before the exchange: two callbacks racing with the same state get one exchange between them.
        if (!await usedStates.TryRecordAsync(UsedStateScope, nonce, sender: null, time.GetUtcNow(), http.RequestAborted))
        {
            LogReusedState();
            return Page(StatusCodes.Status400BadRequest, "Install link already used",
                "This install link was already used once. To install again, start from /slack/install.");
        }

        var result = await slack.ExchangeCodeAsync(code, RedirectUri(http), http.RequestAborted);
        if (!result.Ok || result.TeamId.Length == 0 || result.BotToken.Length == 0)
        {
            return Page(StatusCodes.Status502BadGateway, "Install failed",
                $"Slack refused the install ({result.Error}). Start again from /slack/install.");
        }

        await installations.SaveAsync(new Installation(SlackTokenSource.Platform, result.TeamId, result.TeamName, result.BotUserId,
            result.BotToken, result.InstalledBy, time.GetUtcNow()), http.RequestAborted);
        http.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = "/slack/oauth" });
        LogInstalled(result.TeamId, result.TeamName, result.InstalledBy);
        return Page(StatusCodes.Status200OK, "LearningBot is installed",
            $"LearningBot is now in {result.TeamName}. Try /learnbot help in any channel, or open the app's Home tab.");
    }

    /// <summary>The state's nonce when it is ours (signature), unexpired and bound to this browser (cookie); otherwise null.</summary>
    private string? StateNonce(string state, string? cookieNonce)
    {
        var parts = state.Split('.');
        if (parts.Length != 3 || cookieNonce is null)
        {
            return null;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[2])))
        {
            return null;
        }

        // The nonce ties the callback to the browser that started the install (login CSRF protection).
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[0]), Encoding.ASCII.GetBytes(cookieNonce)))
        {
            return null;
        }

        return long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
               && time.GetUtcNow().ToUnixTimeSeconds() <= expires
            ? parts[0]
            : null;
    }

    private string Sign(string value)
    {
        // Keyed with the client secret: only this app can mint a state Slack will bring back.
        var key = SHA256.HashData(Encoding.UTF8.GetBytes("learningbot-oauth-state:" + options.Value.ClientSecret));
        return WebEncoders.Base64UrlEncode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)));
    }

    /// <summary>
    /// The configured callback (Slack:RedirectUri, or under Dashboard:PublicBaseUrl). Only outside Production, where
    /// start-up does not require one, is it taken from the request (a local tunnel or a developer machine).
    /// </summary>
    private string RedirectUri(HttpContext http) =>
        string.IsNullOrWhiteSpace(options.Value.RedirectUri)
            ? $"{http.Request.Scheme}://{http.Request.Host}{SlackOptions.CallbackPath}"
            : options.Value.RedirectUri;

    private static IResult Page(int status, string title, string message) => Results.Content(
        $"<!doctype html><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title>" +
        $"<h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(message)}</p>",
        "text/html; charset=utf-8", Encoding.UTF8, status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack OAuth callback with an invalid, expired or unbound state")]
    private partial void LogBadState();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack OAuth callback with a state that was already used (a replay); no code exchange")]
    private partial void LogReusedState();

    [LoggerMessage(Level = LogLevel.Information, Message = "LearningBot installed in Slack workspace {TeamId} ({TeamName}) by {UserId}")]
    private partial void LogInstalled(string teamId, string teamName, string userId);
}
