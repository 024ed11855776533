using System.Text.Json.Nodes;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Messaging;

/// <summary>
/// Teams shows a bot's reply to the whole conversation, so a reply that shows someone's private learnings (their
/// own list, the confirmation of <c>learned --private</c>) is never posted in a channel: it goes to the person's 1:1
/// chat, or is withheld when there is none. The message extension's search never finds a private learning.
/// </summary>
public sealed class PrivateLearningTests : TeamsTestBase
{
    private const string Private = "learned --private quokka husbandry rota #zebrafish 47m";

    [Test]
    public async Task Private_learnings_asked_for_in_a_channel_arrive_in_the_1_to_1_chat_and_the_channel_sees_none()
    {
        await PostOkAsync(Teams.PersonalMessage("1732600000801", Ann, Private)); // logged in the 1:1 chat, which is now known
        var before = Connector.SentActivities.Count;

        await PostOkAsync(Teams.ChannelMessage("1732600000802", Ann, "learned list me"));
        await PostOkAsync(Teams.ChannelMessage("1732600000803", Ann, "learned --private what I would change about our retros #career 20m"));

        var sent = Connector.SentActivities.Skip(before).ToList();
        var inChannel = sent.Where(a => a.Path.Contains(TeamThreadId, StringComparison.Ordinal)).Select(a => a.Body!.ToJsonString()).ToList();
        var inPersonal = sent.Where(a => a.Path.Contains(Ann.PersonalConversationId, StringComparison.Ordinal))
            .Select(a => a.Body!.ToJsonString()).ToList();
        Assert.That(inChannel, Has.Count.EqualTo(2));
        Assert.That(inChannel[0], Does.Contain("in our 1:1 chat: it shows your private learnings."));
        Assert.That(inChannel[1], Does.Contain("Logged privately: only you will see it. The details are in our 1:1 chat."));
        Assert.That(string.Join('\n', inChannel), Does.Not.Contain("quokka").And.Not.Contain("zebrafish").And.Not.Contain("retros"));
        Assert.That(inPersonal, Has.Count.EqualTo(2));
        Assert.That(inPersonal[0], Does.Contain("quokka husbandry rota").And.Contain("private"));
        Assert.That(inPersonal[1], Does.Contain("what I would change about our retros"));
    }

    [Test]
    public async Task Without_a_known_1_to_1_chat_private_learnings_are_withheld_from_the_channel()
    {
        await PostOkAsync(Teams.ChannelMessage("1732600000811", Bo, Private.Replace("quokka", "wombat", StringComparison.Ordinal)));
        await PostOkAsync(Teams.ChannelMessage("1732600000812", Bo, "learned list"));

        var replies = Connector.SentActivities.TakeLast(2).Select(a => a.Body!.ToJsonString()).ToList();
        Assert.That(replies[0], Does.Contain("Logged privately: only you will see it. Message me directly"));
        Assert.That(replies[1], Does.Contain("shows your private learnings, so I only give it in a 1:1 chat: message me directly"));
        Assert.That(string.Join('\n', replies), Does.Not.Contain("wombat").And.Not.Contain("zebrafish"));
    }

    [Test]
    public async Task A_list_without_private_learnings_is_still_answered_in_the_channel()
    {
        await PostOkAsync(Teams.PersonalMessage("1732600000821", Ann, Private));
        await PostOkAsync(Teams.ChannelMessage("1732600000822", Bo, "learned ansible facts caching #ansible"));

        await PostOkAsync(Teams.ChannelMessage("1732600000823", Bo, "learned list team"));

        var reply = Connector.SentActivities.Last();
        Assert.That(reply.Path, Does.Contain(TeamThreadId));
        Assert.That(reply.Body!.ToJsonString(), Does.Contain("ansible facts caching").And.Not.Contain("quokka").And.Not.Contain("zebrafish"));
    }

    [Test]
    public async Task Message_extension_search_never_finds_a_private_learning()
    {
        await PostOkAsync(Teams.PersonalMessage("1732600000831", Ann, Private));
        await PostOkAsync(Teams.ChannelMessage("1732600000832", Bo,
            "share Who runs the quokka enclosure? :: The facilities team, see the wiki #facilities"));

        foreach (var query in new[] { "husbandry rota", "zebrafish", "#zebrafish" })
        {
            var response = JsonNode.Parse(await PostOkAsync(Teams.ExtensionQuery("q:" + query, Bo, query)))!["composeExtension"]!;

            Assert.That(response["type"]!.GetValue<string>(), Is.EqualTo("message"), query);
            Assert.That(response["text"]!.GetValue<string>(), Does.StartWith("Nothing shared about"), query);
        }

        var shared = JsonNode.Parse(await PostOkAsync(Teams.ExtensionQuery("q:shared", Bo, "quokka rota")))!["composeExtension"]!;
        Assert.That(shared["attachments"]!.AsArray(), Has.Count.EqualTo(1), "only the shared answer is found");
        Assert.That(shared.ToJsonString(), Does.Contain("quokka enclosure").And.Not.Contain("husbandry").And.Not.Contain("zebrafish"));
    }
}
