using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LearningBot.Slack.Verification;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace LearningBot.Slack.Tests;

/// <summary>
/// The real web host (WebApplicationFactory over Program) with a temp SQLite file, plus a WireMock server on
/// loopback standing in for Slack's Web API and response_url, recording every call.
/// </summary>
public sealed class SlackHost : IAsyncDisposable
{
    public const string SigningSecret = "test-signing-secret-0123456789";
    public const string BotToken = "xoxb-single-workspace-token";
    public const string ClientId = "1234.5678";
    public const string ClientSecret = "client-secret-abc";

    private readonly string _directory;

    /// <param name="kestrel">Serve on a real loopback socket (Kestrel, with its connection limits and timeouts) instead of the
    /// in-memory test server; <see cref="BaseAddress"/> is then its address.</param>
    public SlackHost(IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null, bool kestrel = false)
    {
        Slack = WireMockServer.Start();
        StubDefaults();
        _directory = Path.Combine(Path.GetTempPath(), "learningbot-slack-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = DatabasePath,
            ["Playground:Enabled"] = "false",
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:BotToken"] = BotToken,
            ["Slack:ClientId"] = ClientId,
            ["Slack:ClientSecret"] = ClientSecret,
            ["Slack:ApiBaseUrl"] = Slack.Url + "/api/",
            ["Slack:ApiRetryBaseDelay"] = "00:00:00.050",
            // Lexical search unless a test needs meaning (it then sets MiniLM): loading the model costs every host a second.
            ["Search:Embeddings:Provider"] = "None",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        });
        if (kestrel)
        {
            Factory.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
            Factory.StartServer();
            var addresses = Factory.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
            BaseAddress = new Uri(addresses.Single());
        }
    }

    /// <summary>With <c>kestrel: true</c>, where the host listens (e.g. <c>http://127.0.0.1:40123</c>).</summary>
    public Uri? BaseAddress { get; }

    /// <summary>Replaced by <see cref="RestartSlack"/>: a new server on the same port, with the default stubs only.</summary>
    public WireMockServer Slack { get; private set; }

    public string DatabasePath => Path.Combine(_directory, "slack.db");

    /// <summary>An outage: the fake Slack stops listening, so every call is refused at the TCP level.</summary>
    public void StopSlack() => Slack.Stop();

    /// <summary>Slack is back on the same address (what the host was configured with); its call log starts empty.</summary>
    public void RestartSlack()
    {
        var port = Slack.Ports[0];
        Slack.Dispose();
        Slack = WireMockServer.Start(port);
        StubDefaults();
    }

    public WebApplicationFactory<Program> Factory { get; }

    public HttpClient Client => _client ??= Factory.CreateClient(BaseAddress is null
        ? new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }
        : new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = BaseAddress });

    private HttpClient? _client;

    public string ResponseUrl(string name) => $"{Slack.Url}/response/{name}";

    // ---- requests signed exactly like Slack's ----

    public static string Sign(string body, long timestamp, string secret = SigningSecret) =>
        SlackSignature.Compute(secret, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(body));

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public async Task<HttpResponseMessage> PostSignedAsync(string path, string body, string contentType, long? timestamp = null,
        string? signature = null, int? retryNum = null)
    {
        var ts = timestamp ?? Now;
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add(SlackSignature.TimestampHeader, ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(SlackSignature.SignatureHeader, signature ?? Sign(body, ts));
        if (retryNum is not null)
        {
            request.Headers.Add("X-Slack-Retry-Num", retryNum.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

        var response = await Client.SendAsync(request);
        if (path == "/slack/commands" && Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body).TryGetValue("response_url", out var responseUrl)
            && Uri.TryCreate(responseUrl.ToString(), UriKind.Absolute, out _))
        {
            await KeepAckReplyAsync(responseUrl.ToString(), response);
        }

        return response;
    }

    /// <summary>A slash command body with every field Slack sends, in Slack's order.</summary>
    public static string CommandBody(string command, string text, string responseUrl, string team = "T0001", string user = "UANN",
        string userName = "ann", string channel = "C0001", string? triggerId = null) =>
        Form(("token", "gIkuvaNzQIHg97ATvDxqgjtO"), ("team_id", team), ("team_domain", "example"), ("channel_id", channel),
            ("channel_name", "general"), ("user_id", user), ("user_name", userName), ("command", command), ("text", text),
            ("api_app_id", "A123456"), ("is_enterprise_install", "false"), ("response_url", responseUrl),
            ("trigger_id", triggerId ?? "13345224609." + Guid.NewGuid().ToString("N")));

    /// <summary>
    /// Posts a signed slash command (<see cref="PostSignedAsync"/>). A reply in the acknowledgement's body (issue 18: a reply ready before the ack rides on it)
    /// is kept under its response_url's path, where <see cref="Replies"/> and <see cref="WaitForRepliesAsync"/> find it beside
    /// the replies posted to that response_url later.
    /// </summary>
    public Task<HttpResponseMessage> CommandAsync(string command, string text, string responseUrl, string team = "T0001",
        string user = "UANN", string userName = "ann", string channel = "C0001", string? triggerId = null) => PostSignedAsync("/slack/commands", CommandBody(command, text, responseUrl, team, user, userName, channel, triggerId),
            "application/x-www-form-urlencoded");

    // ---- replies to a slash command: in the acknowledgement, or posted to its response_url ----

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<JsonObject>> _ackReplies = new(StringComparer.Ordinal);

    /// <summary>A slash command's reply, and where it went: the HTTP / Socket Mode acknowledgement, or its response_url.</summary>
    public sealed record CommandReply(JsonObject Body, bool InAck);

    /// <summary>Keeps the message of a 200 acknowledgement (its body, buffered so the test can still read it).</summary>
    public async Task KeepAckReplyAsync(string responseUrl, HttpResponseMessage response)
    {
        if (response.StatusCode != System.Net.HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return;
        }

        await response.Content.LoadIntoBufferAsync();
        if (JsonNode.Parse(await response.Content.ReadAsStringAsync()) is JsonObject body && body.ContainsKey("response_type"))
        {
            KeepAckReply(responseUrl, body);
        }
    }

    /// <summary>Keeps a reply that came in an acknowledgement (a Socket Mode ack's payload, an HTTP ack's body).</summary>
    public void KeepAckReply(string responseUrl, JsonObject body) =>
        _ackReplies.GetOrAdd(new Uri(responseUrl).AbsolutePath, _ => []).Add(body);

    private Func<IEnumerable<(string ResponseUrl, JsonObject Body)>>? _socketAcks;

    /// <summary>Slash commands sent over Socket Mode: their replies in the acks' payloads count as replies too.</summary>
    public void ReadAckRepliesFrom(SocketMode.FakeSocketModeServer socket) => _socketAcks = socket.CommandReplies;

    /// <summary>The replies to the slash command whose response_url has this path (<c>/response/name</c>), wherever each went: ack first.</summary>
    public IReadOnlyList<CommandReply> Replies(string responsePath) =>
        [.. (_ackReplies.TryGetValue(responsePath, out var acked) ? acked.ToList() : []).Select(b => new CommandReply(b, InAck: true)),
            .. (_socketAcks?.Invoke() ?? []).Where(r => new Uri(r.ResponseUrl).AbsolutePath == responsePath).Select(r => new CommandReply(r.Body, InAck: true)),
            .. Calls(responsePath).Select(c => new CommandReply(Json(c), InAck: false))];

    /// <summary>Background work may answer after the ack: waits until the command has <paramref name="count"/> replies (ack or response_url).</summary>
    public async Task<IReadOnlyList<JsonObject>> WaitForRepliesAsync(string responsePath, int count = 1, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var replies = Replies(responsePath);
            if (replies.Count >= count)
            {
                return replies.Select(r => r.Body).ToList();
            }

            if (watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(10)))
            {
                Assert.Fail($"Expected {count} repl(ies) to the command answered at {responsePath}, got {replies.Count}. All calls: " +
                            string.Join(", ", Slack.LogEntries.Select(e => e.RequestMessage.Path)));
            }

            await Task.Delay(20);
        }
    }

    public Task<HttpResponseMessage> EventAsync(string team, JsonObject evt, string? eventId = null, int? retryNum = null)
    {
        var envelope = new JsonObject
        {
            ["token"] = "XXYYZZ",
            ["team_id"] = team,
            ["api_app_id"] = "A123456",
            ["event"] = evt,
            ["type"] = "event_callback",
            ["event_id"] = eventId ?? "Ev" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
            ["event_time"] = Now,
        };
        return PostSignedAsync("/slack/events", envelope.ToJsonString(), "application/json", retryNum: retryNum);
    }

    public Task<HttpResponseMessage> InteractionAsync(JsonObject payload) =>
        PostSignedAsync("/slack/interactions", Form(("payload", payload.ToJsonString())), "application/x-www-form-urlencoded");

    public static string Form(params (string Name, string Value)[] fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value)));

    // ---- the fake Slack ----

    public IReadOnlyList<ILogEntry> Calls(string path) =>
        Slack.LogEntries.Where(e => e.RequestMessage.Path == path).OrderBy(e => e.RequestMessage.DateTime).ToList();

    /// <summary>Background work answers after the ack; poll until Slack has received what we expect.</summary>
    public async Task<IReadOnlyList<ILogEntry>> WaitForCallsAsync(string path, int count = 1, Func<ILogEntry, bool>? where = null,
        TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var calls = Calls(path).Where(where ?? (_ => true)).ToList();
            if (calls.Count >= count)
            {
                return calls;
            }

            if (watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(10)))
            {
                Assert.Fail($"Expected {count} call(s) to {path}, got {calls.Count}. All calls: " +
                            string.Join(", ", Slack.LogEntries.Select(e => e.RequestMessage.Path)));
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Waits until the prompt posted as <paramref name="ts"/> in <paramref name="channel"/> is stored as its occurrence's post:
    /// the fake Web API answering chat.postMessage comes a moment before the bot records the ts, and a thread reply sent in
    /// between is (rightly) not an answer. A person cannot reply that fast; a test can.
    /// </summary>
    public async Task WaitForPromptPostAsync(string team, string channel, string ts)
    {
        var prompts = Factory.Services.GetRequiredService<LearningBot.Core.Prompts.IPromptRepository>();
        var key = LearningBot.Slack.Adapter.SlackConversations.ChannelKey(team, channel);
        var watch = Stopwatch.StartNew();
        while (await prompts.FindOccurrenceByPostAsync(key, ts, default) is null)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                Assert.Fail($"The prompt post {ts} in {channel} was not recorded after 10 s");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>For "nothing else happened" checks: waits until all acknowledged work has finished.</summary>
    public async Task DrainAsync()
    {
        var queue = Factory.Services.GetRequiredService<LearningBot.Slack.Adapter.SlackWorkQueue>();
        var watch = Stopwatch.StartNew();
        while (queue.Pending > 0)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                Assert.Fail($"Slack work still pending after 10 s: {queue.Pending}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Every string value in a JSON tree, joined: what a reader of the blocks would see, unescaped.</summary>
    public static string Strings(JsonNode? node) => node switch
    {
        JsonObject obj => string.Join(" ", obj.Select(p => Strings(p.Value))),
        JsonArray array => string.Join(" ", array.Select(Strings)),
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        _ => string.Empty,
    };

    public static JsonObject Json(ILogEntry call) => JsonNode.Parse(call.RequestMessage.Body!)!.AsObject();

    public static string? Authorization(ILogEntry call) =>
        call.RequestMessage.Headers!.TryGetValue("Authorization", out var values) ? values.FirstOrDefault() : null;

    public void StubUser(string id, string displayName, bool isAdmin = false) =>
        Slack.Given(Request.Create().WithPath("/api/users.info").UsingPost().WithBody(b => b != null && b.Contains("user=" + id)))
            .AtPriority(1)
            .RespondWith(OkJson(new JsonObject
            {
                ["ok"] = true,
                ["user"] = new JsonObject
                {
                    ["id"] = id, ["name"] = displayName.ToLowerInvariant(), ["real_name"] = displayName + " Real",
                    ["is_admin"] = isAdmin, ["is_owner"] = false,
                    ["profile"] = new JsonObject { ["display_name"] = displayName, ["real_name"] = displayName + " Real" },
                },
            }));

    public static IResponseBuilder OkJson(JsonObject body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(body.ToJsonString());

    private void StubDefaults() => StubDefaults(Slack);

    /// <summary>What every fake Slack answers unless a test says otherwise: ok for the Web API and response URLs.</summary>
    public static void StubDefaults(WireMockServer slack)
    {
        slack.Given(Request.Create().WithPath("/api/*").UsingPost()).AtPriority(100)
            .RespondWith(OkJson(new JsonObject { ["ok"] = true }));
        slack.Given(Request.Create().WithPath("/api/conversations.open").UsingPost()).AtPriority(50)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(request =>
                {
                    var users = JsonNode.Parse(request.Body!)!["users"]!.GetValue<string>();
                    return new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = "D" + users } }.ToJsonString();
                }));
        slack.Given(Request.Create().WithPath("/api/users.info").UsingPost()).AtPriority(50)
            .RespondWith(OkJson(new JsonObject { ["ok"] = false, ["error"] = "user_not_found" }));
        slack.Given(Request.Create().WithPath("/response/*").UsingPost()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await Factory.DisposeAsync();
        Slack.Stop();
        Slack.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS temp cleaner
        }
    }
}
