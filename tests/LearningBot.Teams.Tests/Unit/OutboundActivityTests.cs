using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using LearningBot.Core.Replies;
using LearningBot.Teams.Outbound;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using Microsoft.Rest.Serialization;
using Newtonsoft.Json.Linq;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Unit;

/// <summary>
/// The outbound activity written by System.Text.Json (issue 18) against what Bot Framework's own client would have posted for
/// the same <see cref="Activity"/>: the same JSON for the replies this bot sends (cards with mentions, links, facts, buttons,
/// a button that asks for text), in a channel thread and in a 1:1 chat; and Bot Framework's path for anything the record does
/// not carry, so nothing is ever dropped from an activity.
/// </summary>
[TestFixture]
public sealed class OutboundActivityTests
{
    private static readonly TeamsActivities Teams = new("https://smba.trafficmanager.net/emea/");

    /// <summary>The settings Bot Framework's ConnectorClient serialises activities with (SafeJsonConvert in Conversations.ReplyToActivity…).</summary>
    private static readonly Newtonsoft.Json.JsonSerializerSettings BotFrameworkSettings =
        new ConnectorClient(new Uri("https://smba.trafficmanager.net/emea/"), MicrosoftAppCredentials.Empty).SerializationSettings;

    private static IEnumerable<TestCaseData> Replies()
    {
        var kudos = new BotReply(ReplyKind.Confirmation, ReplyAudience.Channel,
        [
            new HeadingBlock("🎉 Kudos <b>sent</b>"),
            new Core.Replies.TextBlock(RichText.Of(new MentionSpan(Bo.AadObjectId, "Bo \"the\" Chen"), " thanks ",
                new StrongSpan("*fixing* the build"), " — see https://example.com/runbook?a=1&b=2.")),
            new NoteBlock(RichText.Of("You have ", new CodeSpan("4"), " left this week")),
        ]);
        var answer = new BotReply(ReplyKind.SearchResults, ReplyAudience.Requester,
        [
            new ListBlock([new ListItem(RichText.Of("How do I rotate keys?"), "shared by Ann · 2026-11-30")]),
            new FactsBlock([new Core.Replies.Fact("Streak", "3 weeks"), new Core.Replies.Fact("Time", "1h 30m")]),
            new ActionsBlock([new ReplyAction("This helped", "helped 0193f0c2"),
                new ReplyAction("Edit", "learned edit 0193f0c2") { AsksFor = new TextPrompt("New text", "how to read EXPLAIN plans\nline 2") }]),
        ]);
        foreach (var (name, reply) in new[] { ("kudos card", kudos), ("answer card", answer) })
        {
            yield return new TestCaseData(Teams.ChannelMessage("1732600000101", Ann, "kudos"), reply).SetName($"In a channel thread: {name}");
            yield return new TestCaseData(Teams.PersonalMessage("1732600000102", Ann, "learned"), reply).SetName($"In a 1:1 chat: {name}");
        }
    }

    [TestCaseSource(nameof(Replies))]
    public void A_reply_is_written_as_bot_framework_writes_it(string inbound, BotReply reply)
    {
        var activity = ReplyTo(inbound, reply);

        var written = OutboundActivity.TryFrom(activity);

        Assert.That(written, Is.Not.Null, "a reply this bot builds takes the System.Text.Json path");
        var ours = JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(written!, OutboundJsonContext.Default.OutboundActivity));
        var botFramework = JsonNode.Parse(SafeJsonConvert.SerializeObject(activity, BotFrameworkSettings));
        Assert.That(JsonNode.DeepEquals(ours, botFramework), Is.True, $"ours:\n{ours}\nBot Framework's:\n{botFramework}");
        Assert.That(ours!["type"]!.GetValue<string>(), Is.EqualTo("message"));
        Assert.That(ours["replyToId"]!.GetValue<string>(), Does.StartWith("17326000001"));
        Assert.That(ours["attachments"]![0]!["contentType"]!.GetValue<string>(), Is.EqualTo("application/vnd.microsoft.card.adaptive"));
    }

    /// <summary>
    /// Every public property of Bot Framework's <see cref="Activity"/> is either written by the record or, when set, sends the
    /// activity through Bot Framework's client: a property the record does not know (also one a newer Bot Framework adds) can
    /// never be silently dropped.
    /// </summary>
    [Test]
    public void Any_activity_property_the_record_does_not_write_sends_it_the_bot_framework_way()
    {
        var unwritten = typeof(Activity).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0 && !OutboundActivity.Written.Contains(p.Name))
            .ToList();

        Assert.That(unwritten, Has.Count.GreaterThan(20), "Bot Framework's Activity has many more fields than a reply uses");
        Assert.Multiple(() =>
        {
            foreach (var property in unwritten)
            {
                var activity = ReplyTo(Teams.PersonalMessage("1732600000103", Ann, "help"), Reply.Notice(ReplyKind.Help, new Core.Replies.TextBlock("hi")));
                property.SetValue(activity, SampleValue(property.PropertyType));
                Assert.That(OutboundActivity.TryFrom(activity), Is.Null, $"Activity.{property.Name} set: must not be dropped");
            }
        });
    }

    [Test]
    public void Entities_extension_data_and_non_json_content_send_it_the_bot_framework_way()
    {
        Activity Fresh() => ReplyTo(Teams.PersonalMessage("1732600000104", Ann, "help"), Reply.Notice(ReplyKind.Help, new Core.Replies.TextBlock("hi")));

        var withEntity = Fresh();
        withEntity.Entities.Add(new Mention { Text = "<at>Bo</at>", Mentioned = new ChannelAccount(Bo.Id, Bo.Name) });
        var fromWithExtra = Fresh();
        fromWithExtra.Recipient.Properties["userRole"] = "user";
        var conversationWithExtra = Fresh();
        conversationWithExtra.Conversation.Properties["tenantName"] = "Contoso";
        var heroCard = Fresh();
        heroCard.Attachments.Add(new HeroCard("Title").ToAttachment());
        var attachmentWithExtra = Fresh();
        attachmentWithExtra.Attachments[0].Properties["extra"] = 1;

        Assert.Multiple(() =>
        {
            Assert.That(OutboundActivity.TryFrom(Fresh()), Is.Not.Null, "the plain reply does take the fast path");
            Assert.That(OutboundActivity.TryFrom(withEntity), Is.Null, "an entity");
            Assert.That(OutboundActivity.TryFrom(fromWithExtra), Is.Null, "extension data on the recipient");
            Assert.That(OutboundActivity.TryFrom(conversationWithExtra), Is.Null, "extension data on the conversation");
            Assert.That(OutboundActivity.TryFrom(heroCard), Is.Null, "an attachment whose content is a Bot Framework object");
            Assert.That(OutboundActivity.TryFrom(attachmentWithExtra), Is.Null, "extension data on an attachment");
        });
    }

    [TestCase("https://smba.trafficmanager.net/emea/", TeamThreadId + ";messageid=1732600000000", "1732600000101",
        "https://smba.trafficmanager.net/emea/v3/conversations/19%3A2b1c7e5f3d9a4f0e8c6b%40thread.tacv2%3Bmessageid%3D1732600000000/activities/1732600000101")]
    [TestCase("https://smba.trafficmanager.net/amer", "a:1personal-Ann", null,
        "https://smba.trafficmanager.net/amer/v3/conversations/a%3A1personal-Ann/activities")]
    public void The_address_escapes_ids_as_bot_framework_does(string serviceUrl, string conversationId, string? activityId, string expected)
    {
        Assert.That(ConnectorActivities.ActivitiesUri(new Uri(serviceUrl), conversationId, activityId).AbsoluteUri, Is.EqualTo(expected));
    }

    /// <summary>The reply the bot sends for <paramref name="reply"/>, after Bot Framework's TurnContext addressed it to the inbound activity.</summary>
    private static Activity ReplyTo(string inboundJson, BotReply reply)
    {
        var inbound = Newtonsoft.Json.JsonConvert.DeserializeObject<Activity>(inboundJson)!;
        var activity = TeamsBot.ToActivity(reply);
        activity.ApplyConversationReference(inbound.GetConversationReference());
        activity.Id = null;
        return activity;
    }

    private static object SampleValue(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return "x";
        }

        if (underlying == typeof(JObject))
        {
            return new JObject { ["x"] = 1 };
        }

        if (underlying == typeof(object))
        {
            return new JObject { ["x"] = 1 };
        }

        if (underlying.IsValueType)
        {
            return underlying == typeof(bool) ? true : Activator.CreateInstance(underlying)!;
        }

        if (underlying.IsGenericType && typeof(IEnumerable).IsAssignableFrom(underlying))
        {
            var item = underlying.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(item))!;
            list.Add(item == typeof(string) ? "x" : Activator.CreateInstance(item));
            return list;
        }

        return Activator.CreateInstance(underlying)!;
    }
}
