using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningBot.LoadTest;

/// <summary>
/// Where the host's replies go, on loopback: a minimal Slack Web API (<c>/slack/api/{method}</c>) and
/// response_url (<c>/slack/response/{seq}</c>), and a minimal Bot Connector (<c>/teams/v3/conversations/…/activities/…</c>).
/// Answers like the real services do for the calls the load makes, and counts replies per command. For the Socket Mode
/// target it is also Slack's Socket Mode server: <c>apps.connections.open</c> answers with <c>ws://…/slack/socket</c>,
/// each connection gets <c>hello</c>, and <see cref="SendEnvelopeAsync"/> delivers an envelope and waits for its ack.
/// </summary>
public sealed class FakePlatforms : IAsyncDisposable
{
    private readonly WebApplication _app;
    private ConcurrentDictionary<long, int> _slackResponses = new();
    private ConcurrentDictionary<long, int> _teamsReplies = new();
    private ConcurrentDictionary<long, int> _slackPosts = new();
    private readonly ConcurrentDictionary<string, int> _slackApiCalls = new();
    private int _unexpected;
    private readonly ConcurrentDictionary<int, SocketLink> _sockets = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _pendingAcks = new();
    private int _socketIds;
    private int _nextSocket;

    private FakePlatforms(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>response_url posts per command: a slash command's one reply.</summary>
    public IReadOnlyDictionary<long, int> SlackResponses => _slackResponses;

    /// <summary>Activities posted in reply to a Teams message, per command.</summary>
    public IReadOnlyDictionary<long, int> TeamsReplies => _teamsReplies;

    /// <summary>chat.postMessage / chat.postEphemeral into a load DM (<c>DLOAD…</c>) per command: a Slack event's one reply.</summary>
    public IReadOnlyDictionary<long, int> SlackPosts => _slackPosts;

    public IReadOnlyDictionary<string, int> SlackApiCalls => _slackApiCalls;

    /// <summary>
    /// A slash command answered in its acknowledgement (an HTTP 200 body or a Socket Mode ack payload with
    /// <c>response_type</c>, issue 18): counted as its reply, beside any later post to its response_url.
    /// </summary>
    public void AckReply(long seq) => _slackResponses.AddOrUpdate(seq, 1, (_, n) => n + 1);

    /// <summary>Whether the reply to <paramref name="seq"/> of <paramref name="kind"/> arrived (a playground answer is its HTTP response).</summary>
    public bool Replied(long seq, CommandKind kind) => kind switch
    {
        CommandKind.TeamsLearned => _teamsReplies.ContainsKey(seq),
        CommandKind.SlackEvent => _slackPosts.ContainsKey(seq),
        CommandKind.Playground => true,
        _ => _slackResponses.ContainsKey(seq),
    };

    /// <summary>Requests to paths nothing here serves: a sign the host calls something the load did not expect.</summary>
    public int Unexpected => Volatile.Read(ref _unexpected);

    /// <summary>Socket Mode connections the host holds open now.</summary>
    public int OpenSockets => _sockets.Count;

    public static async Task<FakePlatforms> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakePlatforms(app);
        app.UseWebSockets();
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return fake;
    }

    /// <summary>Forgets the counts of the previous step (each step starts a fresh host and numbers from 0).</summary>
    public void Reset()
    {
        _slackResponses = new ConcurrentDictionary<long, int>();
        _teamsReplies = new ConcurrentDictionary<long, int>();
        _slackPosts = new ConcurrentDictionary<long, int>();
        _slackApiCalls.Clear();
        Interlocked.Exchange(ref _unexpected, 0);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (path == "/slack/socket" && context.WebSockets.IsWebSocketRequest)
        {
            await AcceptSocketAsync(context);
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);

        if (path.StartsWith("/slack/response/", StringComparison.Ordinal)
            && long.TryParse(path["/slack/response/".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var responseSeq))
        {
            _slackResponses.AddOrUpdate(responseSeq, 1, (_, n) => n + 1);
            await context.Response.WriteAsync("ok");
            return;
        }

        if (path.StartsWith("/slack/api/", StringComparison.Ordinal))
        {
            var method = path["/slack/api/".Length..];
            _slackApiCalls.AddOrUpdate(method, 1, (_, n) => n + 1);
            if (method is "chat.postMessage" or "chat.postEphemeral" && Argument(context.Request.ContentType, body, "channel") is { } channel
                && channel.StartsWith("DLOAD", StringComparison.Ordinal) && CommandMix.SeqOf(body) is { } postSeq)
            {
                _slackPosts.AddOrUpdate(postSeq, 1, (_, n) => n + 1);
            }

            await context.Response.WriteAsJsonAsync(method == "apps.connections.open"
                ? new JsonObject { ["ok"] = true, ["url"] = "ws" + BaseUrl["http".Length..] + "/slack/socket?ticket=" + Guid.NewGuid().ToString("N") }
                : SlackAnswer(method, context.Request.ContentType, body));
            return;
        }

        // Replies: POST {serviceUrl}v3/conversations/{id}/activities/{replyToId}, the reply-to id being "{run}-{seq}".
        if (path.StartsWith("/teams/v3/conversations/", StringComparison.Ordinal) && context.Request.Method == "POST"
            && path.Contains("/activities", StringComparison.Ordinal))
        {
            var last = Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
            if (long.TryParse(last[(last.LastIndexOf('-') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var replySeq))
            {
                _teamsReplies.AddOrUpdate(replySeq, 1, (_, n) => n + 1);
            }

            await context.Response.WriteAsJsonAsync(new { id = "reply-" + Guid.NewGuid().ToString("N")[..12] });
            return;
        }

        Interlocked.Increment(ref _unexpected);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    private static JsonObject SlackAnswer(string method, string? contentType, string body)
    {
        switch (method)
        {
            case "users.info":
                var user = Argument(contentType, body, "user") ?? "UNKNOWN";
                return new JsonObject
                {
                    ["ok"] = true,
                    ["user"] = new JsonObject
                    {
                        ["id"] = user, ["name"] = user.ToLowerInvariant(), ["real_name"] = "Load " + user, ["is_admin"] = false,
                        ["profile"] = new JsonObject { ["display_name"] = "Load " + user, ["real_name"] = "Load " + user },
                    },
                };
            case "conversations.open":
                var users = Argument(contentType, body, "users") ?? "UNKNOWN";
                return new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = "D" + users } };
            default:
                return new JsonObject { ["ok"] = true, ["ts"] = "1700000000.000100", ["channel"] = "CLOAD0001" };
        }
    }

    /// <summary>Web API arguments come as JSON or as a form, depending on the method.</summary>
    private static string? Argument(string? contentType, string body, string name) =>
        contentType?.StartsWith("application/json", StringComparison.Ordinal) == true
            ? JsonNode.Parse(body)?[name]?.GetValue<string>()
            : QueryHelpers.ParseQuery(body).TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>
    /// Sends a Socket Mode envelope on one of the open connections (in turn) and completes when the host acknowledged its
    /// <c>envelope_id</c>: 200, like an HTTP ack. 0 when no connection is open.
    /// </summary>
    /// <exception cref="TimeoutException">No ack within <paramref name="timeout"/>.</exception>
    public async Task<int> SendEnvelopeAsync(JsonObject envelope, TimeSpan timeout)
    {
        var links = _sockets.Values.ToArray();
        if (links.Length == 0)
        {
            return 0;
        }

        var id = envelope["envelope_id"]!.GetValue<string>();
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingAcks[id] = acked;
        try
        {
            await links[(int)((uint)Interlocked.Increment(ref _nextSocket) % links.Length)].SendAsync(envelope.ToJsonString());
            await acked.Task.WaitAsync(timeout);
            return StatusCodes.Status200OK;
        }
        finally
        {
            _pendingAcks.TryRemove(id, out _);
        }
    }

    private async Task AcceptSocketAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var link = new SocketLink(socket);
        var id = Interlocked.Increment(ref _socketIds);
        await link.SendAsync("""{"type":"hello","num_connections":1,"debug_info":{"host":"applink-load"},"connection_info":{"app_id":"ALOAD0001"}}""");
        _sockets[id] = link;
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var acked = JsonNode.Parse(message.ToArray());
                var ack = acked?["envelope_id"]?.GetValue<string>();
                message.SetLength(0);
                if (acked?["payload"]?["response_type"] is not null && ack is not null
                    && long.TryParse(ack[(ack.LastIndexOf('-') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var ackSeq))
                {
                    AckReply(ackSeq); // envelope ids are "{run}-{seq}" (CommandMix.SlackEnvelope)
                }

                if (ack is not null && _pendingAcks.TryGetValue(ack, out var pending))
                {
                    pending.TrySetResult();
                }
            }
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException)
        {
            // the host went away
        }
        finally
        {
            _sockets.TryRemove(id, out _);
        }
    }

    /// <summary>One Socket Mode connection from the host; one send at a time, as a WebSocket requires.</summary>
    private sealed class SocketLink(System.Net.WebSockets.WebSocket socket)
    {
        private readonly SemaphoreSlim _send = new(1, 1);

        public async Task SendAsync(string text)
        {
            await _send.WaitAsync();
            try
            {
                await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
            }
            finally
            {
                _send.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
