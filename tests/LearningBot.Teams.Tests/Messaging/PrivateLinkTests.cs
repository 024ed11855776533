using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Messaging;

/// <summary>
/// Teams shows a bot's reply to the whole conversation, so replies carrying a private sign-in link must not be
/// posted in a channel: they go to the person's 1:1 chat, or are withheld when there is none.
/// </summary>
public sealed class PrivateLinkTests : TeamsTestBase
{
    [Test]
    public async Task Insights_asked_in_a_channel_arrive_in_the_1_to_1_chat_and_the_channel_sees_no_link()
    {
        await PostOkAsync(Teams.PersonalMessage("1732600000701", Ann, "help")); // Ann's 1:1 chat is now known
        var before = Connector.SentActivities.Count;

        await PostOkAsync(Teams.ChannelMessage("1732600000702", Ann, "insights"));

        var sent = Connector.SentActivities.Skip(before).ToList();
        var inChannel = sent.Single(a => a.Path.Contains(TeamThreadId, StringComparison.Ordinal));
        var inPersonal = sent.Single(a => a.Path.Contains(Ann.PersonalConversationId, StringComparison.Ordinal));
        Assert.That(inChannel.Body!.ToJsonString(), Does.Not.Contain("/dashboard/signin"));
        Assert.That(inChannel.Body!.ToJsonString(), Does.Contain("1:1 chat"));
        Assert.That(inPersonal.Body!.ToJsonString(), Does.Contain("/dashboard/signin?token="));
    }

    [Test]
    public async Task Without_a_known_1_to_1_chat_the_link_is_withheld()
    {
        await PostOkAsync(Teams.ChannelMessage("1732600000711", Bo, "export me"));

        var reply = Connector.SentActivities.Last().Body!.ToJsonString();
        Assert.That(reply, Does.Not.Contain("/export?token="));
        Assert.That(reply, Does.Contain("message me directly"));
    }

    [Test]
    public async Task In_the_1_to_1_chat_the_link_is_given_directly()
    {
        await PostOkAsync(Teams.PersonalMessage("1732600000721", Ann, "me"));

        Assert.That(Connector.SentActivities.Last().Body!.ToJsonString(), Does.Contain("/dashboard/signin?token="));
    }
}
