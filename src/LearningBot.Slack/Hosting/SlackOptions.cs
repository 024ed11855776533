using Microsoft.Extensions.Options;

namespace LearningBot.Slack.Hosting;

/// <summary>Bound from the <c>Slack</c> section (<c>Slack__SigningSecret</c>, <c>Slack__BotToken</c>, …).</summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>Turns Slack on even before the other settings are filled in (so a missing secret fails start-up).</summary>
    public bool Enabled { get; set; }

    /// <summary>Basic Information → Signing Secret. Every request from Slack is checked with it.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>Single-workspace mode: the bot token (<c>xoxb-…</c>) used for every call, instead of OAuth installs.</summary>
    public string? BotToken { get; set; }

    /// <summary>
    /// Socket Mode: the app-level token (<c>xapp-…</c>, Basic Information → App-Level Tokens, scope
    /// <c>connections:write</c>). Set, Slack is received over an outbound WebSocket (no public URL); the bot token or
    /// OAuth installs are still needed for replies. https://api.slack.com/apis/socket-mode
    /// </summary>
    public string? AppToken { get; set; }

    /// <summary>Socket Mode connections kept open at once (1–10; Slack allows 10 per app). Two give zero-gap refreshes.</summary>
    public int SocketConnections { get; set; } = 2;

    /// <summary>First delay before reconnecting a dropped Socket Mode connection; doubles (with jitter) up to <see cref="SocketReconnectMaxDelay"/>.</summary>
    public TimeSpan SocketReconnectBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between Socket Mode reconnect attempts.</summary>
    public TimeSpan SocketReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After Slack refuses the app token (<c>invalid_auth</c>, <c>not_authed</c>, …) the next try waits this long: a wrong
    /// token is not fixed by retrying, and retrying fast would only hit the rate limit.
    /// </summary>
    public TimeSpan SocketAuthRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a new connection may take to say <c>hello</c> before it is given up and retried.</summary>
    public TimeSpan SocketHelloTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Socket Mode is on: <see cref="AppToken"/> is set.</summary>
    public bool UsesSocketMode => !string.IsNullOrWhiteSpace(AppToken);

    /// <summary>OAuth (many workspaces): Basic Information → Client ID / Client Secret.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>
    /// The OAuth callback exactly as registered in the app (e.g. <c>https://bot.example.com/slack/oauth/callback</c>). Empty:
    /// <c>Dashboard__PublicBaseUrl</c> + <c>/slack/oauth/callback</c>; with neither, outside Production only, the request's
    /// own scheme and <c>Host</c> header (a caller-chosen value, so Production refuses to start without a configured one).
    /// </summary>
    public string? RedirectUri { get; set; }

    /// <summary>The path Slack sends the admin back to after an install.</summary>
    public const string CallbackPath = "/slack/oauth/callback";

    /// <summary>
    /// Bot scopes requested at install; they must match the manifest. channels/groups:history only serve the
    /// "Save as shared answer" shortcut (reading the thread of the chosen message).
    /// </summary>
    public string Scopes { get; set; } = "app_mentions:read,channels:history,chat:write,commands,groups:history,im:history,im:write,reactions:read,reactions:write,users:read";

    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    public string AuthorizeUrl { get; set; } = "https://slack.com/oauth/v2/authorize";

    /// <summary>Requests signed longer ago than this are replays; Slack's own guidance is five minutes.</summary>
    public TimeSpan MaxRequestAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Per-attempt timeout for one Web API call.</summary>
    public TimeSpan ApiAttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt for 429, 5xx and timeouts (1–10).</summary>
    public int ApiMaxRetries { get; set; } = 3;

    /// <summary>Base delay of the jittered exponential backoff (Retry-After wins when Slack sends one).</summary>
    public TimeSpan ApiRetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a request waits for its store writes before Slack gets the ack (Slack gives up after 3 s): within it,
    /// an acknowledged command is stored. Slower writes finish in the background (see docs/slack.md).
    /// </summary>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(2.5);

    public bool HasOAuth => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    /// <summary>Slack counts as configured when turned on or when any credential is set.</summary>
    public bool IsConfigured => Enabled || !string.IsNullOrWhiteSpace(SigningSecret) || !string.IsNullOrWhiteSpace(BotToken) || UsesSocketMode
                                || !string.IsNullOrWhiteSpace(ClientId) || !string.IsNullOrWhiteSpace(ClientSecret);
}

/// <summary>Checks <see cref="SlackOptions"/> at start-up.</summary>
/// <param name="isProduction">In Production an OAuth install needs a configured public callback URL (never the Host header).</param>
public sealed class SlackOptionsValidator(bool isProduction = false) : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SigningSecret) && !options.UsesSocketMode)
        {
            // Fail closed: without the secret no request can be verified, so Slack must not be served at all.
            failures.Add("Slack:SigningSecret is required when Slack is enabled (Basic Information → Signing Secret); set Slack__SigningSecret " +
                         "for HTTP mode, or Slack__AppToken (xapp-…) for Socket Mode with no public URL.");
        }

        if (options.AppToken is { } appToken && !string.IsNullOrWhiteSpace(appToken) && !IsAppToken(appToken))
        {
            failures.Add(appToken.StartsWith("xoxb-", StringComparison.Ordinal)
                ? "Slack:AppToken is a bot token (xoxb-…): put it in Slack__BotToken, and set Slack__AppToken to the app-level token (xapp-…, Basic Information → App-Level Tokens, scope connections:write)."
                : "Slack:AppToken should be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write).");
        }

        if (options.AppToken is { Length: > 0 } blank && string.IsNullOrWhiteSpace(blank))
        {
            failures.Add("Slack:AppToken is blank: set the app-level token (xapp-…) for Socket Mode, or remove the setting for HTTP mode.");
        }

        if (options.SocketConnections is < 1 or > 10)
        {
            failures.Add("Slack:SocketConnections must be between 1 and 10 (Slack allows up to 10 Socket Mode connections per app).");
        }

        if (options.SocketReconnectBaseDelay <= TimeSpan.Zero || options.SocketReconnectMaxDelay < options.SocketReconnectBaseDelay
            || options.SocketAuthRetryDelay <= TimeSpan.Zero || options.SocketHelloTimeout <= TimeSpan.Zero)
        {
            failures.Add("Slack:SocketReconnectBaseDelay, SocketAuthRetryDelay and SocketHelloTimeout must be positive, and SocketReconnectMaxDelay at least the base delay.");
        }

        if (string.IsNullOrWhiteSpace(options.BotToken) && !options.HasOAuth)
        {
            failures.Add("Set either Slack__BotToken (one workspace) or both Slack__ClientId and Slack__ClientSecret (OAuth install for many workspaces).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId) != string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            failures.Add("Slack:ClientId and Slack:ClientSecret go together: set both or neither.");
        }

        if (!string.IsNullOrWhiteSpace(options.BotToken) && !options.BotToken.StartsWith("xoxb-", StringComparison.Ordinal))
        {
            failures.Add(IsAppToken(options.BotToken)
                ? "Slack:BotToken is an app-level token (xapp-…): put it in Slack__AppToken for Socket Mode, and set Slack__BotToken to the Bot User OAuth Token (xoxb-…)."
                : "Slack:BotToken should be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token).");
        }

        foreach (var (key, value) in new[] { ("ApiBaseUrl", options.ApiBaseUrl), ("AuthorizeUrl", options.AuthorizeUrl) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                failures.Add($"Slack:{key} '{value}' is not an absolute http(s) URL.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.RedirectUri) && !Uri.TryCreate(options.RedirectUri, UriKind.Absolute, out _))
        {
            failures.Add($"Slack:RedirectUri '{options.RedirectUri}' is not an absolute URL.");
        }

        if (isProduction && options.HasOAuth && string.IsNullOrWhiteSpace(options.RedirectUri))
        {
            // Built from the Host header, the redirect_uri would be whatever the caller sent (host header injection).
            failures.Add("Slack OAuth in Production needs the public callback URL: set Slack__RedirectUri " +
                         $"(e.g. https://bot.example.com{SlackOptions.CallbackPath}) or Dashboard__PublicBaseUrl.");
        }

        if (options.MaxRequestAge <= TimeSpan.Zero || options.MaxRequestAge > TimeSpan.FromMinutes(5))
        {
            failures.Add("Slack:MaxRequestAge must be more than zero and at most 00:05:00 (Slack's replay window).");
        }

        if (options.AckWait <= TimeSpan.Zero || options.AckWait >= TimeSpan.FromSeconds(3))
        {
            failures.Add("Slack:AckWait must be more than zero and less than 00:00:03 (Slack's time limit for an answer).");
        }

        if (options.ApiMaxRetries is < 1 or > 10)
        {
            failures.Add("Slack:ApiMaxRetries must be between 1 and 10.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>An app-level token: <c>xapp-</c>, then the token version, app id and secret (e.g. <c>xapp-1-A0123ABCD-1234567890-0a1b…</c>).</summary>
    private static bool IsAppToken(string token) =>
        token.StartsWith("xapp-", StringComparison.Ordinal) && token.Length > "xapp-".Length && !token.Any(char.IsWhiteSpace);
}
