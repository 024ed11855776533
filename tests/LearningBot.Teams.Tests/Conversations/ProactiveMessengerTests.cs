using LearningBot.Core.Conversations;
using LearningBot.Core.Replies;
using Microsoft.Extensions.DependencyInjection;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Conversations;

/// <summary>Proactive sends through the platform-neutral IProactiveMessenger, against the loopback Bot Connector.</summary>
[TestFixture]
public sealed class ProactiveMessengerTests : TeamsTestBase
{
    private static readonly BotReply Prompt = new(ReplyKind.Digest, ReplyAudience.Channel,
        [new HeadingBlock("Standing meeting"), new Core.Replies.TextBlock("What did you learn this week?")]);

    private IProactiveMessenger Messenger => Host.Services.GetServices<IProactiveMessenger>().Single(m => m.Platform == "msteams");

    private async Task<StoredConversation> InstalledTeamAsync()
    {
        await PostOkAsync(Teams.BotAdded("f:1", Ann));
        return (await Conversations.GetAsync("msteams:" + TeamThreadId, default))!;
    }

    [TestCase("tenant", "0d5c1e2f-9b8a-4c7d-8e6f-5a4b3c2d1e0f")]
    [TestCase("channel", "webchat")]
    public async Task A_stored_reference_of_another_tenant_or_channel_than_its_team_is_never_used(string field, string value)
    {
        // As a record written before inbound activities were checked could be: filed under this tenant, pointing elsewhere.
        var team = await InstalledTeamAsync();
        var reference = System.Text.Json.Nodes.JsonNode.Parse(team.ReferenceJson)!;
        if (field == "tenant")
        {
            reference["conversation"]!["tenantId"] = value;
        }
        else
        {
            reference["channelId"] = value;
        }

        var foreign = team with { ReferenceJson = reference.ToJsonString() };
        await Conversations.SaveAsync(foreign, default);
        var before = Connector.SentActivities.Count;

        var result = (await Messenger.SendAsync((await Conversations.GetAsync(team.Key, default))!, Prompt, null, default)).Result;

        Assert.That(result, Is.EqualTo(ProactiveSendResult.NotAvailable));
        Assert.That(Connector.SentActivities, Has.Count.EqualTo(before));
    }

    [Test]
    public async Task A_stored_conversation_gets_the_reply_as_a_new_message()
    {
        var team = await InstalledTeamAsync();

        var result = (await Messenger.SendAsync(team, Prompt, null, default)).Result;

        Assert.That(result, Is.EqualTo(ProactiveSendResult.Sent));
        var sent = Connector.SentActivities.Last();
        Assert.That(sent.Path, Is.EqualTo($"/teams/v3/conversations/{TeamThreadId}/activities"));
        Assert.That(sent.Card!.ToJsonString(), Does.Contain("What did you learn this week?"));
    }

    [Test]
    public async Task A_reply_in_a_thread_goes_under_its_post_and_the_sent_id_is_returned()
    {
        var team = await InstalledTeamAsync();

        var outcome = await Messenger.SendAsync(team, Prompt, "1700000000123", default);

        Assert.That(outcome.Result, Is.EqualTo(ProactiveSendResult.Sent));
        Assert.That(outcome.MessageId, Does.StartWith("sent-"));
        Assert.That(Connector.SentActivities.Last().Path, Is.EqualTo($"/teams/v3/conversations/{TeamThreadId}/activities/1700000000123"));
    }

    [Test]
    public async Task Throttling_is_retried_with_backoff_until_it_succeeds()
    {
        var team = await InstalledTeamAsync();
        var before = Connector.SentActivities.Count;
        Connector.ScriptSendResults((429, "0"), (429, null));

        var started = DateTime.UtcNow;
        var result = (await Messenger.SendAsync(team, Prompt, null, default)).Result;

        Assert.That(result, Is.EqualTo(ProactiveSendResult.Sent));
        Assert.That(Connector.SentActivities.Count - before, Is.EqualTo(3), "two throttled attempts, then the one that worked");
        Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(90)),
            "waited Retry-After (0 s) and then 2 × 50 ms base delay");
    }

    [Test]
    public async Task Throttling_past_the_attempt_limit_fails_but_keeps_the_conversation()
    {
        var team = await InstalledTeamAsync();
        Connector.ScriptSendResults((429, "0"), (429, "0"), (429, "0"), (429, "0"));

        var result = (await Messenger.SendAsync(team, Prompt, null, default)).Result;

        Assert.That(result, Is.EqualTo(ProactiveSendResult.Failed));
        Assert.That((await Conversations.GetAsync(team.Key, default))!.IsActive, Is.True);
    }

    [TestCase(403)]
    [TestCase(404)]
    public async Task A_removed_bot_marks_the_conversation_inactive_and_stops_sending(int status)
    {
        var team = await InstalledTeamAsync();
        Connector.ScriptSendResults((status, null));

        Assert.That((await Messenger.SendAsync(team, Prompt, null, default)).Result, Is.EqualTo(ProactiveSendResult.Gone));

        var stored = (await Conversations.GetAsync(team.Key, default))!;
        Assert.That(stored.IsActive, Is.False);
        var count = Connector.SentActivities.Count;
        Assert.That((await Messenger.SendAsync(stored, Prompt, null, default)).Result, Is.EqualTo(ProactiveSendResult.NotAvailable));
        Assert.That(Connector.SentActivities, Has.Count.EqualTo(count), "nothing sent to an inactive conversation");
    }
}
