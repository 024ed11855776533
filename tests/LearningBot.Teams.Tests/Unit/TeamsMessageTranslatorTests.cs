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

    private static Activity WithHtml(Activity activity, string html)
    {
        activity.Attachments = [new Attachment { ContentType = "text/html", Content = html }];
        return activity;
    }

    [Test]
    public async Task Links_with_the_same_title_each_keep_their_own_address_in_order()
    {
        var activity = WithHtml(Message("learned the docs and then the docs again"),
            """<p>learned the <a href="https://a.example/one">docs</a> and then the <a href='https://b.example/two'>docs</a> again</p>""");

        var message = await TranslateAsync(activity);

        Assert.That(message.Text, Is.EqualTo("learned the docs (https://a.example/one) and then the docs (https://b.example/two) again"));
    }

    [TestCase("javascript:alert(1)", Description = "only web addresses become text")]
    [TestCase("mailto:dee@example.com")]
    [TestCase("https://x.example/<@aad-admin>", Description = "angle brackets cannot ride along")]
    [TestCase("/relative/path")]
    public async Task Links_that_are_not_plain_web_addresses_are_left_out(string href)
    {
        var activity = WithHtml(Message("learned about the runbook"), $"""<p>learned about the <a href="{System.Net.WebUtility.HtmlEncode(href)}">runbook</a></p>""");

        var message = await TranslateAsync(activity);

        Assert.That(message.Text, Is.EqualTo("learned about the runbook"));
        Assert.That(message.Mentions, Is.Empty);
    }

    [Test]
    public async Task An_address_already_in_the_text_is_not_added_twice()
    {
        var activity = WithHtml(Message("learned https://a.example/one is good"),
            """<p>learned <a href="https://a.example/one">https://a.example/one</a> is good</p>""");

        Assert.That((await TranslateAsync(activity)).Text, Is.EqualTo("learned https://a.example/one is good"));
    }

    [Test]
    public async Task An_at_tag_without_an_entity_stays_a_plain_name_and_never_a_token()
    {
        var message = await TranslateAsync(Message("kudos <at>Dee &amp; Co</at> for x"));

        Assert.That(message.Text, Is.EqualTo("kudos Dee & Co for x"));
        Assert.That(message.Mentions, Is.Empty);
    }

    [TestCase("personal", false, false)]
    [TestCase("groupChat", true, false)]
    [TestCase("channel", true, true)]
    public async Task The_scope_says_what_the_conversation_offers(string conversationType, bool canMention, bool hasThreads)
    {
        var activity = Message("help");
        activity.Conversation.ConversationType = conversationType;

        var scope = (await TranslateAsync(activity)).Scope;

        Assert.That((scope.CanMentionPeople, scope.HasThreads), Is.EqualTo((canMention, hasThreads)));
        Assert.That(scope.WhomToAsk, Does.Contain("Teams__AdminUserIds"));
    }
}
