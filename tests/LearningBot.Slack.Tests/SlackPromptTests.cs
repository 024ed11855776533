using LearningBot.TestSupport;
using System.Text.Json.Nodes;
using LearningBot.Core.Learnings;
using LearningBot.Core.Outbox;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;

namespace LearningBot.Slack.Tests;

/// <summary>The standing-meeting prompt in Slack: set by an admin, posted by the scheduler, answered in its thread.</summary>
public sealed class SlackPromptTests
{
    private const string PromptTs = "1700000000.000100";

    [Test]
    public async Task A_prompt_is_posted_to_the_channel_and_replies_in_its_thread_become_answers()
    {
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Scheduler:PollInterval"] = "00:00:00.100" });
        host.StubUser("UBOSS", "Boss", isAdmin: true);
        host.StubUser("UANN", "Ann");
        host.Slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).AtPriority(10)
            .RespondWith(SlackHost.OkJson(new JsonObject { ["ok"] = true, ["channel"] = "C0001", ["ts"] = PromptTs }));

        await host.CommandAsync("/learnbot", "prompt set mon,thu 09:30 Europe/Berlin \"What did you learn this week?\"", host.ResponseUrl("set"),
            user: "UBOSS", userName: "boss");
        var set = await host.WaitForRepliesAsync("/response/set");
        await host.CommandAsync("/learnbot", "prompt now", host.ResponseUrl("now"), user: "UBOSS", userName: "boss");
        var posts = await host.WaitForCallsAsync("/api/chat.postMessage",
            where: c => SlackHost.Strings(SlackHost.Json(c)).Contains("What did you learn this week?"));
        await host.WaitForPromptPostAsync("T0001", "C0001", PromptTs);

        Assert.That(set[0]["response_type"]!.GetValue<string>(), Is.EqualTo("in_channel"));
        var post = SlackHost.Json(posts[0]);
        Assert.That(post["channel"]!.GetValue<string>(), Is.EqualTo("C0001"));
        Assert.That(post["thread_ts"], Is.Null);
        Assert.That(SlackHost.Authorization(posts[0]), Is.EqualTo("Bearer " + SlackHost.BotToken));

        await host.EventAsync("T0001", new JsonObject
        {
            ["type"] = "message", ["channel"] = "C0001", ["channel_type"] = "channel", ["user"] = "UANN",
            ["text"] = "retries need jitter #resilience 15m", ["ts"] = "1700000000.000200", ["thread_ts"] = PromptTs,
        });
        // Cheering in the thread is no answer: Slack sends emoji as shortcodes, a pasted emoji as the character itself.
        var cheers = new[] { ":tada:", ":+1::skin-tone-2: :rocket:", "\U0001F389\U0001F680", "<@UBOSS> :clap:" };
        for (var i = 0; i < cheers.Length; i++)
        {
            await host.EventAsync("T0001", new JsonObject
            {
                ["type"] = "message", ["channel"] = "C0001", ["channel_type"] = "channel", ["user"] = "UANN",
                ["text"] = cheers[i], ["ts"] = $"1700000000.00030{i}", ["thread_ts"] = PromptTs,
            });
        }

        await host.EventAsync("T0001", new JsonObject
        {
            ["type"] = "message", ["channel"] = "C0001", ["channel_type"] = "channel", ["user"] = "UANN",
            ["text"] = "unrelated chatter", ["ts"] = "1700000000.000400", ["thread_ts"] = "1690000000.000001",
        });
        var reactions = await host.WaitForCallsAsync("/api/reactions.add");
        await host.DrainAsync();

        var reaction = SlackHost.Json(reactions.Single());
        Assert.That(reaction["timestamp"]!.GetValue<string>(), Is.EqualTo("1700000000.000200"));
        Assert.That(reaction["name"]!.GetValue<string>(), Is.EqualTo("white_check_mark"));
        var answers = await host.Factory.Services.GetRequiredService<ILearningRepository>()
            .ListAsync(new LearningQuery("T0001", "UANN", null, 10), default);
        var answer = answers.Single();
        Assert.That((answer.Text, answer.Minutes, answer.OccurrenceId is not null), Is.EqualTo(("retries need jitter", 15, true)));
        Assert.That(answer.Tags, Is.EqualTo(new[] { "resilience" }));
        Assert.That(host.Calls("/api/reactions.add"), Has.Count.EqualTo(1),
            "neither emoji-only replies nor a reply in another thread are answers");
    }

    [Test]
    public async Task A_prompt_due_while_slack_refuses_connections_stays_in_the_outbox_and_is_posted_once_when_slack_is_back()
    {
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Scheduler:PollInterval"] = "00:00:00.100" });
        host.StubUser("UBOSS", "Boss", isAdmin: true);
        await host.CommandAsync("/learnbot", "prompt set thu 09:30 \"What did you learn during the outage?\"", host.ResponseUrl("set"),
            user: "UBOSS", userName: "boss");
        await host.WaitForRepliesAsync("/response/set"); // the boss is known to be an admin (users.info is cached)

        host.StopSlack();
        using var ack = await host.CommandAsync("/learnbot", "prompt now", host.ResponseUrl("now"), user: "UBOSS", userName: "boss");
        // The dispatcher tries, is refused at the TCP level, and tries again later: the message stays pending.
        var pending = await OutboxFile.WaitForPromptRowAsync(host.DatabasePath, "attempts >= 2 AND lease_until IS NULL AND last_error = 'send failed'");
        Assert.That(pending.State, Is.EqualTo("Pending"));

        host.RestartSlack();
        host.Slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).AtPriority(10)
            .RespondWith(SlackHost.OkJson(new JsonObject { ["ok"] = true, ["channel"] = "C0001", ["ts"] = PromptTs }));
        var sent = await OutboxFile.WaitForPromptRowAsync(host.DatabasePath, "state = 'Sent'");
        await Task.Delay(TimeSpan.FromSeconds(1)); // room for a wrongly repeated post to show up

        Assert.That(ack.IsSuccessStatusCode, Is.True);
        Assert.That(sent.PlatformMessageId, Is.EqualTo(PromptTs));
        Assert.That(host.Calls("/api/chat.postMessage").Count(c => SlackHost.Strings(SlackHost.Json(c)).Contains("What did you learn during the outage?")),
            Is.EqualTo(1), "posted exactly once after the outage");
        Assert.That(await host.Factory.Services.GetRequiredService<IOutbox>().CountPendingAsync(default), Is.Zero);
        TestContext.Out.WriteLine($"delivered after {sent.Attempts} attempts");
    }

    [Test]
    public async Task A_channel_the_bot_was_removed_from_is_given_up_without_retrying_forever()
    {
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Scheduler:PollInterval"] = "00:00:00.100" });
        host.StubUser("UBOSS", "Boss", isAdmin: true);
        host.Slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).AtPriority(10)
            .RespondWith(SlackHost.OkJson(new JsonObject { ["ok"] = false, ["error"] = "channel_not_found" }));

        await host.CommandAsync("/learnbot", "prompt set thu 09:30", host.ResponseUrl("set"), user: "UBOSS", userName: "boss");
        await host.WaitForRepliesAsync("/response/set");
        await host.CommandAsync("/learnbot", "prompt now", host.ResponseUrl("now"), user: "UBOSS", userName: "boss");
        await host.WaitForCallsAsync("/api/chat.postMessage");

        var outbox = host.Factory.Services.GetRequiredService<IOutbox>();
        for (var i = 0; i < 100 && await outbox.CountPendingAsync(default) > 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.That(await outbox.CountPendingAsync(default), Is.EqualTo(0));
        var conversation = await host.Factory.Services.GetRequiredService<LearningBot.Core.Conversations.IConversationRepository>()
            .GetAsync("slack:T0001:C0001", default);
        Assert.That(conversation!.IsActive, Is.False);
    }
}
