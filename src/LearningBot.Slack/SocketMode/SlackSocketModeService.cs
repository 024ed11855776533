using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using LearningBot.Core.Diagnostics;
using LearningBot.Slack.Api;
using LearningBot.Slack.Hosting;
using LearningBot.Slack.Inbound;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningBot.Slack.SocketMode;

/// <summary>
/// Slack over Socket Mode (https://api.slack.com/apis/socket-mode): keeps <see cref="SlackOptions.SocketConnections"/>
/// WebSockets open, each from its own <c>apps.connections.open</c> URL, and hands every envelope to
/// <see cref="SlackInbound"/> — the handler the HTTP endpoints use — acknowledging it with the answer it returns.
/// A <c>disconnect</c> (<c>warning</c>, <c>refresh_requested</c>) opens the replacement first and closes the old
/// connection after, so nothing falls in a gap; a dropped connection is reopened with jittered exponential backoff; a
/// refused app token waits <see cref="SlackOptions.SocketAuthRetryDelay"/> (never a tight loop).
/// </summary>
internal sealed partial class SlackSocketModeService(IOptions<SlackOptions> options, ISlackApi slack, SlackInbound inbound,
    SlackSocketModeState state, TimeProvider time, ILogger<SlackSocketModeService> logger, LearningBotMetrics? metrics = null,
    ChatActivity? activity = null) : BackgroundService
{
    /// <summary>Slack closes a connection about 10 s after its <c>disconnect</c> warning; if it has not, we do.</summary>
    private static readonly TimeSpan RetireAfter = TimeSpan.FromSeconds(10);

    /// <summary>Envelopes handled at once across all connections (as the HTTP side limits chat requests).</summary>
    private readonly SemaphoreSlim _concurrency = new(64, 64);

    private readonly TaskCompletionSource _firstOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _retiring = [];

    private static readonly HashSet<string> AuthErrors = ["invalid_auth", "not_authed", "token_revoked", "account_inactive", "missing_scope", "not_allowed_token_type"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarting(options.Value.SocketConnections);
        await Task.WhenAll(Enumerable.Range(0, options.Value.SocketConnections).Select(slot => RunSlotAsync(slot, stoppingToken)));
        Task[] retiring;
        lock (_retiring)
        {
            retiring = [.. _retiring];
        }

        await Task.WhenAll(retiring);
    }

    private async Task RunSlotAsync(int slot, CancellationToken stopping)
    {
        await Task.Yield();
        SlackSocketConnection? current = null;
        var failures = 0;
        try
        {
            if (slot > 0)
            {
                // The others open once the first one works: a wrong token or a Slack outage costs one call, not one per slot.
                await _firstOpen.Task.WaitAsync(stopping);
            }

            while (!stopping.IsCancellationRequested)
            {
                SlackSocketConnection next;
                try
                {
                    next = await OpenAsync(slot, stopping);
                }
                catch (SocketOpenFailure failure)
                {
                    failures++;
                    var delay = failure.IsAuth ? options.Value.SocketAuthRetryDelay : Backoff(failures);
                    state.Problem(failure.Message);
                    metrics?.SocketReconnect(failure.IsAuth ? "auth_failed" : "open_failed");
                    if (failure.IsAuth)
                    {
                        LogAuthFailed(failure.Message, delay);
                    }
                    else
                    {
                        LogOpenFailed(slot, failure.Message, delay);
                    }

                    await Task.Delay(delay, time, stopping);
                    continue;
                }

                failures = 0;
                _firstOpen.TrySetResult();
                if (current is not null)
                {
                    Retire(current, stopping); // the new one is up: the old one finishes its envelopes and closes
                }

                current = next;
                LogOpen(slot, state.OpenConnections);
                var reason = await current.Ended.WaitAsync(stopping);
                metrics?.SocketReconnect(reason is "refresh_requested" or "warning" or "link_disabled" or "dropped" or "too_many_websockets" ? reason : "other");
                switch (reason)
                {
                    case "warning" or "refresh_requested":
                        LogRefresh(slot, reason); // a new connection now; the old one closes after it is up
                        break;
                    case "dropped":
                        current = null;
                        failures++;
                        var delay = Backoff(failures);
                        LogReconnecting(slot, delay);
                        await Task.Delay(delay, time, stopping);
                        break;
                    case "link_disabled":
                        // Socket Mode was turned off for the app: reconnecting cannot help until someone turns it on.
                        state.Problem("Socket Mode is turned off for this app in Slack (link_disabled)");
                        LogLinkDisabled(options.Value.SocketAuthRetryDelay);
                        Retire(current, stopping);
                        current = null;
                        await Task.Delay(options.Value.SocketAuthRetryDelay, time, stopping);
                        break;
                    default:
                        // e.g. too_many_websockets (other instances of the app hold Slack's 10): back off before trying again.
                        failures++;
                        var wait = Backoff(failures);
                        LogOtherDisconnect(slot, reason, wait);
                        Retire(current, stopping);
                        current = null;
                        await Task.Delay(wait, time, stopping);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down.
        }

        if (current is not null)
        {
            await current.CloseAsync(options.Value.AckWait);
        }
    }

    /// <summary>apps.connections.open, then the WebSocket and its hello.</summary>
    private async Task<SlackSocketConnection> OpenAsync(int slot, CancellationToken stopping)
    {
        var opened = await slack.OpenSocketConnectionAsync(stopping);
        if (!opened.Ok)
        {
            var error = opened.Error ?? "unknown_error";
            var isAuth = AuthErrors.Contains(error);
            throw new SocketOpenFailure(
                $"apps.connections.open: {error} ({SlackApiClient.Explain("apps.connections.open", error)})", isAuth);
        }

        var url = opened.Body?["url"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !AllowedScheme(uri))
        {
            throw new SocketOpenFailure("apps.connections.open returned no wss:// URL", isAuth: false);
        }

        try
        {
            return await SlackSocketConnection.OpenAsync(slot, uri, options.Value.SocketHelloTimeout, HandleAsync, state, time, logger, metrics, stopping);
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException or HttpRequestException)
        {
            throw new SocketOpenFailure($"could not connect to {uri.Host}:{uri.Port}: {ex.Message}", isAuth: false);
        }
    }

    /// <summary>Slack's URLs are wss://; ws:// only when the Web API itself is plain http (a local fake Slack in tests).</summary>
    private bool AllowedScheme(Uri uri) =>
        uri.Scheme == "wss" || (uri.Scheme == "ws" && options.Value.ApiBaseUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase));

    private void Retire(SlackSocketConnection old, CancellationToken stopping)
    {
        var closing = Task.Run(async () =>
        {
            await Task.WhenAny(old.Closed, Task.Delay(RetireAfter, time, stopping));
            await old.CloseAsync(options.Value.AckWait);
        });
        lock (_retiring)
        {
            _retiring.RemoveAll(t => t.IsCompleted);
            _retiring.Add(closing);
        }
    }

    /// <summary>Equal-jitter exponential backoff: half of base·2ⁿ⁻¹ (capped) plus a random part of the other half.</summary>
    private TimeSpan Backoff(int failures)
    {
        var (baseDelay, max) = (options.Value.SocketReconnectBaseDelay, options.Value.SocketReconnectMaxDelay);
        var exponential = Math.Min(max.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20)));
        return TimeSpan.FromMilliseconds(exponential / 2 + Random.Shared.NextDouble() * exponential / 2);
    }

    /// <summary>
    /// One envelope through the shared inbound handler; what it returns is the ack. Counted in <see cref="ChatActivity"/> while
    /// it is handled, as an HTTP request is by <c>UseChatActivity</c> (the WebSocket itself is not a request), so background work
    /// that waits for a gap in chat (the embedder) waits for Socket Mode traffic too.
    /// </summary>
    private async Task<SlackAck> HandleAsync(SlackEnvelope envelope)
    {
        using var busy = activity?.Enter();
        if (envelope.RetryAttempt > 0)
        {
            LogRedelivery(envelope.Type, envelope.RetryAttempt, envelope.RetryReason ?? "-");
        }

        await _concurrency.WaitAsync();
        try
        {
            var payload = envelope.Payload;
            var ack = envelope.Type switch
            {
                SlackEnvelope.SlashCommands when payload is not null =>
                    await inbound.CommandAsync(Fields(payload), () => SlackInbound.Hash(Encoding.UTF8.GetBytes(payload.ToJsonString())),
                        replyInAck: envelope.AcceptsResponsePayload),
                SlackEnvelope.EventsApi => await inbound.EventAsync(payload, envelope.RetryAttempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    CancellationToken.None),
                SlackEnvelope.Interactive => await inbound.InteractionAsync(payload),
                SlackEnvelope.SlashCommands => SlackAck.Invalid("a slash_commands envelope without a payload"),
                _ => SlackAck.Ok, // a type this app does not know: acknowledged, so Slack does not resend it
            };
            if (ack.Kind == SlackAckKind.Invalid)
            {
                LogInvalid(envelope.Type, ack.Reason ?? "-");
            }

            return ack;
        }
        catch (Exception ex)
        {
            LogFailed(ex, envelope.Type);
            return SlackAck.Failed;
        }
        finally
        {
            _concurrency.Release();
        }
    }

    /// <summary>A slash command's payload: the same fields as the HTTP form, as a JSON object of strings.</summary>
    private static Dictionary<string, string> Fields(JsonObject payload) =>
        payload.Where(p => p.Value is not null).ToDictionary(p => p.Key,
            p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : p.Value!.ToJsonString(), StringComparer.Ordinal);

    private sealed class SocketOpenFailure(string message, bool isAuth) : Exception(message)
    {
        public bool IsAuth { get; } = isAuth;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack Socket Mode: keeping {Count} connection(s) open (no public URL needed)")]
    private partial void LogStarting(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack Socket Mode connection {Slot} open ({Open} open)")]
    private partial void LogOpen(int slot, int open);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack Socket Mode connection {Slot}: disconnect ({Reason}); a new connection is opened before the old one closes")]
    private partial void LogRefresh(int slot, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack Socket Mode connection {Slot}: disconnect ({Reason}); reconnecting in {Delay}")]
    private partial void LogOtherDisconnect(int slot, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack Socket Mode connection {Slot} lost; reconnecting in {Delay}")]
    private partial void LogReconnecting(int slot, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack Socket Mode connection {Slot} could not open: {Problem}; retrying in {Delay}")]
    private partial void LogOpenFailed(int slot, string problem, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack refused the app-level token, so Socket Mode cannot connect: {Problem}. Next try in {Delay}.")]
    private partial void LogAuthFailed(string problem, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Socket Mode is turned off for this app in Slack (link_disabled): turn it on under Settings → Socket Mode, or remove Slack__AppToken to use HTTP. Next try in {Delay}.")]
    private partial void LogLinkDisabled(TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack redelivered a {Type} envelope (retry {Attempt}, {Reason})")]
    private partial void LogRedelivery(string type, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack {Type} envelope acknowledged but not handled: {Reason}")]
    private partial void LogInvalid(string type, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack {Type} envelope failed; not acknowledged, so Slack can redeliver it")]
    private partial void LogFailed(Exception exception, string type);
}
