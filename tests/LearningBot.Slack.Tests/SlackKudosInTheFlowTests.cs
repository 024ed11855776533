using System.Net;
using System.Text.Json.Nodes;
using LearningBot.Core.Kudos;
using LearningBot.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;

namespace LearningBot.Slack.Tests;

/// <summary>
/// Inline kudos in channel messages and kudos by reaction through the real host: signed Events API callbacks shaped like
/// Slack's (https://api.slack.com/events/message, https://api.slack.com/events/reaction_added), a loopback fake Web API,
/// a real SQLite file, and a clock the test moves (for "taken back within a minute").
/// </summary>
public sealed class SlackKudosInTheFlowTests
{
    private SlackHost _host = null!;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [OneTimeSetUp]
    public void Start()
    {
        _host = new SlackHost(services: s => s.AddSingleton<TimeProvider>(_clock));
        _host.StubUser("UANN", "Ann");
        _host.StubUser("UBO", "Bo");
        _host.StubUser("UCY", "Cy");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string Team() => "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static string Channel() => "C" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static string Ts() => $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Random.Shared.Next(100000, 999999)}";

    private Task<IReadOnlyList<KudosGift>> GiftsAsync(string team) =>
        _host.Factory.Services.GetRequiredService<IKudosRepository>().ListSinceAsync(team, DateTimeOffset.MinValue, 50, default);

    /// <summary>A channel message event as Slack sends it for message.channels.</summary>
    private static JsonObject ChannelMessage(string channel, string user, string text, string ts) => new()
    {
        ["type"] = "message", ["channel"] = channel, ["user"] = user, ["text"] = text, ["ts"] = ts,
        ["event_ts"] = ts, ["channel_type"] = "channel",
    };

    private static JsonObject Reaction(bool added, string user, string reaction, string itemUser, string channel, string ts) => new()
    {
        ["type"] = added ? "reaction_added" : "reaction_removed", ["user"] = user, ["reaction"] = reaction, ["item_user"] = itemUser,
        ["item"] = new JsonObject { ["type"] = "message", ["channel"] = channel, ["ts"] = ts },
        ["event_ts"] = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.000200",
    };

    /// <summary>conversations.history for one message, and its permalink, as Slack answers them.</summary>
    private void StubMessage(string channel, string ts, string user, string text, bool byBot = false)
    {
        var message = new JsonObject { ["type"] = "message", ["user"] = user, ["text"] = text, ["ts"] = ts };
        if (byBot)
        {
            message["bot_id"] = "B0BOT";
        }

        _host.Slack.Given(Request.Create().WithPath("/api/conversations.history").UsingPost()
                .WithBody(b => b != null && b.Contains("channel=" + channel) && b.Contains("latest=" + Uri.EscapeDataString(ts))))
            .AtPriority(1)
            .RespondWith(SlackHost.OkJson(new JsonObject { ["ok"] = true, ["messages"] = new JsonArray(message), ["has_more"] = false }));
        _host.Slack.Given(Request.Create().WithPath("/api/chat.getPermalink").UsingPost()
                .WithBody(b => b != null && b.Contains("channel=" + channel)))
            .AtPriority(1)
            .RespondWith(SlackHost.OkJson(new JsonObject
            {
                ["ok"] = true, ["channel"] = channel,
                ["permalink"] = $"https://example.slack.com/archives/{channel}/p{ts.Replace(".", string.Empty, StringComparison.Ordinal)}",
            }));
    }

    private IEnumerable<WireMock.Logging.ILogEntry> CallsIn(string path, string channel) =>
        _host.Calls(path).Where(c => c.RequestMessage.Body?.Contains(channel, StringComparison.Ordinal) == true);

    [Test]
    public async Task Inline_kudos_in_a_channel_message_are_acknowledged_with_a_reaction_and_a_DM_once_despite_retries()
    {
        var (team, channel, ts) = (Team(), Channel(), Ts());
        var evt = ChannelMessage(channel, "UANN", "<@UBO> ++ for the incident write-up", ts);

        using var ack = await _host.EventAsync(team, evt, eventId: "EvINLINE" + ts);
        using var retry = await _host.EventAsync(team, evt.DeepClone().AsObject(), eventId: "EvINLINE" + ts, retryNum: 1);
        await _host.WaitForCallsAsync("/api/reactions.add", where: c => c.RequestMessage.Body!.Contains(channel));
        await _host.DrainAsync();

        Assert.That((ack.StatusCode, retry.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        var reaction = SlackHost.Json(CallsIn("/api/reactions.add", channel).Single());
        Assert.That((reaction["timestamp"]!.GetValue<string>(), reaction["name"]!.GetValue<string>()), Is.EqualTo((ts, "white_check_mark")));
        Assert.That(CallsIn("/api/chat.postMessage", channel), Is.Empty, "quiet: no channel post");
        var dm = _host.Calls("/api/chat.postMessage").Where(c => SlackHost.Json(c)["channel"]?.GetValue<string>() == "DUBO"
                                                                && SlackHost.Strings(SlackHost.Json(c)).Contains("the incident write-up")).ToList();
        Assert.That(dm, Has.Count.EqualTo(1));
        var gift = (await GiftsAsync(team)).Single();
        Assert.That((gift.GiverId, gift.ReceiverIds.Single(), gift.Reason, gift.ChannelId), Is.EqualTo(("UANN", "UBO", "the incident write-up", channel)));
    }

    [TestCase("<@UBO> can you review my PR?")]
    [TestCase("morning all, standup in 5")]
    [TestCase("thanks <@UBO> ++ for the review")]
    [TestCase("<@UBO> :eyes: for the review")]
    public async Task Channel_chatter_gets_no_reply_stores_nothing_and_leaves_no_delivery_record(string text)
    {
        var (team, channel, ts) = (Team(), Channel(), Ts());
        var eventId = "EvCHAT" + Guid.NewGuid().ToString("N")[..8];

        using var ack = await _host.EventAsync(team, ChannelMessage(channel, "UANN", text, ts), eventId: eventId);
        await _host.DrainAsync();

        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(CallsIn("/api/chat.postMessage", channel).Concat(CallsIn("/api/chat.postEphemeral", channel))
            .Concat(CallsIn("/api/reactions.add", channel)), Is.Empty);
        Assert.That(await GiftsAsync(team), Is.Empty);
        var log = _host.Factory.Services.GetRequiredService<IDeliveryLog>();
        Assert.That(await log.WasRecordedAsync("slack:" + team, "event:" + eventId, default), Is.False);
    }

    [Test]
    public async Task A_kudos_reaction_thanks_the_author_for_that_message_with_its_permalink_once()
    {
        var (team, channel, ts) = (Team(), Channel(), Ts());
        StubMessage(channel, ts, "UBO", "Wrote the &lt;staging&gt; runbook for <@UCY|cy>");
        var evt = Reaction(true, "UANN", "tada", "UBO", channel, ts);

        using var ack = await _host.EventAsync(team, evt, eventId: "EvREACT" + ts);
        using var retry = await _host.EventAsync(team, evt.DeepClone().AsObject(), eventId: "EvREACT" + ts, retryNum: 2);
        using var sameAgain = await _host.EventAsync(team, evt.DeepClone().AsObject()); // a second add, another event id
        await _host.DrainAsync();

        var gift = (await GiftsAsync(team)).Single();
        Assert.That((gift.GiverId, gift.ReceiverIds.Single(), gift.Reason, gift.ChannelId),
            Is.EqualTo(("UANN", "UBO", "Wrote the <staging> runbook for @cy", channel)));
        Assert.That(gift.Link, Is.EqualTo($"https://example.slack.com/archives/{channel}/p{ts.Replace(".", "")}"));
        var dms = _host.Calls("/api/chat.postMessage").Where(c => SlackHost.Json(c)["channel"]?.GetValue<string>() == "DUBO"
                                                                 && SlackHost.Strings(SlackHost.Json(c)).Contains("runbook")).ToList();
        Assert.That(dms, Has.Count.EqualTo(1));
        Assert.That(SlackHost.Strings(SlackHost.Json(dms[0])), Does.Contain("archives/" + channel), "the DM links the message");
        Assert.That(_host.Calls("/api/reactions.add").Concat(_host.Calls("/api/chat.postMessage"))
                .Count(c => SlackHost.Json(c)["channel"]?.GetValue<string>() == channel), Is.Zero,
            "the person's own reaction is the acknowledgement");
    }

    [Test]
    public async Task Other_emoji_cost_no_slack_call_and_bot_posts_and_own_messages_give_nothing()
    {
        var (team, channel) = (Team(), Channel());
        var (botTs, ownTs, otherTs) = (Ts(), Ts() + "1", Ts() + "2");
        StubMessage(channel, botTs, "UBOTUSER", "Learning minute: what did you learn?", byBot: true);

        using var eyes = await _host.EventAsync(team, Reaction(true, "UANN", "eyes", "UBO", channel, otherTs));
        using var onBot = await _host.EventAsync(team, Reaction(true, "UANN", "tada", "UBOTUSER", channel, botTs));
        using var own = await _host.EventAsync(team, Reaction(true, "UBO", "tada", "UBO", channel, ownTs));
        await _host.DrainAsync();

        Assert.That(CallsIn("/api/conversations.history", channel).Count(c => !c.RequestMessage.Body!.Contains(botTs)), Is.Zero);
        Assert.That(await GiftsAsync(team), Is.Empty);
        Assert.That(CallsIn("/api/chat.postEphemeral", channel), Is.Empty, "nobody is lectured for cheering");
    }

    [Test]
    public async Task Removing_the_reaction_within_a_minute_takes_the_kudos_back_later_it_stays()
    {
        var (team, channel, quick, slow) = (Team(), Channel(), Ts(), Ts() + "9");
        StubMessage(channel, quick, "UBO", "Fixed the flaky deploy");
        StubMessage(channel, slow, "UCY", "Reviewed the migration");

        using (await _host.EventAsync(team, Reaction(true, "UANN", "tada", "UBO", channel, quick)))
        {
        }

        _clock.Advance(TimeSpan.FromSeconds(40));
        using (await _host.EventAsync(team, Reaction(false, "UANN", "tada", "UBO", channel, quick)))
        {
        }

        using (await _host.EventAsync(team, Reaction(true, "UANN", "tada", "UCY", channel, slow)))
        {
        }

        _clock.Advance(TimeSpan.FromSeconds(70));
        using (await _host.EventAsync(team, Reaction(false, "UANN", "tada", "UCY", channel, slow)))
        {
        }

        using (await _host.EventAsync(team, Reaction(false, "UBO", "tada", "UCY", channel, slow))) // not Bo's reaction to take back
        {
        }

        await _host.DrainAsync();
        Assert.That((await GiftsAsync(team)).Select(g => g.ReceiverIds.Single()), Is.EqualTo(new[] { "UCY" }));
    }

    [Test]
    public async Task A_giver_over_budget_is_told_privately_and_nothing_is_stored()
    {
        var (team, channel) = (Team(), Channel());
        for (var i = 0; i < 5; i++)
        {
            using var given = await _host.EventAsync(team, ChannelMessage(channel, "UANN", $"<@UBO> ++ for help number {i}", Ts() + i));
        }

        var ts = Ts() + "7";
        StubMessage(channel, ts, "UCY", "Paired on the outage");
        using var over = await _host.EventAsync(team, Reaction(true, "UANN", "tada", "UCY", channel, ts));
        var ephemeral = SlackHost.Json((await _host.WaitForCallsAsync("/api/chat.postEphemeral", where: c => c.RequestMessage.Body!.Contains(channel))).Single());
        await _host.DrainAsync();

        Assert.That(ephemeral["user"]!.GetValue<string>(), Is.EqualTo("UANN"));
        Assert.That(SlackHost.Strings(ephemeral), Does.Contain("You've given all 5 kudos for this week"));
        Assert.That((await GiftsAsync(team)).Count(g => g.ReceiverIds.Contains("UCY")), Is.Zero);
        Assert.That(await GiftsAsync(team), Has.Count.EqualTo(5));
    }
}
