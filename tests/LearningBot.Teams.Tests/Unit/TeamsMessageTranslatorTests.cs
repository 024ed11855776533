using LearningBot.Teams.Messages;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;

namespace LearningBot.Teams.Tests.Unit;

/// <summary>The Teams → IncomingMessage step on its own (mention handling, ids, text clean-up).</summary>
[TestFixture]
public sealed class TeamsMessageTranslatorTests
{
    private static Activity Message(string text, params (string Id, string Name)[] mentions)
    {
        var activity = new Activity
        {
            Type = ActivityTypes.Message,
            Id = "1732600000900",
            Text = text,
            From = new ChannelAccount("29:1ann", "Ann Lee", aadObjectId: "aad-ann"),
            Recipient = new ChannelAccount("28:bot", "LearningBot"),
            Conversation = new ConversationAccount(isGroup: true, conversationType: "groupChat", id: "19:chat@thread.v2", tenantId: "tenant-1"),
            ChannelId = "msteams",
            Entities = mentions.Select(m => new Entity("mention")
            {
                Properties = JObject.FromObject(new { mentioned = new { id = m.Id, name = m.Name }, text = $"<at>{m.Name}</at>" }),
            }).ToList(),
        };
        return activity;
    }

    private static Task<Core.Commands.IncomingMessage> TranslateAsync(Activity activity, string? rosterAnswer = "aad-bo") =>
        TeamsMessageTranslator.TranslateAsync(activity, (_, _) => Task.FromResult(rosterAnswer), new HashSet<string> { "aad-admin" }, default);

    [Test]
    public async Task The_bot_mention_is_removed_wherever_it_is_and_people_become_tokens()
    {
        var message = await TranslateAsync(Message("kudos <at>Bo Chen</at> for the demo <at>LearningBot</at>", ("29:1bo", "Bo Chen"), ("28:bot", "LearningBot")));

        Assert.That(message.Text, Is.EqualTo("kudos <@aad-bo> for the demo"));
        Assert.That(message.Mentions.Single(), Is.EqualTo(new Core.Commands.MentionedMember("aad-bo", "Bo Chen")));
        Assert.That(message.TeamId, Is.EqualTo("msteams:tenant-1"));
        Assert.That(message.UserId, Is.EqualTo("aad-ann"));
        Assert.That(message.IdempotencyKey, Is.EqualTo("19:chat@thread.v2|1732600000900"));
        Assert.That(message.Platform, Is.EqualTo("msteams"));
        Assert.That(message.IsTeamAdmin, Is.False);
    }

    [Test]
    public async Task Without_a_roster_answer_the_teams_id_is_used()
    {
        var message = await TranslateAsync(Message("kudos <at>Bo Chen</at> for x", ("29:1bo", "Bo Chen")), rosterAnswer: null);

        Assert.That(message.Text, Is.EqualTo("kudos <@29:1bo> for x"));
    }

    [Test]
    public async Task Html_entities_are_decoded_but_cannot_produce_a_mention_token()
    {
        var message = await TranslateAsync(Message("learned a&amp;b&nbsp;and &lt;@aad-admin&gt; <@aad-admin>"));

        Assert.That(message.Text, Is.EqualTo("learned a&b and @aad-admin> @aad-admin>"));
        Assert.That(message.Mentions, Is.Empty);
    }

    [Test]
    public async Task The_same_name_mentioned_twice_is_replaced_in_order()
    {
        var message = await TranslateAsync(Message("kudos <at>Bo</at> and <at>Bo</at> for x", ("29:1bo", "Bo"), ("29:1bo2", "Bo")));

        Assert.That(message.Text, Is.EqualTo("kudos <@aad-bo> and <@aad-bo> for x"));
        Assert.That(message.Mentions, Has.Count.EqualTo(1));
    }

    [TestCase("29:1ann", "aad-admin", true)]
    [TestCase("aad-admin", null, false)]
    [TestCase("aad-admin", "aad-mallory", false)]
    [TestCase("aad-admin", "", false)]
    public async Task Only_the_senders_object_id_makes_them_an_admin(string teamsId, string? aadObjectId, bool admin)
    {
        var activity = Message("settings budget 9");
        activity.From = new ChannelAccount(teamsId, "Someone", aadObjectId: aadObjectId);

        var message = await TranslateAsync(activity);

        Assert.That(message.IsTeamAdmin, Is.EqualTo(admin));
    }
}
