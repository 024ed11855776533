using System.Net;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Messaging;

/// <summary>Messages posted to /api/messages exactly as Teams sends them, with anonymous auth (no app id configured).</summary>
[TestFixture]
public sealed class MessageEndpointTests
{
    private TempFolder _folder = null!;
    private BotConnectorStub _connector = null!;
    private TeamsHost _host = null!;
    private TeamsActivities _teams = null!;

    [SetUp]
    public async Task Start()
    {
        _folder = new TempFolder();
        _connector = await BotConnectorStub.StartAsync();
        _connector.Members[Bo.Id] = (Bo.AadObjectId, Bo.Name);
        _host = new TeamsHost(_connector, _folder.File("bot.db"));
        _teams = new TeamsActivities(_connector.ServiceUrl);
    }

    [TearDown]
    public async Task Stop()
    {
        await _host.DisposeAsync();
        await _connector.DisposeAsync();
        _folder.Dispose();
    }

    [Test]
    public async Task A_channel_help_message_gets_an_adaptive_card_reply_in_the_thread()
    {
        var response = await _host.PostActivityAsync(_teams.ChannelMessage("1732600000101", Ann, "help"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var sent = _connector.SentActivities.Single();
        Assert.That(sent.Path, Is.EqualTo($"/teams/v3/conversations/{ChannelConversationId}/activities/1732600000101"));
        Assert.That(sent.Body!["attachments"]![0]!["contentType"]!.GetValue<string>(), Is.EqualTo("application/vnd.microsoft.card.adaptive"));
        Assert.That(sent.Card!["version"]!.GetValue<string>(), Is.EqualTo("1.5"));
        Assert.That(sent.Body["summary"]!.GetValue<string>(), Does.Contain("kudos"));
        await NodeChecks.AssertValidCardsAsync(_connector.SentActivities.Select(a => a.Card!));
    }

    [Test]
    public async Task Kudos_to_a_teams_mention_resolves_the_person_through_the_roster_and_mentions_them_in_the_card()
    {
        await _host.PostActivityAsync(_teams.ChannelMessage("1732600000102", Ann, "kudos <at>Bo Chen</at> for fixing the flaky build", Bo));

        var card = _connector.SentActivities.Single().Card!;
        var mentions = card["msteams"]!["entities"]!.AsArray();
        Assert.That(mentions.Select(m => m!["mentioned"]!["id"]!.GetValue<string>()),
            Is.EquivalentTo(new[] { Ann.AadObjectId, Bo.AadObjectId }));
        Assert.That(mentions.Select(m => m!["text"]!.GetValue<string>()), Is.EquivalentTo(new[] { "<at>Ann Lee</at>", "<at>Bo Chen</at>" }));
        Assert.That(card.ToJsonString(), Does.Contain("fixing the flaky build"));
        Assert.That(_connector.Requests.Any(r => r.Method == "GET" && r.Path.EndsWith("/members/" + Bo.Id, StringComparison.Ordinal)),
            "Bo's Entra id came from the Teams roster API");
        await NodeChecks.AssertValidCardsAsync([card]);
    }

    /// <summary>
    /// The reply to a 1:1 message as the Bot Connector receives it (written by System.Text.Json since issue 18): a complete Bot
    /// Framework activity addressed back to the message — type, replyToId, conversation, from the bot to the person, the card
    /// attachment with its content type and the summary — posted with a Content-Length and Bot Framework's conversation header.
    /// </summary>
    [Test]
    public async Task A_personal_reply_reaches_the_connector_as_a_complete_bot_framework_activity()
    {
        var response = await _host.PostActivityAsync(_teams.PersonalMessage("1732600000107", Ann, "learned how to read EXPLAIN plans #postgres 30m"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var sent = _connector.SentActivities.Single();
        var body = sent.Body!;
        Assert.Multiple(() =>
        {
            Assert.That(sent.Path, Is.EqualTo($"/teams/v3/conversations/{Ann.PersonalConversationId}/activities/1732600000107"));
            Assert.That(sent.ConversationIdHeader, Is.EqualTo(Ann.PersonalConversationId));
            Assert.That(sent.ContentLength, Is.GreaterThan(0), "sent with a Content-Length, not chunked");
            Assert.That(body["type"]!.GetValue<string>(), Is.EqualTo("message"));
            Assert.That(body["replyToId"]!.GetValue<string>(), Is.EqualTo("1732600000107"));
            Assert.That(body["conversation"]!["id"]!.GetValue<string>(), Is.EqualTo(Ann.PersonalConversationId));
            Assert.That(body["conversation"]!["conversationType"]!.GetValue<string>(), Is.EqualTo("personal"));
            Assert.That(body["conversation"]!["tenantId"]!.GetValue<string>(), Is.EqualTo(TenantId));
            Assert.That(body["from"]!["id"]!.GetValue<string>(), Is.EqualTo(BotId));
            Assert.That(body["recipient"]!["id"]!.GetValue<string>(), Is.EqualTo(Ann.Id));
            Assert.That(body["recipient"]!["aadObjectId"]!.GetValue<string>(), Is.EqualTo(Ann.AadObjectId));
            Assert.That(body["channelId"]!.GetValue<string>(), Is.EqualTo("msteams"));
            Assert.That(body["serviceUrl"]!.GetValue<string>(), Is.EqualTo(_connector.ServiceUrl));
            Assert.That(body["attachments"]!.AsArray(), Has.Count.EqualTo(1));
            Assert.That(body["attachments"]![0]!["contentType"]!.GetValue<string>(), Is.EqualTo("application/vnd.microsoft.card.adaptive"));
            Assert.That(body["summary"]!.GetValue<string>(), Does.Contain("EXPLAIN plans"));
            Assert.That(sent.Card!["fallbackText"]!.GetValue<string>(), Is.EqualTo(body["summary"]!.GetValue<string>()));
            Assert.That(body.AsObject().Any(p => p.Value is null), Is.False, "absent fields are left out, not null");
        });
        await NodeChecks.AssertValidCardsAsync([sent.Card!]);
    }

    [Test]
    public async Task A_redelivered_activity_has_no_second_effect()
    {
        var kudos = _teams.ChannelMessage("1732600000103", Ann, "kudos <at>Bo Chen</at> for the review", Bo);
        await _host.PostActivityAsync(kudos);
        await _host.PostActivityAsync(kudos);
        await _host.PostActivityAsync(_teams.ChannelMessage("1732600000104", Ann, "help"));
        await _host.PostActivityAsync(_teams.ChannelMessage("1732600000104", Ann, "help"));

        Assert.That(_connector.SentActivities, Has.Count.EqualTo(2), "one reply per distinct activity");

        await _host.PostActivityAsync(_teams.ChannelMessage("1732600000105", Ann, "kudos <at>Bo Chen</at> for pairing", Bo));
        var note = _connector.SentActivities.Last().Card!.ToJsonString();
        Assert.That(note, Does.Contain("has 3 of 5 kudos left"), "the redelivered kudos used the budget once, not twice");
    }

    [Test]
    public async Task A_typed_mention_token_is_not_treated_as_a_mention()
    {
        await _host.PostActivityAsync(_teams.ChannelMessage("1732600000106", Ann, $"kudos <@{Bo.AadObjectId}> for nothing"));

        var card = _connector.SentActivities.Single().Card!;
        Assert.That(card.ToJsonString(), Does.Not.Contain("Kudos!"), "only Teams mention entities count as people");
    }

    [Test]
    public async Task A_malformed_body_is_rejected_with_400()
    {
        var response = await _host.PostActivityAsync("{ not json");

        Assert.That((int)response.StatusCode, Is.InRange(400, 499));
        Assert.That(_connector.Requests, Is.Empty);
    }
}
