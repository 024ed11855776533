using LearningBot.TestSupport;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using Microsoft.Extensions.DependencyInjection;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Conversations;

/// <summary>A Bot Connector outage while the bot posts on its own: the message waits in the outbox, then goes out once.</summary>
public sealed class TeamsOutageTests
{
    [Test]
    public async Task A_prompt_due_while_the_connector_refuses_connections_stays_in_the_outbox_and_is_posted_once_when_it_is_back()
    {
        using var folder = new TempFolder();
        await using var connector = await BotConnectorStub.StartAsync();
        connector.Members[Ann.Id] = (Ann.AadObjectId, Ann.Name);
        var databasePath = folder.File("bot.db");
        await using var host = new TeamsHost(connector, databasePath, new Dictionary<string, string?>
        {
            ["Teams:AdminUserIds:0"] = Ann.AadObjectId,
            ["Scheduler:PollInterval"] = "00:00:00.100",
        });
        var teams = new TeamsActivities(connector.ServiceUrl);
        var newThreadsPath = $"/teams/v3/conversations/{TeamThreadId}/activities";
        using (var set = await host.PostActivityAsync(teams.ChannelMessage("o1", Ann, "prompt set thu 09:30 \"What did you learn during the outage?\"")))
        {
            Assert.That((int)set.StatusCode, Is.EqualTo(200));
        }

        await connector.StopAsync();
        // The command still runs (its reply to the channel is lost with the connector): the prompt goes to the outbox.
        using (var now = await host.PostActivityAsync(teams.ChannelMessage("o2", Ann, "prompt now")))
        {
            Assert.That((int)now.StatusCode, Is.EqualTo(200));
        }

        // The dispatcher tries, is refused at the TCP level, and tries again later: the message stays pending.
        var pending = await OutboxFile.WaitForPromptRowAsync(databasePath, "attempts >= 2 AND lease_until IS NULL AND last_error = 'send failed'");
        Assert.That(pending.State, Is.EqualTo("Pending"));
        Assert.That(connector.SentActivities.Count(a => a.Path == newThreadsPath), Is.Zero, "nothing reached the connector while it was down");

        await connector.RestartAsync();
        var sent = await OutboxFile.WaitForPromptRowAsync(databasePath, "state = 'Sent'");
        await Task.Delay(TimeSpan.FromSeconds(1)); // room for a wrongly repeated post to show up

        var posts = connector.SentActivities.Where(a => a.Path == newThreadsPath).ToList();
        Assert.That(posts, Has.Count.EqualTo(1), "posted exactly once after the outage");
        Assert.That(posts[0].Body!.ToJsonString(), Does.Contain("What did you learn during the outage?"));
        Assert.That(sent.PlatformMessageId, Does.StartWith("sent-"));
        var occurrence = (await host.Services.GetRequiredService<IPromptRepository>().ListOccurrencesAsync("msteams:" + TeamThreadId, 1, default)).Single();
        Assert.That(occurrence.PostedMessageId, Is.EqualTo(sent.PlatformMessageId), "replies to the post can be matched to the prompt");
        Assert.That(await host.Services.GetRequiredService<IOutbox>().CountPendingAsync(default), Is.Zero);
        TestContext.Out.WriteLine($"delivered after {sent.Attempts} attempts");
    }
}
