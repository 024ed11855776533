using System.Text.Json.Nodes;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Messaging;

/// <summary>
/// People post the same answer where they happen to be: a 1:1 chat, a group chat and a channel of one tenant. The team
/// keeps one copy, every later share points to it, and <c>ask</c> lists it once.
/// </summary>
public sealed class ShareOnceTests : TeamsTestBase
{
    private const string Share = "share How do I get a staging database password? :: Run vault read secret/staging/db #ops";

    [Test]
    public async Task The_same_share_in_a_1_to_1_chat_a_group_chat_and_a_channel_is_stored_once()
    {
        await PostOkAsync(Teams.PersonalMessage("1732600000901", Ann, Share));
        await PostOkAsync(GroupChat("1732600000902", Bo, Share.Replace("How do I", "how do i", StringComparison.Ordinal)));
        await PostOkAsync(Teams.ChannelMessage("1732600000903", Ann, Share + "  "));
        var before = Connector.SentActivities.Count;

        await PostOkAsync(Teams.PersonalMessage("1732600000904", Bo, "ask staging database password"));

        var replies = Connector.SentActivities.Select(a => a.Body!.ToJsonString()).ToList();
        Assert.That(replies.Count(r => r.Contains("Shared answer saved", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(replies.Count(r => r.Contains("Already shared", StringComparison.Ordinal)), Is.EqualTo(2));
        // The reply's plain-text summary lists each result once (the card repeats it in its own elements).
        var ask = JsonNode.Parse(replies[before])!["summary"]!.GetValue<string>();
        Assert.That(Occurrences(ask, "vault read secret/staging/db"), Is.EqualTo(1), ask);
    }

    private string GroupChat(string id, Person from, string text)
    {
        var activity = JsonNode.Parse(Teams.ChannelMessage(id, from, text))!.AsObject();
        activity["conversation"] = new JsonObject
        {
            ["isGroup"] = true, ["conversationType"] = "groupChat", ["tenantId"] = TenantId, ["id"] = "19:group-share-once@thread.v2",
        };
        activity["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = TenantId } };
        return activity.ToJsonString();
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
