using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LearningBot.Slack.Tests.SocketMode;

/// <summary>
/// A loopback stand-in for Slack's Socket Mode server (a Kestrel WebSocket endpoint): every connection to
/// <c>/link/</c> gets Slack's <c>hello</c>; a test sends envelopes and <c>disconnect</c> messages on a chosen connection,
/// closes or drops it, and reads the acks the app sent back (with how long each took from the envelope's send).
/// Message shapes as Slack documents them (https://api.slack.com/apis/socket-mode) and as Slack's own SDK tests use them.
/// </summary>
public sealed class FakeSocketModeServer : IAsyncDisposable
{
    public const string AppId = "A0LEARN";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Connection> _connections = new();
    private readonly ConcurrentDictionary<string, long> _sentAt = new();
    private readonly ConcurrentQueue<Ack> _acks = new();
    private int _nextId;

    private FakeSocketModeServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>What <c>apps.connections.open</c> answers with: a fresh single-use link each call, like Slack's.</summary>
    public string NewUrl() => Url(Port);

    public static string Url(int port) => $"ws://127.0.0.1:{port}/link/?ticket={Guid.NewGuid():N}&app_id={AppId}";

    /// <summary>Every connection so far, in the order they connected.</summary>
    public IReadOnlyList<Connection> Connections => _connections.ToList();

    public IReadOnlyList<Ack> Acks => _acks.ToList();

    private readonly ConcurrentDictionary<string, string> _responseUrls = new(StringComparer.Ordinal);

    /// <summary>
    /// Slash command replies that came in an ack's <c>payload</c> (a message: it has <c>response_type</c>), with the response_url
    /// of the command they answer: <see cref="SlackHost.ReadAckRepliesFrom"/> shows them beside those posted to response_url.
    /// </summary>
    public IEnumerable<(string ResponseUrl, JsonObject Body)> CommandReplies() =>
        Acks.Where(a => a.Payload?.ContainsKey("response_type") == true && _responseUrls.ContainsKey(a.EnvelopeId))
            .Select(a => (_responseUrls[a.EnvelopeId], a.Payload!));

    /// <param name="port">0 for any free port; a fixed one to come up where the app already tries to connect.</param>
    public static async Task<FakeSocketModeServer> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(5) });
        FakeSocketModeServer? server = null;
        app.Map("/link", (Func<HttpContext, Task>)(context => server!.AcceptAsync(context)));
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        server = new FakeSocketModeServer(app, address.Port);
        return server;
    }

    /// <summary>A TCP port that nothing listens on (for "Slack not reachable" tests; the server may start on it later).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits for the connection with this index (0 = the first ever) to be open and greeted.</summary>
    public async Task<Connection> WaitForConnectionAsync(int index, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var all = Connections;
            if (all.Count > index)
            {
                return all[index];
            }

            if (watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(10)))
            {
                Assert.Fail($"Expected connection #{index}; {all.Count} connected so far.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Waits until <paramref name="count"/> acks for <paramref name="envelopeId"/> (or all, when null) have arrived.</summary>
    public async Task<IReadOnlyList<Ack>> WaitForAcksAsync(int count, string? envelopeId = null, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var acks = Acks.Where(a => envelopeId is null || a.EnvelopeId == envelopeId).ToList();
            if (acks.Count >= count)
            {
                return acks;
            }

            if (watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(15)))
            {
                Assert.Fail($"Expected {count} ack(s){(envelopeId is null ? "" : " for " + envelopeId)}, got {acks.Count}.");
            }

            await Task.Delay(10);
        }
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest || context.Request.Query["app_id"] != AppId)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new Connection(this, Interlocked.Increment(ref _nextId) - 1, socket, context);
        // Slack greets every new connection before anything else.
        await connection.SendAsync(new JsonObject
        {
            ["type"] = "hello", ["num_connections"] = _connections.Count(c => c.IsOpen) + 1,
            ["debug_info"] = new JsonObject { ["host"] = $"applink-fake-{connection.Id}", ["build_number"] = 10, ["approximate_connection_time"] = 18060 },
            ["connection_info"] = new JsonObject { ["app_id"] = AppId },
        });
        _connections.Enqueue(connection);
        await connection.ReceiveAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in Connections)
        {
            connection.Drop();
        }

        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await _app.StopAsync(stop.Token);
        }

        await _app.DisposeAsync();
    }

    /// <summary>An ack the app sent: <c>{"envelope_id":…,"payload":…}</c>, on which connection, how long after the envelope.</summary>
    public sealed record Ack(string EnvelopeId, JsonObject? Payload, int ConnectionId, TimeSpan Latency);

    /// <summary>One WebSocket from the app.</summary>
    public sealed class Connection(FakeSocketModeServer server, int id, WebSocket socket, HttpContext context)
    {
        private readonly SemaphoreSlim _send = new(1, 1);
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Id { get; } = id;

        public bool IsOpen => !_closed.Task.IsCompleted;

        /// <summary>Completes when the app closed the connection (or it dropped).</summary>
        public Task Closed => _closed.Task;

        /// <summary>Whether the app closed it with a close handshake (not the server, not a drop).</summary>
        public bool ClosedByApp { get; private set; }

        /// <summary>Sends an envelope (or any message); remembers when, to time its ack.</summary>
        public async Task SendAsync(JsonObject message)
        {
            if (message["envelope_id"]?.GetValue<string>() is { } envelopeId)
            {
                server._sentAt[envelopeId] = Stopwatch.GetTimestamp();
                if (message["payload"]?["response_url"] is JsonValue url && url.TryGetValue<string>(out var responseUrl))
                {
                    server._responseUrls[envelopeId] = responseUrl;
                }
            }

            await _send.WaitAsync();
            try
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
            }
            finally
            {
                _send.Release();
            }
        }

        /// <summary>Slack's <c>disconnect</c>: <c>warning</c> or <c>refresh_requested</c> (the connection stays open until closed).</summary>
        public Task DisconnectAsync(string reason) => SendAsync(new JsonObject
        {
            ["type"] = "disconnect", ["reason"] = reason,
            ["debug_info"] = new JsonObject { ["host"] = $"applink-fake-{Id}" },
        });

        /// <summary>Slack closes the connection properly.</summary>
        public async Task CloseAsync()
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "refresh", CancellationToken.None);
            }
            catch (WebSocketException)
            {
                // already gone
            }

            await _closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        }

        /// <summary>The connection dies without a close handshake (network drop, server crash).</summary>
        public void Drop()
        {
            if (_closed.Task.IsCompleted)
            {
                return;
            }

            try
            {
                socket.Abort();
                context.Abort();
            }
            catch (ObjectDisposedException)
            {
                // the request already ended
            }

            _closed.TrySetResult();
        }

        internal async Task ReceiveAsync()
        {
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            try
            {
                while (true)
                {
                    var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        ClosedByApp = socket.State == WebSocketState.CloseReceived;
                        if (ClosedByApp)
                        {
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                        }

                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                    if (!result.EndOfMessage)
                    {
                        continue;
                    }

                    var ack = JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray()))!.AsObject();
                    message.SetLength(0);
                    var envelopeId = ack["envelope_id"]!.GetValue<string>();
                    var latency = server._sentAt.TryGetValue(envelopeId, out var sent) ? Stopwatch.GetElapsedTime(sent) : TimeSpan.Zero;
                    server._acks.Enqueue(new Ack(envelopeId, ack["payload"] as JsonObject, Id, latency));
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // dropped
            }
            finally
            {
                _closed.TrySetResult();
            }
        }
    }
}
