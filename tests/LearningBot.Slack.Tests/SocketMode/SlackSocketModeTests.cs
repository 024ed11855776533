using LearningBot.Core.Storage;
using LearningBot.TestSupport;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using LearningBot.Core.Installations;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace LearningBot.Slack.Tests.SocketMode;

/// <summary>
/// Socket Mode end to end: the real host with only an app-level token and a bot token (no signing secret, so no HTTP
/// endpoint at all), the fake Web API answering <c>apps.connections.open</c> with the address of a loopback fake of
/// Slack's Socket Mode server. Every effect is checked in the store and in the calls Slack received.
/// </summary>
[TestFixture]
public sealed class SlackSocketModeTests
{
    public const string AppToken = "xapp-1-A0LEARN-5870512781700-0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    /// <summary>
    /// A started host in Socket Mode; <paramref name="url"/> is what apps.connections.open answers (a new link per call), or
    /// <paramref name="openAnswer"/> when set (an error).
    /// </summary>
    private static SlackHost SocketHost(Func<string> url, IDictionary<string, string?>? extra = null, CapturedLogs? logs = null,
        JsonObject? openAnswer = null, Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Slack:AppToken"] = AppToken,
            ["Slack:SigningSecret"] = "", // Socket Mode alone: nothing for Slack to call, nothing to sign
            ["Slack:SocketReconnectBaseDelay"] = "00:00:00.050",
            ["Slack:SocketReconnectMaxDelay"] = "00:00:00.400",
            ["Slack:SocketHelloTimeout"] = "00:00:02",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var host = new SlackHost(settings, collection =>
        {
            if (logs is not null)
            {
                collection.AddSingleton<ILoggerProvider>(logs);
            }

            services?.Invoke(collection);
        });
        host.Slack.Given(Request.Create().WithPath("/api/apps.connections.open").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(_ => (openAnswer ?? new JsonObject { ["ok"] = true, ["url"] = url() }).ToJsonString()));
        _ = host.Client; // starts the host, and with it the Socket Mode service
        return host;
    }

    private static SlackFixture Load(SlackHost host, string name, string team, params (string From, string To)[] replace) =>
        SlackFixture.Load(name, team, host.Slack.Url + "/response", replace);

    private static Task<IReadOnlyList<LearningEntry>> LearningsAsync(SlackHost host, string team, string user) =>
        host.Factory.Services.GetRequiredService<ILearningRepository>().ListAsync(new LearningQuery(team, user, null, 500) { IncludePrivate = true }, default);

    private static Func<ILogEntry, bool> To(string channel) => c => SlackHost.Json(c)["channel"]?.GetValue<string>() == channel;

    private static async Task<(HttpStatusCode Status, string Body)> ReadyAsync(SlackHost host)
    {
        using var response = await host.Client.GetAsync("/health/ready");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> WaitUntilReadyIsAsync(SlackHost host, HttpStatusCode status, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var (current, body) = await ReadyAsync(host);
            if (current == status)
            {
                return body;
            }

            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"/health/ready stayed {current} ({body}), expected {status}");
            }

            await Task.Delay(50);
        }
    }

    [Test]
    public async Task A_slash_command_an_event_and_a_modal_submission_each_have_one_effect_also_when_delivered_again()
    {
        await using var socket = await FakeSocketModeServer.StartAsync();
        await using var host = SocketHost(socket.NewUrl);
        host.ReadAckRepliesFrom(socket);
        host.StubUser("U0ANN", "Ann");
        host.StubUser("U0BO", "Bo");
        var (team, dm, channel) = (Unique("T"), Unique("D"), Unique("C"));
        var envelopes = new[]
        {
            Load(host, "command-learned-channel-tag", team),
            Load(host, "event-dm-channel-tag", team, ("D0TAGDM1", dm)),
            Load(host, "interaction-kudos-modal-typed-mention", team, ("C0MODAL1", channel), ("V0KUDOSFORM1", Unique("V"))),
        }.Select(f => SocketEnvelopes.FromFixture(f.Requests.Single())).ToList();

        using var noEndpoint = await host.PostSignedAsync("/slack/commands", "team_id=T1", "application/x-www-form-urlencoded");
        var hello = await socket.WaitForConnectionAsync(0);
        foreach (var envelope in envelopes)
        {
            await hello.SendAsync(envelope);
        }

        await socket.WaitForAcksAsync(3);
        var commandReply = $"/response/commands/{team}/5870512781901/Qm3kTz8RvB1";
        await host.WaitForRepliesAsync(commandReply);
        await host.WaitForCallsAsync("/api/chat.postMessage", where: To(dm));
        await host.WaitForCallsAsync("/api/chat.postMessage", where: To(channel));

        // Slack redelivers (new envelope ids, retry_attempt set), on another connection: nothing happens a second time.
        var other = await socket.WaitForConnectionAsync(1);
        foreach (var envelope in envelopes)
        {
            await other.SendAsync(SocketEnvelopes.Redelivery(envelope, 1, "timeout"));
        }

        await socket.WaitForAcksAsync(6);
        await host.DrainAsync();

        Assert.That(noEndpoint.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "Socket Mode alone serves no Slack endpoint");
        var learnings = await LearningsAsync(host, team, "U0ANN");
        Assert.That(learnings.Select(l => l.Text), Is.EquivalentTo(new[] { "reading about vacuum", "how HOT updates avoid index writes" }));
        Assert.That(learnings.SelectMany(l => l.Tags).Distinct(), Is.EqualTo(new[] { "postgres" }));
        var kudos = await host.Factory.Services.GetRequiredService<IKudosRepository>().ListReceivedAsync(team, "U0BO", 10, default);
        Assert.That(kudos.Single().ReceiverIds, Is.EqualTo(new[] { "U0BO" }));
        Assert.That(host.Replies(commandReply), Has.Count.EqualTo(1), "one reply to the command");
        Assert.That(host.Calls("/api/chat.postMessage").Count(To(dm)), Is.EqualTo(1), "one reply to the DM");
        Assert.That(host.Calls("/api/chat.postMessage").Count(To(channel)), Is.EqualTo(1), "one kudos post");
        Assert.That(socket.Acks.Select(a => a.EnvelopeId).ToList(), Is.Unique.And.Exactly(6).Items, "every envelope acknowledged, once");
        Assert.That(SlackHost.Authorization(host.Calls("/api/apps.connections.open")[0]), Is.EqualTo("Bearer " + AppToken));
        Assert.That(SlackHost.Authorization(host.Calls("/api/chat.postMessage")[0]), Is.EqualTo("Bearer " + SlackHost.BotToken));
        Assert.That(hello.IsOpen && other.IsOpen, Is.True, "two connections kept open");
    }

    [Test]
    public async Task Answers_slack_reads_from_the_acknowledgement_travel_in_the_ack_payload()
    {
        await using var socket = await FakeSocketModeServer.StartAsync();
        await using var host = SocketHost(socket.NewUrl);
        host.StubUser("UANN", "Ann");
        var team = Unique("T");
        var connection = await socket.WaitForConnectionAsync(0);

        // A command the app does not handle: the hint is the ack's payload (no response_url call).
        var unknown = SocketEnvelopes.SlashCommand("/webhook-collect", "", host.ResponseUrl("unknown"), team);
        // The kudos form sent without a reason: Slack shows the errors beside the fields and keeps the modal open.
        var incomplete = SocketEnvelopes.Interactive(JsonNode.Parse("""
            {"type":"view_submission","team":{"id":"TEAMID","domain":"learnco"},"user":{"id":"UANN","username":"ann","name":"ann","team_id":"TEAMID"},
             "api_app_id":"A0LEARN","token":"XXYYZZ","trigger_id":"5870512781700.4417390261.aa11bb22cc33dd44ee55ff6677889911",
             "view":{"id":"V0NOREASON","team_id":"TEAMID","type":"modal","callback_id":"learningbot_kudos","private_metadata":"C0FORM",
               "state":{"values":{"receivers":{"users":{"type":"multi_users_select","selected_users":["U0BO"]}},
                 "reason":{"text":{"type":"plain_text_input","value":null}},"value":{"text":{"type":"plain_text_input","value":null}}}}},
             "response_urls":[],"is_enterprise_install":false,"enterprise":null}
            """.Replace("TEAMID", team, StringComparison.Ordinal))!.AsObject());
        await connection.SendAsync(unknown);
        await connection.SendAsync(incomplete);

        var commandAck = (await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(unknown))).Single();
        var viewAck = (await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(incomplete))).Single();
        await host.DrainAsync();

        Assert.That(commandAck.Payload?["response_type"]?.GetValue<string>(), Is.EqualTo("ephemeral"));
        Assert.That(commandAck.Payload?["text"]?.GetValue<string>(), Does.Contain("/learnbot help"));
        Assert.That(viewAck.Payload?["response_action"]?.GetValue<string>(), Is.EqualTo("errors"));
        Assert.That(viewAck.Payload?["errors"]?.AsObject().Select(e => e.Key), Does.Contain("reason"));
        Assert.That(host.Replies("/response/unknown"), Is.Empty);
        Assert.That(host.Calls("/api/chat.postMessage"), Is.Empty, "no kudos without a reason");
    }

    [Test]
    public async Task Every_envelope_is_acknowledged_within_three_seconds_while_many_arrive_on_two_connections()
    {
        const int count = 150;
        await using var socket = await FakeSocketModeServer.StartAsync();
        await using var host = SocketHost(socket.NewUrl);
        host.StubUser("UANN", "Ann");
        var team = Unique("T");
        var connections = new[] { await socket.WaitForConnectionAsync(0), await socket.WaitForConnectionAsync(1) };

        var envelopes = Enumerable.Range(0, count)
            .Select(i => SocketEnvelopes.SlashCommand("/learned", $"load note {i} #load", host.ResponseUrl("load" + i), team)).ToList();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(envelopes.Select((e, i) => connections[i % 2].SendAsync(e)));
        var acks = await socket.WaitForAcksAsync(count, timeout: TimeSpan.FromSeconds(30));
        var elapsed = watch.Elapsed;
        await host.DrainAsync();

        var latencies = acks.Select(a => a.Latency.TotalMilliseconds).Order().ToList();
        var p99 = latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1];
        TestContext.Out.WriteLine($"{count} envelopes in {elapsed.TotalMilliseconds:F0} ms; ack p50 {latencies[latencies.Count / 2]:F0} ms, p99 {p99:F0} ms, max {latencies[^1]:F0} ms");
        Assert.That(latencies[^1], Is.LessThan(3000), "Slack's limit is 3 s per envelope");
        Assert.That(acks.Select(a => a.EnvelopeId), Is.EquivalentTo(envelopes.Select(SocketEnvelopes.Id)), "each acknowledged once");
        var stored = await LearningsAsync(host, team, "UANN");
        Assert.That(stored.Select(l => l.Text), Is.EquivalentTo(Enumerable.Range(0, count).Select(i => $"load note {i}")), "each stored once");
    }

    [TestCase("refresh_requested")]
    [TestCase("warning")]
    public async Task A_disconnect_opens_the_new_connection_before_the_old_one_closes_and_loses_or_doubles_no_envelope(string reason)
    {
        await using var socket = await FakeSocketModeServer.StartAsync();
        await using var host = SocketHost(socket.NewUrl);
        host.ReadAckRepliesFrom(socket);
        host.StubUser("UANN", "Ann");
        var team = Unique("T");
        var old = await socket.WaitForConnectionAsync(0);
        await socket.WaitForConnectionAsync(1);

        await old.DisconnectAsync(reason);
        var replacement = await socket.WaitForConnectionAsync(2);
        var oldOpenWhenReplaced = old.IsOpen;
        var readyDuringRefresh = (await ReadyAsync(host)).Status;
        // Until Slack closes it, the old connection still delivers; then Slack closes it.
        var onOld = SocketEnvelopes.SlashCommand("/learned", "sent on the old connection", host.ResponseUrl("old"), team);
        var onNew = SocketEnvelopes.SlashCommand("/learned", "sent on the new connection", host.ResponseUrl("new"), team);
        await old.SendAsync(onOld);
        await replacement.SendAsync(onNew);
        var oldAck = (await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(onOld))).Single();
        var newAck = (await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(onNew))).Single();
        await old.CloseAsync();
        await host.WaitForRepliesAsync("/response/old");
        await host.WaitForRepliesAsync("/response/new");
        await host.DrainAsync();
        await Task.Delay(500); // would a closed, replaced connection be reopened once more?

        Assert.That(oldOpenWhenReplaced, Is.True, "the replacement was up before the old connection closed: no gap");
        Assert.That(readyDuringRefresh, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((oldAck.ConnectionId, newAck.ConnectionId), Is.EqualTo((old.Id, replacement.Id)), "each acknowledged where it arrived");
        Assert.That(socket.Acks, Has.Count.EqualTo(2));
        Assert.That((await LearningsAsync(host, team, "UANN")).Select(l => l.Text),
            Is.EquivalentTo(new[] { "sent on the old connection", "sent on the new connection" }));
        Assert.That((host.Replies("/response/old").Count, host.Replies("/response/new").Count), Is.EqualTo((1, 1)));
        Assert.That(socket.Connections, Has.Count.EqualTo(3), "one replacement, no extra connection");
        Assert.That(host.Calls("/api/apps.connections.open"), Has.Count.EqualTo(3));
        Assert.That((await ReadyAsync(host)).Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase(true, TestName = "Dropped mid-envelope: the first delivery finishes before the redelivery arrives")]
    [TestCase(false, TestName = "Dropped mid-envelope: the redelivery arrives while the first is still storing")]
    public async Task A_connection_dropped_before_the_ack_gets_the_envelope_redelivered_and_it_has_one_effect(bool firstFinishesFirst)
    {
        var logs = new CapturedLogs();
        await using var socket = await FakeSocketModeServer.StartAsync();
        // A first delivery's "Slack event …" line is Debug (issue 18): shown here, to see the envelope arrive.
        await using var host = SocketHost(socket.NewUrl, logs: logs,
            extra: new Dictionary<string, string?> { ["Logging:LogLevel:LearningBot.Slack.Inbound"] = "Debug" });
        host.StubUser("U0ANN", "Ann");
        var (team, dm) = (Unique("T"), Unique("D"));
        var connection = await socket.WaitForConnectionAsync(0);
        await socket.WaitForConnectionAsync(1);
        var warmUp = SocketEnvelopes.SlashCommand("/learned", "warm up", host.ResponseUrl("warm"), team, "U0ANN");
        await connection.SendAsync(warmUp);
        await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(warmUp));

        var envelope = SocketEnvelopes.FromFixture(Load(host, "event-dm-channel-tag", team, ("D0TAGDM1", dm), ("Ev0DMTAG01", Unique("Ev"))).Requests.Single());
        var eventId = envelope["payload"]!["event_id"]!.GetValue<string>();
        await using var blocker = new SqliteConnection($"Data Source={host.DatabasePath};Pooling=False");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE"; // the store write waits: the ack cannot have been sent yet
            await begin.ExecuteNonQueryAsync();
        }

        await connection.SendAsync(envelope);
        await WaitForLogAsync(logs, $"Slack event message in team {team}: {eventId}");
        connection.Drop();
        var reconnected = await socket.WaitForConnectionAsync(2);
        if (firstFinishesFirst)
        {
            await RollbackAsync(blocker);
            await host.WaitForCallsAsync("/api/chat.postMessage", where: To(dm));
        }

        var redelivery = SocketEnvelopes.Redelivery(envelope, 1, "timeout");
        await reconnected.SendAsync(redelivery);
        var redeliveryAck = (await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(redelivery))).Single();
        if (!firstFinishesFirst)
        {
            await RollbackAsync(blocker);
        }

        await host.WaitForCallsAsync("/api/chat.postMessage", where: To(dm));
        await host.DrainAsync();

        Assert.That(socket.Acks.Where(a => a.EnvelopeId == SocketEnvelopes.Id(envelope)), Is.Empty, "the first ack was lost with the connection");
        Assert.That(redeliveryAck.ConnectionId, Is.EqualTo(reconnected.Id));
        Assert.That((await LearningsAsync(host, team, "U0ANN")).Count(l => l.Text == "how HOT updates avoid index writes"), Is.EqualTo(1));
        Assert.That(host.Calls("/api/chat.postMessage").Count(To(dm)), Is.EqualTo(1), "one reply");
        Assert.That(logs.Lines.Select(l => l.Message), Has.Some.Contains($"{eventId} (retry 1)").Or.Some.Contains("retry 1, timeout"),
            "the redelivery is recognised as one");
    }

    [Test]
    public async Task A_refused_app_token_is_logged_clearly_keeps_the_host_not_ready_and_is_not_retried_in_a_loop()
    {
        var logs = new CapturedLogs();
        await using var host = SocketHost(() => "unused", logs: logs, openAnswer: new JsonObject { ["ok"] = false, ["error"] = "invalid_auth" });

        var body = await WaitUntilReadyIsAsync(host, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
        await WaitForLogAsync(logs, "Slack refused the app-level token");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // 30 reconnect delays (50 ms): a loop would call again and again
        var (status, later) = await ReadyAsync(host);

        var error = logs.Lines.Single(l => l.Message.Contains("Slack refused the app-level token", StringComparison.Ordinal));
        Assert.That(error.Level, Is.EqualTo(LogLevel.Error));
        Assert.That(error.Message, Does.Contain("invalid_auth").And.Contain("Slack__AppToken"));
        Assert.That(error.Message, Does.Not.Contain(AppToken).And.Not.Contain("xapp-1"), "the token itself is never logged");
        Assert.That(host.Calls("/api/apps.connections.open"), Has.Count.EqualTo(1), "one call, then a long wait");
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(later, Does.Contain("slackSocketMode").And.Contain("invalid_auth"));
        Assert.That(body, Does.Contain("no connection open"));
    }

    [Test]
    public async Task Socket_mode_switched_off_in_the_app_is_reported_and_not_reconnected_in_a_loop()
    {
        await using var socket = await FakeSocketModeServer.StartAsync();
        await using var host = SocketHost(socket.NewUrl);
        var connections = new[] { await socket.WaitForConnectionAsync(0), await socket.WaitForConnectionAsync(1) };

        // Turning Socket Mode off in the app settings: Slack says link_disabled on every connection and closes them.
        foreach (var connection in connections)
        {
            await connection.DisconnectAsync("link_disabled");
            await connection.CloseAsync();
        }

        var body = await WaitUntilReadyIsAsync(host, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(1)); // 20 reconnect delays

        Assert.That(body, Does.Contain("link_disabled"));
        Assert.That(host.Calls("/api/apps.connections.open"), Has.Count.EqualTo(2), "no new connection until the long wait is over");
        Assert.That(socket.Connections, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Slack_unreachable_at_start_is_retried_not_ready_until_a_connection_opens_then_ready()
    {
        var port = FakeSocketModeServer.FreePort();
        await using var host = SocketHost(() => FakeSocketModeServer.Url(port));

        var down = await WaitUntilReadyIsAsync(host, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
        var watch = Stopwatch.StartNew();
        while (host.Calls("/api/apps.connections.open").Count < 3 && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        var triesWhileDown = host.Calls("/api/apps.connections.open").Count;
        await using var socket = await FakeSocketModeServer.StartAsync(port);
        host.ReadAckRepliesFrom(socket);
        var up = await WaitUntilReadyIsAsync(host, HttpStatusCode.OK, TimeSpan.FromSeconds(10));
        var connection = await socket.WaitForConnectionAsync(0);
        host.StubUser("UANN", "Ann");
        var team = Unique("T");
        var envelope = SocketEnvelopes.SlashCommand("/learned", "patience pays", host.ResponseUrl("late"), team);
        await connection.SendAsync(envelope);
        await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(envelope));
        await host.WaitForRepliesAsync("/response/late");

        Assert.That(triesWhileDown, Is.GreaterThanOrEqualTo(3), "retried while Slack could not be reached");
        Assert.That(down, Does.Contain("could not connect"));
        Assert.That(up, Does.Contain("connection(s) open"));
        Assert.That((await LearningsAsync(host, team, "UANN")).Single().Text, Is.EqualTo("patience pays"));
    }

    [Test]
    public async Task A_slash_commands_reply_is_the_ack_payload_and_goes_to_response_url_only_when_the_envelope_accepts_none()
    {
        await using var socket = await FakeSocketModeServer.StartAsync();
        await using var host = SocketHost(socket.NewUrl);
        host.ReadAckRepliesFrom(socket);
        host.StubUser("UANN", "Ann");
        var team = Unique("T");
        var connection = await socket.WaitForConnectionAsync(0);
        // A fresh host's first command compiles everything (past AckWait on a busy machine): one first, so the rest take the steady path.
        var warmUp = SocketEnvelopes.SlashCommand("/learned", "warming up", host.ResponseUrl("warm-up"), team);
        await connection.SendAsync(warmUp);
        await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(warmUp));
        await host.WaitForRepliesAsync("/response/warm-up", timeout: TimeSpan.FromSeconds(30));
        await host.DrainAsync();
        var accepting = SocketEnvelopes.SlashCommand("/learned", "acks can carry the answer", host.ResponseUrl("in-ack"), team);
        // Slack marks envelopes whose ack may carry a response; one that does not gets its reply through response_url.
        var notAccepting = SocketEnvelopes.SlashCommand("/learned", "some envelopes take no payload", host.ResponseUrl("not-in-ack"), team);
        notAccepting["accepts_response_payload"] = false;

        await connection.SendAsync(accepting);
        var ack = (await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(accepting))).Single();
        await connection.SendAsync(notAccepting);
        var plainAck = (await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(notAccepting))).Single();
        var late = (await host.WaitForRepliesAsync("/response/not-in-ack")).Single();
        await host.DrainAsync();

        Assert.That(ack.Payload?["response_type"]?.GetValue<string>(), Is.EqualTo("ephemeral"), "the confirmation is the ack's payload");
        Assert.That(SlackHost.Strings(ack.Payload!["blocks"]), Does.Contain("acks can carry the answer"));
        Assert.That(host.Calls("/response/in-ack"), Is.Empty, "no second request to response_url");
        Assert.That(plainAck.Payload, Is.Null);
        Assert.That(SlackHost.Strings(late), Does.Contain("some envelopes take no payload"));
        Assert.That(host.Replies("/response/not-in-ack").Select(r => r.InAck), Is.EqualTo(new[] { false }));
        Assert.That((await LearningsAsync(host, team, "UANN")).Select(l => l.Text),
            Is.EquivalentTo(new[] { "warming up", "acks can carry the answer", "some envelopes take no payload" }));
    }

    [Test]
    public async Task An_envelope_whose_store_blocks_its_thread_does_not_hold_up_the_next_one_on_the_same_connection()
    {
        await using var socket = await FakeSocketModeServer.StartAsync();
        // The store's SQLite calls are synchronous; Microsoft.Data.Sqlite sleeps on the calling thread while another process
        // holds the write lock. Here one delivery's check blocks its thread for 1.5 s the same way.
        await using var host = SocketHost(socket.NewUrl, services: services => services.AddSingleton<IDeliveryLog>(sp =>
            new ThreadBlockingDeliveryLog(ActivatorUtilities.CreateInstance<LearningBot.Storage.Sqlite.SqliteDeliveryLog>(sp), "blocked", TimeSpan.FromMilliseconds(1500))));
        host.ReadAckRepliesFrom(socket);
        host.StubUser("UANN", "Ann");
        var team = Unique("T");
        var connection = await socket.WaitForConnectionAsync(0);
        var warmUp = SocketEnvelopes.SlashCommand("/learned", "warming up", host.ResponseUrl("warm-up-block"), team);
        await connection.SendAsync(warmUp);
        await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(warmUp));
        await host.DrainAsync();
        var blocked = SocketEnvelopes.SlashCommand("/learned", "a slow store", host.ResponseUrl("blocked"), team, triggerId: "blocked." + team);
        var next = SocketEnvelopes.SlashCommand("/learned", "the next envelope", host.ResponseUrl("next"), team);

        await connection.SendAsync(blocked);
        await connection.SendAsync(next);
        var nextAck = (await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(next))).Single();
        var blockedAck = (await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(blocked))).Single();
        await host.DrainAsync();

        var order = socket.Acks.Select(a => a.EnvelopeId).Where(id => id == SocketEnvelopes.Id(blocked) || id == SocketEnvelopes.Id(next)).ToList();
        Assert.That(order, Is.EqualTo(new[] { SocketEnvelopes.Id(next), SocketEnvelopes.Id(blocked) }), "the next envelope was not queued behind the blocked one");
        Assert.That(nextAck.Latency, Is.LessThan(TimeSpan.FromMilliseconds(1000)));
        Assert.That(SlackHost.Strings(blockedAck.Payload), Does.Contain("a slow store"), "the blocked one is still answered, in its ack");
        Assert.That((await LearningsAsync(host, team, "UANN")).Select(l => l.Text),
            Is.EquivalentTo(new[] { "warming up", "a slow store", "the next envelope" }));
    }

    [Test]
    public async Task An_envelope_being_handled_counts_as_chat_in_flight_so_the_background_embedder_waits_for_it()
    {
        await using var socket = await FakeSocketModeServer.StartAsync();
        // The embedder starts a model call only when ChatActivity is quiet; HTTP requests are counted by middleware, Socket Mode
        // envelopes (no HTTP request each) by the service. One store blocks for 1.5 s so the envelope is seen in flight.
        await using var host = SocketHost(socket.NewUrl, services: services => services.AddSingleton<IDeliveryLog>(sp =>
            new ThreadBlockingDeliveryLog(ActivatorUtilities.CreateInstance<LearningBot.Storage.Sqlite.SqliteDeliveryLog>(sp), "in-flight", TimeSpan.FromMilliseconds(1500))));
        host.ReadAckRepliesFrom(socket);
        host.StubUser("UANN", "Ann");
        var chat = host.Factory.Services.GetRequiredService<LearningBot.Core.Diagnostics.ChatActivity>();
        var team = Unique("T");
        var connection = await socket.WaitForConnectionAsync(0);
        var before = chat.Requests;
        var slow = SocketEnvelopes.SlashCommand("/learned", "counted while it is stored", host.ResponseUrl("in-flight"), team, triggerId: "in-flight." + team);

        await connection.SendAsync(slow);
        var watch = Stopwatch.StartNew();
        while (chat.InFlight == 0 && watch.Elapsed < TimeSpan.FromSeconds(1))
        {
            await Task.Delay(10);
        }

        Assert.That(chat.InFlight, Is.EqualTo(1), "the envelope is in flight while its store runs");
        Assert.That(chat.IsQuiet(TimeSpan.Zero), Is.False, "not a gap the embedder may use");
        await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(slow));
        var next = SocketEnvelopes.SlashCommand("/learned", "and one more", host.ResponseUrl("next-counted"), team);
        await connection.SendAsync(next);
        await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(next));
        await host.DrainAsync();

        Assert.That(chat.Requests - before, Is.EqualTo(2), "each envelope counted once");
        Assert.That(chat.InFlight, Is.Zero, "and no longer in flight once acknowledged");
    }

    /// <summary>The SQLite delivery log, whose check of one delivery (its id containing <paramref name="marker"/>) blocks the calling thread.</summary>
    private sealed class ThreadBlockingDeliveryLog(IDeliveryLog inner, string marker, TimeSpan block) : IDeliveryLog
    {
        public Task<bool> TryRecordAsync(string scope, string deliveryId, DeliverySender? sender, DateTimeOffset receivedAt,
            CancellationToken cancellationToken) => inner.TryRecordAsync(scope, deliveryId, sender, receivedAt, cancellationToken);

        public Task<bool> WasRecordedAsync(string scope, string deliveryId, CancellationToken cancellationToken) =>
            inner.WasRecordedAsync(scope, deliveryId, cancellationToken);

        public Task<string?> FirstRecordedAsync(string scope, IReadOnlyList<string> deliveryIds, CancellationToken cancellationToken)
        {
            if (deliveryIds.Any(id => id.Contains(marker, StringComparison.Ordinal)))
            {
                Thread.Sleep(block);
            }

            return inner.FirstRecordedAsync(scope, deliveryIds, cancellationToken);
        }

        public Task<DeliveryRun<T>> RunAndRecordAsync<T>(string scope, IReadOnlyList<string> deliveryIds,
            Func<CancellationToken, Task<DeliveryWork<T>>> work, DateTimeOffset receivedAt, CancellationToken cancellationToken) =>
            inner.RunAndRecordAsync(scope, deliveryIds, work, receivedAt, cancellationToken);
    }

    [Test]
    public async Task An_oauth_install_replies_with_the_workspace_token_named_by_the_envelopes_team()
    {
        await using var socket = await FakeSocketModeServer.StartAsync();
        await using var host = SocketHost(socket.NewUrl, new Dictionary<string, string?> { ["Slack:BotToken"] = "" });
        var (team, channel) = (Unique("T"), Unique("C"));
        await host.Factory.Services.GetRequiredService<IInstallationRepository>().SaveAsync(
            new Installation("slack", team, "Acme", "U0BOTLRN", "xoxb-installed-for-" + team, "UINSTALLER", DateTimeOffset.UtcNow), default);
        var connection = await socket.WaitForConnectionAsync(0);

        var mention = SocketEnvelopes.Event(SocketEnvelopes.EventCallback(team, new JsonObject
        {
            ["type"] = "app_mention", ["user"] = "UANN", ["text"] = "<@U0BOTLRN> help", ["ts"] = "1732870601.001400", ["channel"] = channel,
            ["event_ts"] = "1732870601.001400",
        }));
        await connection.SendAsync(mention);
        var reply = (await host.WaitForCallsAsync("/api/chat.postEphemeral", where: To(channel))).Single();

        Assert.That(SlackHost.Authorization(reply), Is.EqualTo("Bearer xoxb-installed-for-" + team));
        Assert.That(SlackHost.Authorization(host.Calls("/api/apps.connections.open")[0]), Is.EqualTo("Bearer " + AppToken), "one app token for every workspace");
    }

    [Test]
    public async Task Connections_reconnects_and_ack_latency_are_measured_on_the_learningbot_meter()
    {
        await using var socket = await FakeSocketModeServer.StartAsync();
        await using var host = SocketHost(socket.NewUrl);
        host.StubUser("UANN", "Ann");
        var first = await socket.WaitForConnectionAsync(0);
        await socket.WaitForConnectionAsync(1);
        var meter = host.Factory.Services.GetRequiredService<LearningBot.Core.Diagnostics.LearningBotMetrics>().Meter;
        var measurements = new System.Collections.Concurrent.ConcurrentQueue<(string Name, double Value, string Tags)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter && instrument.Name.StartsWith("learningbot.slack.socket.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(System.Diagnostics.Metrics.Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            measurements.Enqueue((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        first.Drop();
        var reopened = await socket.WaitForConnectionAsync(2);
        var envelope = SocketEnvelopes.SlashCommand("/learned", "metrics matter", host.ResponseUrl("metrics"), Unique("T"));
        await reopened.SendAsync(envelope);
        await socket.WaitForAcksAsync(1, SocketEnvelopes.Id(envelope));
        await Task.Delay(200); // the ack is timed right after it is sent

        var all = measurements.ToList();
        Assert.That(all.Where(m => m.Name == "learningbot.slack.socket.connections").Select(m => m.Value), Is.EqualTo(new[] { -1.0, 1.0 }),
            "one connection closed, one opened");
        Assert.That(all.Where(m => m.Name == "learningbot.slack.socket.reconnects").Select(m => m.Tags), Does.Contain("reason=dropped"));
        var ack = all.Single(m => m.Name == "learningbot.slack.socket.ack.duration");
        Assert.That(ack.Tags, Is.EqualTo("type=slash_commands,outcome=acked"));
        Assert.That(ack.Value, Is.GreaterThan(0).And.LessThan(3), "seconds");
    }

    private static async Task RollbackAsync(SqliteConnection blocker)
    {
        await using var end = blocker.CreateCommand();
        end.CommandText = "ROLLBACK";
        await end.ExecuteNonQueryAsync();
    }

    private static async Task WaitForLogAsync(CapturedLogs logs, string text)
    {
        var watch = Stopwatch.StartNew();
        while (!logs.Lines.Any(l => l.Message.Contains(text, StringComparison.Ordinal)))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                Assert.Fail($"No log line with '{text}'. Logged: " + string.Join(" | ", logs.Lines.Select(l => l.Message).TakeLast(20)));
            }

            await Task.Delay(10);
        }
    }
}
