using System.Text.Json.Nodes;
using LearningBot.Core.Learnings;
using LearningBot.Core.Prompts;
using Microsoft.Extensions.DependencyInjection;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Conversations;

/// <summary>The standing-meeting prompt in a Teams channel: posted as a new thread, answered by replies to it.</summary>
public sealed class TeamsPromptTests
{
    [Test]
    public async Task A_prompt_starts_a_channel_thread_and_replies_in_it_become_answers()
    {
        using var folder = new TempFolder();
        await using var connector = await BotConnectorStub.StartAsync();
        connector.Members[Ann.Id] = (Ann.AadObjectId, Ann.Name);
        connector.Members[Bo.Id] = (Bo.AadObjectId, Bo.Name);
        await using var host = new TeamsHost(connector, folder.File("bot.db"), new Dictionary<string, string?>
        {
            ["Teams:AdminUserIds:0"] = Ann.AadObjectId,
            ["Scheduler:PollInterval"] = "00:00:00.100",
        });
        var teams = new TeamsActivities(connector.ServiceUrl);
        async Task Post(string activity)
        {
            using var response = await host.PostActivityAsync(activity);
            Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        }

        await Post(teams.ChannelMessage("p1", Ann, "prompt set mon,thu 09:30 Europe/Berlin \"What did you learn this week?\""));
        await Post(teams.ChannelMessage("p2", Ann, "prompt now"));

        var prompts = host.Services.GetRequiredService<IPromptRepository>();
        PromptOccurrence? posted = null;
        for (var i = 0; i < 200 && posted?.PostedMessageId is null; i++)
        {
            posted = (await prompts.ListOccurrencesAsync("msteams:" + TeamThreadId, 1, default)).SingleOrDefault();
            await Task.Delay(25);
        }

        Assert.That(posted?.PostedMessageId, Is.Not.Null, "the prompt was never posted");
        // Replies to commands go to /activities/{replyToId}; the proactive prompt is a new thread in the channel.
        var newThreads = connector.SentActivities.Where(a => a.Path == $"/teams/v3/conversations/{TeamThreadId}/activities").ToList();
        Assert.That(newThreads, Has.Count.EqualTo(1));
        Assert.That(newThreads[0].Body!.ToJsonString(), Does.Contain("What did you learn this week?"));

        await Post(Reply(teams.ChannelMessage("r1", Bo, "x"), TeamThreadId + ";messageid=" + posted!.PostedMessageId,
            "retries need jitter #resilience"));
        await Post(Reply(teams.ChannelMessage("r2", Bo, "x"), TeamThreadId + ";messageid=1699999999999", "lunch anyone?"));

        var answers = await host.Services.GetRequiredService<ILearningRepository>()
            .ListAsync(new LearningQuery("msteams:" + TenantId, Bo.AadObjectId, null, 10), default);
        Assert.That(answers.Select(a => (a.Text, a.OccurrenceId)), Is.EqualTo(new[] { ("retries need jitter", posted.Id) }));
        Assert.That(connector.SentActivities.Count(a => a.Path.Contains("1699999999999", StringComparison.Ordinal)), Is.Zero,
            "unrelated channel chatter gets no answer");
    }

    /// <summary>A reply in a channel thread that does not mention the bot (what the channel-message permission delivers).</summary>
    private static string Reply(string channelMessage, string conversationId, string text)
    {
        var activity = JsonNode.Parse(channelMessage)!.AsObject();
        activity["conversation"]!["id"] = conversationId;
        activity["text"] = text;
        activity["entities"] = new JsonArray();
        return activity.ToJsonString();
    }
}
