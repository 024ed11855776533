using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using LearningBot.Core.Learnings;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace LearningBot.Slack.Tests;

/// <summary>
/// What Slack's acknowledgement means: the command's store write is done before the 200 goes back (within
/// Slack:AckWait), so a crash after the ack loses nothing; only the reply is posted afterwards.
/// </summary>
public sealed class SlackAcknowledgementTests
{
    private static Task<IReadOnlyList<LearningEntry>> LearningsAsync(SlackHost host, string team) =>
        host.Factory.Services.GetRequiredService<ILearningRepository>().ListAsync(new LearningQuery(team, "UANN", null, 10), default);

    /// <summary>
    /// A fresh host's first command compiles and opens everything (seconds on a busy machine, past AckWait): the tests that
    /// expect the reply in the ack send one first, so they measure the steady path.
    /// </summary>
    private static async Task WarmUpAsync(SlackHost host)
    {
        using var warm = await host.CommandAsync("/learned", "warming up", host.ResponseUrl("warm-up"), team: "TWARM");
        await host.WaitForRepliesAsync("/response/warm-up", timeout: TimeSpan.FromSeconds(30));
        await host.DrainAsync();
    }

    [Test]
    public async Task An_acknowledged_command_is_already_stored_when_slack_gets_the_ack_and_its_reply_is_the_ack_body()
    {
        await using var host = new SlackHost();
        await WarmUpAsync(host);
        // A slow users.info (before the pipeline): the ack waits for it and for the write, then carries the reply.
        host.Slack.Given(Request.Create().WithPath("/api/users.info").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithDelay(TimeSpan.FromMilliseconds(300)).WithStatusCode(200)
                .WithBody("""{"ok":true,"user":{"id":"UANN","name":"ann","profile":{"display_name":"Ann"}}}"""));

        using var ack = await host.CommandAsync("/learned", "acks wait for the write #durability", host.ResponseUrl("durable"), team: "TACK1");
        var storedAtAck = await LearningsAsync(host, "TACK1");
        var body = JsonNode.Parse(await ack.Content.ReadAsStringAsync())!.AsObject();
        await host.DrainAsync();

        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(storedAtAck.Select(l => l.Text), Is.EqualTo(new[] { "acks wait for the write" }), "stored before the ack");
        Assert.That(body["response_type"]!.GetValue<string>(), Is.EqualTo("ephemeral"), "the private confirmation is the ack's body");
        Assert.That(SlackHost.Strings(body["blocks"]), Does.Contain("acks wait for the write"));
        Assert.That(host.Calls("/response/durable"), Is.Empty, "no second request to response_url");
        Assert.That(host.Replies("/response/durable").Select(r => r.InAck), Is.EqualTo(new[] { true }));
    }

    [Test]
    public async Task A_public_kudos_reply_is_the_ack_body_in_channel_and_the_receivers_dms_still_go_out_after_it()
    {
        await using var host = new SlackHost();
        await WarmUpAsync(host);
        host.StubUser("UANN", "Ann");
        host.StubUser("UBO", "Bo");

        using var ack = await host.CommandAsync("/kudos", "<@UBO|bo> for the calm incident review #ownership", host.ResponseUrl("kudos"),
            team: "TACK5");
        var body = JsonNode.Parse(await ack.Content.ReadAsStringAsync())!.AsObject();
        var dm = await host.WaitForCallsAsync("/api/chat.postMessage", where: c => SlackHost.Json(c)["channel"]?.GetValue<string>() == "DUBO");
        await host.DrainAsync();

        Assert.That(body["response_type"]!.GetValue<string>(), Is.EqualTo("in_channel"), "kudos are public: Slack posts the ack's message in the channel");
        Assert.That(SlackHost.Strings(body), Does.Contain("calm incident review"));
        Assert.That(SlackHost.Strings(SlackHost.Json(dm.Single())), Does.Contain("calm incident review"), "the receiver's DM, after the ack");
        Assert.That(host.Calls("/response/kudos"), Is.Empty);
    }

    [Test]
    public async Task A_retried_command_is_stored_once_and_answered_once_its_retry_gets_a_plain_ack()
    {
        await using var host = new SlackHost();
        await WarmUpAsync(host);
        host.StubUser("UANN", "Ann");
        const string trigger = "13345224609.retried-by-a-proxy";

        using var first = await host.CommandAsync("/learned", "idempotency keys travel with the command", host.ResponseUrl("once"), team: "TACK6",
            triggerId: trigger);
        using var retry = await host.CommandAsync("/learned", "idempotency keys travel with the command", host.ResponseUrl("once"), team: "TACK6",
            triggerId: trigger);
        await host.DrainAsync();

        Assert.That((first.StatusCode, retry.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That(await retry.Content.ReadAsStringAsync(), Is.Empty, "the retry's ack carries no second reply");
        Assert.That(host.Replies("/response/once").Select(r => r.InAck), Is.EqualTo(new[] { true }), "answered once, in the first ack");
        Assert.That((await LearningsAsync(host, "TACK6")).Count, Is.EqualTo(1), "stored once");
    }

    [Test]
    public async Task Past_the_concurrency_limit_and_its_queue_a_request_gets_503_with_retry_after_and_stores_nothing()
    {
        await using var host = new SlackHost(new Dictionary<string, string?>
        {
            ["RequestLimits:MaxConcurrentChatRequests"] = "1",
            ["RequestLimits:MaxQueuedChatRequests"] = "0",
        });
        host.Slack.Given(Request.Create().WithPath("/api/users.info").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(1.5)).WithStatusCode(200)
                .WithBody("""{"ok":true,"user":{"id":"UANN","name":"ann","profile":{"display_name":"Ann"}}}"""));

        var first = host.CommandAsync("/learned", "the first one is in flight", host.ResponseUrl("first"), team: "TBUSY");
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // the first is waiting for users.info, holding the only slot
        using var refused = await host.CommandAsync("/learned", "the second one is refused", host.ResponseUrl("second"), team: "TBUSY");
        using var accepted = await first;
        using var later = await host.CommandAsync("/learned", "a later one has room again", host.ResponseUrl("later"), team: "TBUSY");

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That((accepted.StatusCode, later.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That((await LearningsAsync(host, "TBUSY")).Select(l => l.Text),
            Is.EquivalentTo(new[] { "the first one is in flight", "a later one has room again" }));
    }

    [Test]
    public async Task A_write_slower_than_the_ack_wait_is_acknowledged_in_time_and_finishes_in_the_background()
    {
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Slack:AckWait"] = "00:00:00.500" });
        host.StubUser("UANN", "Ann");
        using (var warmUp = await host.CommandAsync("/learned", "warm up", host.ResponseUrl("warm"), team: "TACK2"))
        {
            Assert.That(warmUp.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await using var blocker = new SqliteConnection($"Data Source={host.DatabasePath};Pooling=False");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE"; // another writer holds the lock for 2 s
            await begin.ExecuteNonQueryAsync();
        }

        var watch = Stopwatch.StartNew();
        using var ack = await host.CommandAsync("/learned", "slow disks happen", host.ResponseUrl("slow"), team: "TACK2");
        var ackTime = watch.Elapsed;
        var storedAtAck = (await LearningsAsync(host, "TACK2")).Count;
        await Task.Delay(TimeSpan.FromSeconds(2) - watch.Elapsed);
        await using (var end = blocker.CreateCommand())
        {
            end.CommandText = "ROLLBACK";
            await end.ExecuteNonQueryAsync();
        }

        var reply = SlackHost.Strings((await host.WaitForRepliesAsync("/response/slow", timeout: TimeSpan.FromSeconds(30))).Single());
        await host.DrainAsync();

        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ack.Content.ReadAsStringAsync(), Is.Empty, "the ack went before the reply was ready: no body");
        Assert.That(host.Replies("/response/slow").Select(r => r.InAck), Is.EqualTo(new[] { false }),
            "the late reply goes once, to response_url");
        Assert.That(ackTime, Is.LessThan(TimeSpan.FromSeconds(2)), "acknowledged after AckWait, not after the lock");
        Assert.That(storedAtAck, Is.EqualTo(1), "only the warm-up was stored when Slack got the ack");
        Assert.That(reply, Does.Contain("slow disks happen"));
        Assert.That((await LearningsAsync(host, "TACK2")).Count, Is.EqualTo(2));
        TestContext.Out.WriteLine($"ack after {ackTime.TotalMilliseconds:F0} ms");
    }

    [Test]
    public async Task A_retry_after_a_crash_between_the_write_and_the_delivery_record_is_answered_and_stored_once()
    {
        await using var host = new SlackHost();
        host.StubUser("UANN", "Ann");
        const string trigger = "4242.crashed-before-recording";
        // What a process killed after the pipeline's write, before the delivery record, leaves behind: the learning only.
        await host.Factory.Services.GetRequiredService<ILearningRepository>().AddAsync(new LearningEntry(Guid.NewGuid().ToString("N"),
            "TACK3", "UANN", "written before the crash", [], null, DateTimeOffset.UtcNow, "slack:command:" + trigger), default);

        using var retry = await host.CommandAsync("/learned", "written before the crash", host.ResponseUrl("retry"), team: "TACK3",
            triggerId: trigger);
        var reply = SlackHost.Strings((await host.WaitForRepliesAsync("/response/retry")).Single());
        using var again = await host.CommandAsync("/learned", "written before the crash", host.ResponseUrl("again"), team: "TACK3",
            triggerId: trigger);
        await host.DrainAsync();

        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(reply, Does.Contain("written before the crash"), "the retry is answered, not silently dropped");
        Assert.That((await LearningsAsync(host, "TACK3")).Count, Is.EqualTo(1), "and stored once");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(host.Replies("/response/again"), Is.Empty, "once recorded, a further retry has no effect at all");
    }
}
