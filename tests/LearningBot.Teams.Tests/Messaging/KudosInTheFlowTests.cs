using System.Text.Json.Nodes;
using LearningBot.Core.Kudos;
using Microsoft.Extensions.DependencyInjection;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Messaging;

/// <summary>
/// Inline kudos in Teams through the real host: a channel message the bot reads without being mentioned (the
/// ChannelMessage.Read.Group permission delivers every message) and one that mentions it.
/// </summary>
public sealed class KudosInTheFlowTests : TeamsTestBase
{
    private const string TeamId = "msteams:" + TenantId;

    private Task<IReadOnlyList<KudosGift>> GiftsAsync() =>
        Host.Services.GetRequiredService<IKudosRepository>().ListSinceAsync(TeamId, DateTimeOffset.MinValue, 50, default);

    /// <summary>The same channel message as <see cref="TeamsActivities.ChannelMessage"/> but not addressed to the bot: no bot mention.</summary>
    private string Overheard(string id, Person from, string text, params Person[] mentioned)
    {
        var activity = JsonNode.Parse(Teams.ChannelMessage(id, from, text, mentioned))!.AsObject();
        activity["text"] = text;
        var entities = activity["entities"]!.AsArray();
        entities.Remove(entities.First(e => e?["mentioned"]?["id"]?.GetValue<string>() == BotId));
        return activity.ToJsonString();
    }

    [Test]
    public async Task Inline_kudos_read_in_passing_get_one_reply_in_the_thread_a_DM_and_count_once()
    {
        var activity = Overheard("1732600000101", Ann, "<at>Bo Chen</at> ++ for the incident write-up", Bo);

        await PostOkAsync(activity);
        await PostOkAsync(activity); // Teams redelivers the same activity id

        var gift = (await GiftsAsync()).Single();
        Assert.That((gift.GiverId, gift.Reason, gift.ChannelId), Is.EqualTo((Ann.AadObjectId, "the incident write-up", TeamThreadId)));
        // Bo's Entra id when the roster answers, else his Teams id (the translator's documented fallback).
        Assert.That(gift.ReceiverIds.Single(), Is.AnyOf(Bo.AadObjectId, Bo.Id));
        var inThread = Connector.SentActivities.Where(r => r.Path.Contains(Uri.EscapeDataString(ChannelConversationId), StringComparison.Ordinal)
                                                           || r.Path.Contains(ChannelConversationId, StringComparison.Ordinal)).ToList();
        Assert.That(inThread, Has.Count.EqualTo(1), string.Join("\n", Connector.SentActivities.Select(r => r.Path)));
        Assert.That(inThread[0].Body!["summary"]!.GetValue<string>(), Does.Contain("Kudos to @Bo Chen"));
    }

    [TestCase("<at>Bo Chen</at> can you review my PR?")]
    [TestCase("thanks <at>Bo Chen</at> ++ for the review")]
    [TestCase("Morning all!")]
    public async Task Channel_chatter_read_in_passing_gets_no_reply_and_stores_nothing(string text)
    {
        await PostOkAsync(Overheard("1732600000202", Ann, text, text.Contains("<at>", StringComparison.Ordinal) ? [Bo] : []));

        Assert.That(Connector.SentActivities, Is.Empty);
        Assert.That(await GiftsAsync(), Is.Empty);
    }

    [Test]
    public async Task Inline_kudos_after_mentioning_the_bot_are_given_too()
    {
        await PostOkAsync(Teams.ChannelMessage("1732600000303", Ann, "<at>Bo Chen</at> 🎉 thanks for pairing on the outage", Bo));

        var gift = (await GiftsAsync()).Single();
        Assert.That(gift.Reason, Is.EqualTo("thanks for pairing on the outage"));
        Assert.That(gift.ReceiverIds.Single(), Is.AnyOf(Bo.AadObjectId, Bo.Id));
        Assert.That(Connector.SentActivities.Single().Body!["summary"]!.GetValue<string>(), Does.Contain("Kudos to"));
    }

    [Test]
    public async Task Inline_kudos_to_a_bot_are_refused_and_store_nothing()
    {
        var bot = new Person("28:someotherbot-0000", "Deploy Bot", "");
        await PostOkAsync(Overheard("1732600000404", Ann, "<at>Deploy Bot</at> ++ for the green build", bot));

        Assert.That(await GiftsAsync(), Is.Empty);
        Assert.That(Connector.SentActivities.Where(r => r.Path.Contains(TeamThreadId, StringComparison.Ordinal)), Is.Empty,
            "a refusal is never posted in the channel");
    }
}
