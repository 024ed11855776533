using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using LearningBot.Core.Diagnostics;
using LearningBot.Slack.Inbound;
using Microsoft.Extensions.Logging;

namespace LearningBot.Slack.SocketMode;

/// <summary>
/// One Socket Mode WebSocket (.NET's <see cref="ClientWebSocket"/>: framing, pings and close handshake are its job).
/// It reads Slack's messages one after another and handles each envelope on its own task, so a slow store write never
/// delays the next envelope's ack; acks are sent one at a time (a WebSocket allows one send at once).
/// </summary>
internal sealed partial class SlackSocketConnection : IAsyncDisposable
{
    /// <summary>Slack's payloads are small; a message far larger is not Slack (the HTTP endpoints use the same limit).</summary>
    private const int MaxMessageBytes = 1024 * 1024;

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly Func<SlackEnvelope, Task<SlackAck>> _handle;
    private readonly SlackSocketModeState _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LearningBotMetrics? _metrics;
    private Task _receiving = Task.CompletedTask;
    private int _counted;

    private SlackSocketConnection(int slot, Func<SlackEnvelope, Task<SlackAck>> handle, SlackSocketModeState state, TimeProvider time,
        ILogger logger, LearningBotMetrics? metrics)
    {
        Slot = slot;
        _handle = handle;
        _state = state;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        // Pings find a connection that died without a close (a NAT or proxy dropping it); a missing pong ends it.
        _socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        _socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>Which of the service's connections this is (0 … SocketConnections-1), for logs.</summary>
    public int Slot { get; }

    /// <summary>
    /// Completes when the slot should open a replacement: with Slack's <c>disconnect</c> reason (<c>warning</c>,
    /// <c>refresh_requested</c>, <c>link_disabled</c>, …) while this connection still works, or <c>dropped</c> once it is gone.
    /// </summary>
    public Task<string> Ended => _ended.Task;

    /// <summary>Completes when the connection is closed (by either side, or dropped).</summary>
    public Task Closed => _receiving;

    /// <summary>Connects to the URL from <c>apps.connections.open</c> and waits for Slack's <c>hello</c>.</summary>
    /// <exception cref="WebSocketException">The server could not be reached or refused the upgrade.</exception>
    /// <exception cref="TimeoutException">No <c>hello</c> within <paramref name="helloTimeout"/>.</exception>
    public static async Task<SlackSocketConnection> OpenAsync(int slot, Uri url, TimeSpan helloTimeout, Func<SlackEnvelope, Task<SlackAck>> handle,
        SlackSocketModeState state, TimeProvider time, ILogger logger, LearningBotMetrics? metrics, CancellationToken cancellationToken)
    {
        var connection = new SlackSocketConnection(slot, handle, state, time, logger, metrics);
        try
        {
            using var connectTimeout = new CancellationTokenSource(helloTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(connectTimeout.Token, cancellationToken);
            try
            {
                await connection._socket.ConnectAsync(url, linked.Token);
            }
            catch (OperationCanceledException) when (connectTimeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"connecting took longer than {helloTimeout}");
            }

            connection._receiving = connection.ReceiveAsync();
            await connection._hello.Task.WaitAsync(helloTimeout, time, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Closes after the envelopes being handled have been acknowledged (at most <paramref name="drain"/>), with a normal
    /// close handshake, so nothing Slack sent here is left without its ack.
    /// </summary>
    public async Task CloseAsync(TimeSpan drain)
    {
        try
        {
            await Task.WhenAll(_inFlight.Keys).WaitAsync(drain, _time);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Slack redelivers whatever was not acknowledged.
        }

        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "replaced", timeout.Token);
                await _receiving.WaitAsync(TimeSpan.FromSeconds(5), _time);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // Already gone: nothing more to close.
        }

        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        _socket.Abort();
        try
        {
            await _receiving;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // ended by the abort
        }

        _socket.Dispose();
    }

    private async Task ReceiveAsync()
    {
        await Task.Yield(); // the caller goes on to wait for hello
        var chunk = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(chunk, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    LogClosedBySlack(Slot, result.CloseStatus?.ToString() ?? "-", result.CloseStatusDescription ?? string.Empty);
                    break;
                }

                message.Write(chunk, 0, result.Count);
                if (message.Length > MaxMessageBytes)
                {
                    LogTooLarge(Slot, MaxMessageBytes);
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "message too large", CancellationToken.None);
                    break;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    Dispatch(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested)
            {
                LogDropped(Slot, ex.Message);
            }
        }
        finally
        {
            if (Interlocked.Exchange(ref _counted, 0) == 1)
            {
                _state.ConnectionClosed();
            }

            _hello.TrySetException(new WebSocketException("closed before hello"));
            _ended.TrySetResult("dropped");
        }
    }

    private void Dispatch(string text)
    {
        var received = _time.GetTimestamp();
        var envelope = SlackEnvelope.Parse(text);
        switch (envelope?.Type)
        {
            case null:
                LogUnreadable(Slot);
                return;
            case SlackEnvelope.Hello:
                if (Interlocked.Exchange(ref _counted, 1) == 0)
                {
                    _state.ConnectionOpened();
                }

                _hello.TrySetResult();
                return;
            case SlackEnvelope.Disconnect:
                // The connection still works for a while (Slack: about 10 s after a warning): the slot opens a new one
                // first and closes this one after, so no envelope falls in a gap.
                _ended.TrySetResult(envelope.Reason ?? "warning");
                return;
            default:
                if (envelope.EnvelopeId is null)
                {
                    LogUnreadable(Slot);
                    return;
                }

                var task = HandleAsync(envelope, received);
                _inFlight.TryAdd(task, 0);
                _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
                return;
        }
    }

    private async Task HandleAsync(SlackEnvelope envelope, long received)
    {
        // Off the receive loop first: the store runs synchronously on the caller's thread until its first real wait
        // (SlackWorkQueue.RunBeforeAckAsync), and the loop must go on reading the next envelopes meanwhile.
        await Task.Yield();
        var ack = await _handle(envelope);
        var outcome = "not_acked";
        if (ack.Acknowledges)
        {
            outcome = await TrySendAsync(envelope.Ack(ack.Body)) ? "acked" : "ack_failed";
        }

        _metrics?.SocketAck(envelope.Type, outcome, _time.GetElapsedTime(received));
    }

    private async Task<bool> TrySendAsync(string text)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection went away before the ack: Slack redelivers the envelope (the delivery log makes that a no-op).
            LogAckLost(Slot, ex.Message);
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack closed Socket Mode connection {Slot}: {Status} {Description}")]
    private partial void LogClosedBySlack(int slot, string status, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack Socket Mode connection {Slot} dropped: {Reason}")]
    private partial void LogDropped(int slot, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack Socket Mode connection {Slot}: a message over {Max} bytes; closing")]
    private partial void LogTooLarge(int slot, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack Socket Mode connection {Slot}: ignored a message that is not an envelope")]
    private partial void LogUnreadable(int slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack Socket Mode connection {Slot}: an ack could not be sent ({Reason}); Slack will redeliver")]
    private partial void LogAckLost(int slot, string reason);
}
