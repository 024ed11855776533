using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LearningBot.Slack.Verification;
using LearningBot.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningBot.Slack.Tests;

/// <summary>
/// Issue 18's cuts on the Slack path, through the real host on a real SQLite file: what each cut must not change (stored
/// exactly once on retries and concurrent duplicates, the same replies, the same refusals) and what it does change (the
/// per-event log line).
/// </summary>
[CancelAfter(60_000)]
public sealed class SlackSteadyStateTests
{
    private SlackHost _host = null!;
    private readonly CapturedLogs _logs = new();

    [OneTimeSetUp]
    public void Start()
    {
        _host = new SlackHost(services: services => services.AddSingleton<ILoggerProvider>(_logs));
        _host.StubUser("UANN", "Ann");
        _host.StubUser("UBO", "Bo");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string Team() => "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static string Dm() => "D" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static Func<WireMock.Logging.ILogEntry, bool> ToChannel(string channel) =>
        c => SlackHost.Json(c)["channel"]?.GetValue<string>() == channel;

    /// <summary>A person's DM to the bot, as Slack's <c>message.im</c> event sends it (https://api.slack.com/events/message.im).</summary>
    private static JsonObject DirectMessage(string channel, string text, string ts) => new()
    {
        ["type"] = "message", ["channel_type"] = "im", ["channel"] = channel, ["user"] = "UANN", ["text"] = text, ["ts"] = ts,
        ["event_ts"] = ts,
    };

    [Test]
    public async Task An_events_first_delivery_is_logged_at_debug_and_slacks_retry_at_information()
    {
        var team = Team();
        var dm = Dm();
        var eventId = "Ev" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var evt = DirectMessage(dm, "learned how the retry header reads #slack", "1700000101.000100");

        using var first = await _host.EventAsync(team, evt, eventId);
        await _host.WaitForCallsAsync("/api/chat.postMessage", where: ToChannel(dm));
        using var retry = await _host.EventAsync(team, evt.DeepClone().AsObject(), eventId, retryNum: 1);
        await _host.DrainAsync();

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var lines = _logs.Lines.Where(l => l.Message.StartsWith("Slack event message in team " + team, StringComparison.Ordinal)).ToList();
        // The host logs at Information by default, so a Debug line never reaches a sink: only the retry shows.
        Assert.That(lines.Select(l => (l.Level, l.Message)), Is.EqualTo(new[]
        {
            (LogLevel.Information, $"Slack event message in team {team}: {eventId} (retry 1)"),
        }));
        Assert.That(_host.Calls("/api/chat.postMessage").Count(ToChannel(dm)), Is.EqualTo(1), "the retry had no second effect");
    }

    [Test]
    public async Task One_message_delivered_under_two_event_ids_and_retried_is_stored_and_answered_once()
    {
        var team = Team();
        var dm = Dm();
        var evt = DirectMessage(dm, "learned that one message can arrive as two events #slack", "1700000201.000200");

        // The same message (channel + ts) under a second event id (as app_mention and message.* pairs arrive), then Slack's
        // retry of the first with its X-Slack-Retry-Num.
        using var first = await _host.EventAsync(team, evt, "EvFIRST" + dm);
        using var second = await _host.EventAsync(team, evt.DeepClone().AsObject(), "EvSECOND" + dm);
        using var retry = await _host.EventAsync(team, evt.DeepClone().AsObject(), "EvFIRST" + dm, retryNum: 2);
        await _host.DrainAsync();

        Assert.That(new[] { first.StatusCode, second.StatusCode, retry.StatusCode }, Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(await LearningsAsync(team, "two events"), Is.EqualTo(1));
        Assert.That(_host.Calls("/api/chat.postMessage").Count(ToChannel(dm)), Is.EqualTo(1));
        Assert.That(await DeliveriesAsync(team), Is.EquivalentTo(new[] { "event:EvFIRST" + dm, $"message:{dm}:1700000201.000200" }),
            "both ids of the first delivery recorded together, nothing of the second");
    }

    [Test]
    public async Task Concurrent_duplicates_of_an_event_and_of_a_slash_command_are_stored_and_answered_once()
    {
        var team = Team();
        var dm = Dm();
        var evt = DirectMessage(dm, "learned that duplicates race each other #slack", "1700000301.000300");
        var eventId = "EvRACE" + dm;
        var trigger = "13345224609." + Guid.NewGuid().ToString("N");
        var responseUrl = _host.ResponseUrl("race-" + dm);

        var events = Enumerable.Range(0, 4).Select(i => _host.EventAsync(team, evt.DeepClone().AsObject(), eventId, retryNum: i == 0 ? null : i));
        var commands = Enumerable.Range(0, 4).Select(_ => _host.CommandAsync("/learned", "how concurrent triggers collapse #slack " + dm,
            responseUrl, team: team, triggerId: trigger));
        var responses = await Task.WhenAll(events.Concat(commands));
        await _host.DrainAsync();

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(await LearningsAsync(team, "duplicates race"), Is.EqualTo(1));
        Assert.That(await LearningsAsync(team, "concurrent triggers collapse"), Is.EqualTo(1));
        Assert.That(_host.Calls("/api/chat.postMessage").Count(ToChannel(dm)), Is.EqualTo(1));
        Assert.That(_host.Replies(new Uri(responseUrl).AbsolutePath), Has.Count.EqualTo(1), "one reply, in one of the acks");
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Test]
    public async Task A_slash_commands_form_is_decoded_as_slack_encodes_it()
    {
        var team = Team();
        var responseUrl = _host.ResponseUrl("form-" + team);
        // Slack's form encoding: spaces as '+', reserved characters percent-encoded, text escaped (&amp; &lt; &gt;) with
        // should_escape. https://api.slack.com/interactivity/slash-commands#app_command_handling
        var body = "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=" + team + "&team_domain=example&channel_id=C0001&channel_name=general"
                   + "&user_id=UANN&user_name=ann&command=%2Flearned"
                   + "&text=how+C%2B%2B+move+semantics+%26amp%3B+RAII+work+%E2%80%94+50%25+faster+%23cpp"
                   + "&api_app_id=A123456&is_enterprise_install=false"
                   + "&response_url=" + Uri.EscapeDataString(responseUrl) + "&trigger_id=13345224609.738474920.8088930838d88f008e0";

        using var ack = await _host.PostSignedAsync("/slack/commands", body, "application/x-www-form-urlencoded");

        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var reply = (await _host.WaitForRepliesAsync(new Uri(responseUrl).AbsolutePath)).Single();
        Assert.That(SlackHost.Strings(reply), Does.Contain("how C++ move semantics &amp; RAII work — 50% faster"));
        Assert.That(await LearningsAsync(team, "C++ move semantics & RAII work — 50% faster"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_chunked_body_without_content_length_is_verified_and_handled_and_a_wrong_signature_still_is_not()
    {
        var team = Team();
        var responseUrl = _host.ResponseUrl("chunked-" + team);
        var body = SlackHost.CommandBody("/learned", "how chunked bodies are read #http", responseUrl, team: team);

        using var chunked = await SendChunkedAsync(body, SlackHost.Sign(body, SlackHost.Now));
        var signature = SlackHost.Sign(body, SlackHost.Now);
        // The same body signed with an upper-case digest, a digest one character short, and one that is not hex.
        using var upper = await SendChunkedAsync(body, signature.ToUpperInvariant().Replace("V0=", "v0=", StringComparison.Ordinal));
        using var shortened = await _host.PostSignedAsync("/slack/commands", body, "application/x-www-form-urlencoded", signature: signature[..^1]);
        using var notHex = await _host.PostSignedAsync("/slack/commands", body, "application/x-www-form-urlencoded",
            signature: "v0=" + new string('z', 64));

        Assert.That(chunked.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // In the ack, or through response_url when the store outlasted AckWait (a cold host on a busy machine).
        await _host.KeepAckReplyAsync(responseUrl, chunked);
        var reply = (await _host.WaitForRepliesAsync(new Uri(responseUrl).AbsolutePath)).Single();
        Assert.That(SlackHost.Strings(reply), Does.Contain("how chunked bodies are read"));
        Assert.That(new[] { upper.StatusCode, shortened.StatusCode, notHex.StatusCode }, Is.All.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await shortened.Content.ReadAsStringAsync(), Does.Contain("signature does not match"));
        Assert.That(await LearningsAsync(team, "chunked bodies"), Is.EqualTo(1));
    }

    private async Task<HttpResponseMessage> SendChunkedAsync(string body, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands")
        {
            // A stream of unknown length: sent chunked, without Content-Length.
            Content = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(body))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add(SlackSignature.TimestampHeader, SlackHost.Now.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(SlackSignature.SignatureHeader, signature);
        return await _host.Client.SendAsync(request);
    }

    private async Task<long> LearningsAsync(string team, string containing)
    {
        await using var connection = new SqliteConnection($"Data Source={_host.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM learnings WHERE team_id = $team AND instr(text, $text) > 0";
        command.Parameters.AddWithValue("$team", team);
        command.Parameters.AddWithValue("$text", containing);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<string>> DeliveriesAsync(string team)
    {
        await using var connection = new SqliteConnection($"Data Source={_host.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT delivery_id FROM deliveries WHERE scope = $scope";
        command.Parameters.AddWithValue("$scope", "slack:" + team);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>A readable stream that does not say its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
