using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Diagnostics;
using LearningBot.Core.Diagnostics;
using LearningBot.Slack.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningBot.Slack.Api;

/// <summary>
/// Slack's Web API over the named HttpClient <see cref="HttpClientName"/>, whose resilience pipeline
/// retries 429 (honouring Retry-After), 5xx and timeouts. Tokens go only into the Authorization header
/// and are never logged.
/// </summary>
internal sealed partial class SlackApiClient(IHttpClientFactory httpClients, ISlackTokenSource tokens, IOptions<SlackOptions> options,
    ILogger<SlackApiClient> logger, LearningBotMetrics? metrics = null) : ISlackApi
{
    public const string HttpClientName = "slack";

    // Methods that take only form-encoded arguments (Slack accepts JSON bodies for write methods).
    /// <summary>Methods that take form fields, not JSON (Slack's read methods: https://api.slack.com/web#posting_json).</summary>
    private static readonly HashSet<string> FormMethods =
        ["users.info", "conversations.replies", "conversations.history", "chat.getPermalink", "oauth.v2.access"];

    public async Task<SlackApiResult> CallAsync(string teamId, string method, JsonObject arguments, CancellationToken cancellationToken)
    {
        var token = await tokens.GetBotTokenAsync(teamId, cancellationToken);
        if (token is null)
        {
            LogNoToken(teamId, method);
            return SlackApiResult.Failed("no_active_installation");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, method);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = FormMethods.Contains(method)
            ? new FormUrlEncodedContent(arguments.Select(p => KeyValuePair.Create(p.Key, p.Value?.ToString() ?? string.Empty)))
            : JsonContent.Create(arguments, options: JsonOptions);
        return await SendAsync(teamId, method, request, cancellationToken);
    }

    public async Task<bool> RespondAsync(string responseUrl, JsonObject message, CancellationToken cancellationToken)
    {
        if (!IsSlackResponseUrl(responseUrl))
        {
            // The payload is signed, but a response_url is still an address we POST to: only Slack's own.
            LogResponseUrlRefused();
            return false;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(responseUrl, UriKind.Absolute))
        {
            Content = JsonContent.Create(message, options: JsonOptions),
        };
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogResponseUrlFailed((int)response.StatusCode);
            }

            Record("response_url", response.IsSuccessStatusCode ? "ok" : "http_" + (int)response.StatusCode, started);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            LogTransportFailed(ex, "response_url", "-");
            Record("response_url", "transport_error", started);
            return false;
        }
    }

    public async Task<SlackOAuthResult> ExchangeCodeAsync(string code, string redirectUri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth.v2.access")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = options.Value.ClientId ?? string.Empty,
                ["client_secret"] = options.Value.ClientSecret ?? string.Empty,
                ["code"] = code,
                ["redirect_uri"] = redirectUri,
            }),
        };
        var result = await SendAsync("-", "oauth.v2.access", request, cancellationToken);
        var body = result.Body;
        if (!result.Ok || body is null)
        {
            return new SlackOAuthResult(false, result.Error ?? "unknown_error", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
        }

        return new SlackOAuthResult(true, null,
            body["team"]?["id"]?.GetValue<string>() ?? string.Empty,
            body["team"]?["name"]?.GetValue<string>() ?? string.Empty,
            body["bot_user_id"]?.GetValue<string>() ?? string.Empty,
            body["access_token"]?.GetValue<string>() ?? string.Empty,
            body["authed_user"]?["id"]?.GetValue<string>() ?? string.Empty);
    }

    public async Task<SlackApiResult> OpenSocketConnectionAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "apps.connections.open")
        {
            Content = new FormUrlEncodedContent([]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.AppToken);
        return await SendAsync("-", "apps.connections.open", request, cancellationToken);
    }

    private async Task<SlackApiResult> SendAsync(string teamId, string method, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await SendCoreAsync(teamId, method, request, cancellationToken);
        // Outcome: "ok", Slack's error code (a small fixed set) or http_NNN / transport_error.
        Record(method, result.Ok ? "ok" : result.Error ?? "unknown_error", started);
        return result;
    }

    private void Record(string operation, string outcome, long started) =>
        metrics?.PlatformCall("slack", operation, outcome, Stopwatch.GetElapsedTime(started));

    private async Task<SlackApiResult> SendCoreAsync(string teamId, string method, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // Still failing after the retries (or a 4xx that retrying cannot fix).
                LogHttpFailed(method, teamId, (int)response.StatusCode);
                return SlackApiResult.Failed("http_" + (int)response.StatusCode);
            }

            var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            if (body?["ok"]?.GetValue<bool>() == true)
            {
                return new SlackApiResult(true, null, body);
            }

            var error = body?["error"]?.GetValue<string>() ?? "unknown_error";
            LogSlackError(method, teamId, error, Explain(method, error));
            return new SlackApiResult(false, error, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or Polly.Timeout.TimeoutRejectedException)
        {
            LogTransportFailed(ex, method, teamId);
            return SlackApiResult.Failed("transport_error");
        }
    }

    /// <summary>Slack's response URLs live on hooks.slack.com; a configured fake Slack (ApiBaseUrl) is trusted the same way.</summary>
    internal bool IsSlackResponseUrl(string responseUrl)
    {
        if (!Uri.TryCreate(responseUrl, UriKind.Absolute, out var uri))
        {
            return false;
        }

        if (uri.Scheme == Uri.UriSchemeHttps && (uri.Host == "hooks.slack.com" || uri.Host.EndsWith(".slack.com", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        return Uri.TryCreate(options.Value.ApiBaseUrl, UriKind.Absolute, out var api)
               && uri.Scheme == api.Scheme && uri.Authority.Equals(api.Authority, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>What an operator should do about Slack's most common error codes.</summary>
    internal static string Explain(string method, string error) => (method, error) switch
    {
        ("apps.connections.open", "invalid_auth" or "not_authed" or "token_revoked" or "account_inactive") =>
            "the app-level token is wrong or revoked; set Slack__AppToken to an xapp-… token (Basic Information → App-Level Tokens)",
        ("apps.connections.open", "missing_scope") => "the app-level token lacks connections:write; create one with that scope",
        _ => Explain(error),
    };

    /// <summary>What an operator should do about Slack's most common error codes.</summary>
    internal static string Explain(string error) => error switch
    {
        "not_in_channel" => "the bot is not a member of that channel; invite it with /invite",
        "channel_not_found" => "the channel does not exist or the bot cannot see it",
        "invalid_auth" or "not_authed" => "the bot token is wrong; reinstall the app or fix Slack__BotToken",
        "token_revoked" or "account_inactive" => "the workspace revoked the token or uninstalled the app",
        "missing_scope" => "the app lacks a scope; add it in the manifest and reinstall",
        "ratelimited" => "Slack rate limit still exceeded after retries",
        "expired_trigger_id" => "the modal was opened more than 3 seconds after the user's action",
        "invalid_blocks" or "invalid_blocks_format" => "Slack rejected the Block Kit JSON (a bug in the renderer)",
        "user_not_found" => "no such user in that workspace",
        "invalid_code" or "code_already_used" => "the OAuth code is invalid or was already used; start the install again",
        "bad_redirect_uri" => "Slack:RedirectUri does not match the app's redirect URL",
        _ => "see https://api.slack.com/methods for this error code",
    };

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} for team {TeamId} skipped: no active install or bot token for that workspace")]
    private partial void LogNoToken(string teamId, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} for team {TeamId} failed: {Error} ({Meaning})")]
    private partial void LogSlackError(string method, string teamId, string error, string meaning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} for team {TeamId} failed with HTTP {Status} after retries")]
    private partial void LogHttpFailed(string method, string teamId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a response_url that is not on slack.com")]
    private partial void LogResponseUrlRefused();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack response_url answered HTTP {Status}")]
    private partial void LogResponseUrlFailed(int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Method} for team {TeamId} could not be sent")]
    private partial void LogTransportFailed(Exception exception, string method, string teamId);
}
