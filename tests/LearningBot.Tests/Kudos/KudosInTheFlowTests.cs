using LearningBot.Core.Commands;
using LearningBot.Core.Insights;
using LearningBot.Core.Kudos;
using LearningBot.Core.Replies;
using LearningBot.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Kudos;

/// <summary>
/// Inline kudos, kudos by reaction, budget periods, boards and values through the real pipeline, every real handler and a
/// real SQLite file (the platform adapters are covered by the Slack, Teams and playground host tests).
/// </summary>
public sealed class KudosInTheFlowTests : PipelineTests
{
    private Task<IReadOnlyList<KudosGift>> Gifts() =>
        Bot.Services.GetRequiredService<IKudosRepository>().ListSinceAsync("acme", DateTimeOffset.MinValue, 100, default);

    /// <summary>A channel message the bot reads in passing, as the Slack and Teams adapters hand it over.</summary>
    private Task<BotReply?> Overheard(string user, string text, string? key = null, string channel = "C1", params MentionedMember[] mentions) =>
        Bot.Services.GetRequiredService<CommandPipeline>().HandleAmbientAsync(
            new IncomingMessage("acme", user, char.ToUpperInvariant(user[0]) + user[1..], text, key ?? Guid.NewGuid().ToString("N"))
            {
                ChannelId = channel,
                Mentions = mentions.Length > 0
                    ? mentions
                    : System.Text.RegularExpressions.Regex.Matches(text, "<@([a-z]+)>")
                        .Select(m => new MentionedMember(m.Groups[1].Value, char.ToUpperInvariant(m.Groups[1].Value[0]) + m.Groups[1].Value[1..]))
                        .DistinctBy(m => m.UserId).ToList(),
            }, default);

    private Task<BotReply?> Reacted(string user, string emoji, bool added, string author, string text = "Wrote up the incident",
        string key = "C1:1700000000.000100", bool authorIsBot = false) =>
        Bot.Services.GetRequiredService<CommandPipeline>().HandleAmbientAsync(
            new IncomingMessage("acme", user, user, string.Empty, $"reaction:{key}:{user}")
            {
                ChannelId = "C1",
                Reaction = new MessageReaction(emoji, added, author, authorIsBot, text, "https://acme.slack.com/archives/C1/p1700000000000100"),
                Mentions = [new MentionedMember(author, "Bo", authorIsBot)],
            }, default);

    [TestCase("<@bo> ++ for the incident write-up", "the incident write-up")]
    [TestCase("<@bo>++ for the incident write-up", "the incident write-up")]
    [TestCase("<@bo> :tada: thanks for pairing", "thanks for pairing")]
    [TestCase("<@bo> 🎉 thanks for pairing", "thanks for pairing")]
    [TestCase("<@bo> :tada::skin-tone-3: thanks for pairing", "thanks for pairing")]
    public async Task Inline_kudos_in_a_channel_message_are_given_quietly_and_DMed(string text, string reason)
    {
        var reply = await Overheard("ann", text);

        Assert.That(reply, Is.Not.Null);
        Assert.That((reply!.Kind, reply.Audience, reply.IsQuiet), Is.EqualTo((ReplyKind.Kudos, ReplyAudience.Channel, true)));
        Assert.That(PlainTextRenderer.Render(reply), Does.Contain("Kudos to @Bo"));
        Assert.That(reply.DirectMessages.Single().RecipientId, Is.EqualTo("bo"));
        var gift = (await Gifts()).Single();
        Assert.That((gift.GiverId, gift.ReceiverIds.Single(), gift.Reason, gift.ChannelId), Is.EqualTo(("ann", "bo", reason, "C1")));
    }

    [TestCase("<@bo> and <@cy> ++ great demo #teamwork")]
    [TestCase("<@bo>, <@cy> ++ great demo #teamwork")]
    [TestCase("<@bo> <@cy> ++ #teamwork great demo")]
    public async Task Inline_kudos_thank_everyone_mentioned_before_the_marker_with_a_value(string text)
    {
        await Overheard("ann", text);

        var gift = (await Gifts()).Single();
        Assert.That((gift.ReceiverIds, gift.Reason, gift.Value), Is.EqualTo((new[] { "bo", "cy" }, "great demo", "teamwork")));
    }

    [TestCase("thanks <@bo> ++ for the review")]          // the mention is not first
    [TestCase("<@bo> can you review my PR?")]             // a mention, no marker
    [TestCase("<@bo> +++ that")]                          // not the marker
    [TestCase("<@bo> C++ is hard")]
    [TestCase("<@bo> :raised_hands: for the review")]     // not the team's emoji
    [TestCase("c++ for the win <@bo>")]
    [TestCase("kudos to the team")]
    [TestCase("")]
    public async Task Ordinary_chatter_is_never_taken_as_a_command_nor_answered(string text)
    {
        var reply = await Overheard("ann", text);

        Assert.That(reply, Is.Null);
        Assert.That(await Gifts(), Is.Empty);
    }

    [Test]
    public async Task The_team_can_change_its_kudos_emoji_and_the_old_one_then_means_nothing()
    {
        var changed = await Bot.SendTextAsync("ann", "settings kudos-emoji :raised_hands:", admin: true);

        var old = await Overheard("ann", "<@bo> :tada: for the review");
        var byName = await Overheard("ann", "<@bo> :raised_hands: for the review");
        var byCharacter = await Overheard("ann", "<@cy> 🙌 for the demo");

        Assert.That(changed, Does.Contain("Kudos emoji: :raised_hands: 🙌"));
        Assert.That(old, Is.Null);
        Assert.That((byName?.Kind, byCharacter?.Kind), Is.EqualTo((ReplyKind.Kudos, ReplyKind.Kudos)));
        Assert.That((await Gifts()).Select(g => g.ReceiverIds.Single()), Is.EquivalentTo(new[] { "bo", "cy" }));
    }

    [Test]
    public async Task Inline_kudos_without_a_reason_self_kudos_and_bots_are_refused_privately_and_store_nothing()
    {
        var noReason = await Overheard("ann", "<@bo> ++");
        var self = await Overheard("ann", "<@ann> ++ for fixing the build");
        var bot = await Overheard("ann", "<@deploybot> ++ for the green build", mentions: new MentionedMember("deploybot", "Deploy Bot", IsBot: true));

        foreach (var reply in new[] { noReason, self, bot })
        {
            Assert.That((reply?.Kind, reply?.Audience, reply?.IsPrivateNotice), Is.EqualTo(((ReplyKind?)ReplyKind.Error, (ReplyAudience?)ReplyAudience.Requester, (bool?)true)));
        }

        Assert.That(PlainTextRenderer.Render(noReason!), Does.Contain("Say what the kudos are for"));
        Assert.That(PlainTextRenderer.Render(bot!), Does.Contain("Kudos are for people"));
        Assert.That(await Gifts(), Is.Empty);
    }

    [Test]
    public async Task A_command_thanking_a_bot_and_a_person_thanks_only_the_person()
    {
        var reply = await Bot.Services.GetRequiredService<CommandPipeline>().HandleAsync(
            new IncomingMessage("acme", "ann", "Ann", "kudos <@bo> <@deploybot> for the release", "k1")
            {
                Mentions = [new MentionedMember("bo", "Bo"), new MentionedMember("deploybot", "Deploy Bot", IsBot: true)],
            }, default);

        Assert.That(PlainTextRenderer.Render(reply), Does.Contain("Bots and apps were left out"));
        Assert.That((await Gifts()).Single().ReceiverIds, Is.EqualTo(new[] { "bo" }));
    }

    [Test]
    public async Task The_same_message_gives_once_and_over_budget_is_told_privately()
    {
        await Bot.SendAsync("ann", "settings budget 2 per day", admin: true);
        var first = await Overheard("ann", "<@bo> ++ for the review", key: "msg-1");
        var redelivered = await Overheard("ann", "<@bo> ++ for the review", key: "msg-1");
        await Overheard("ann", "<@cy> ++ for the demo");
        var over = await Overheard("ann", "<@dee> ++ for the docs");
        Bot.Clock.Advance(TimeSpan.FromDays(1));
        var tomorrow = await Overheard("ann", "<@dee> ++ for the docs");

        Assert.That(first!.IsRedelivery, Is.False);
        Assert.That(redelivered!.IsRedelivery, Is.True, "adapters repeat nothing for a redelivery");
        Assert.That((over!.Audience, over.IsPrivateNotice), Is.EqualTo((ReplyAudience.Requester, true)));
        Assert.That(PlainTextRenderer.Render(over), Does.Contain("You've given all 2 kudos for today").And.Contain("refills tomorrow"));
        Assert.That(tomorrow!.Kind, Is.EqualTo(ReplyKind.Kudos));
        Assert.That((await Gifts()).Select(g => g.ReceiverIds.Single()), Is.EquivalentTo(new[] { "bo", "cy", "dee" }));
    }

    [Test]
    public async Task A_monthly_budget_spans_weeks_and_the_reply_says_so()
    {
        var settings = await Bot.SendTextAsync("ann", "settings budget 3 per month", admin: true);
        await Bot.SendAsync("ann", "kudos <@bo> for one");
        Bot.Clock.Advance(TimeSpan.FromDays(5)); // into the next week, same month (Mon 30 Nov)
        var second = await Bot.SendTextAsync("ann", "kudos <@bo> for two");

        Assert.That(settings, Does.Contain("3 per person per month"));
        Assert.That(second, Does.Contain("1 of 3 kudos left this month"));
    }

    [Test]
    public async Task A_kudos_reaction_thanks_the_author_with_the_message_and_link_once_per_giver()
    {
        var reply = await Reacted("ann", "tada", added: true, author: "bo");
        var again = await Reacted("ann", "tada", added: true, author: "bo");
        var otherEmoji = await Reacted("cy", "eyes", added: true, author: "bo");
        var ownMessage = await Reacted("bo", "tada", added: true, author: "bo");
        var botPost = await Reacted("cy", "tada", added: true, author: "learningbot", authorIsBot: true);

        Assert.That((reply!.IsQuiet, reply.Audience), Is.EqualTo((true, ReplyAudience.Channel)));
        Assert.That(PlainTextRenderer.Render(reply.DirectMessages.Single().Reply), Does.Contain("gave you kudos for Wrote up the incident"));
        Assert.That(again!.IsRedelivery, Is.True);
        Assert.That((otherEmoji, ownMessage, botPost), Is.EqualTo(((BotReply?)null, (BotReply?)null, (BotReply?)null)));
        var gift = (await Gifts()).Single();
        Assert.That((gift.GiverId, gift.ReceiverIds.Single(), gift.Reason, gift.Link),
            Is.EqualTo(("ann", "bo", "Wrote up the incident", "https://acme.slack.com/archives/C1/p1700000000000100")));
    }

    [Test]
    public async Task Removing_the_reaction_within_a_minute_takes_the_kudos_back_and_later_it_stays()
    {
        await Reacted("ann", "tada", added: true, author: "bo", key: "C1:1.1");
        Bot.Clock.Advance(TimeSpan.FromSeconds(50));
        var takenBack = await Reacted("ann", "tada", added: false, author: "bo", key: "C1:1.1");
        var notTheirs = await Reacted("cy", "tada", added: false, author: "bo", key: "C1:1.1");
        Assert.That(await Gifts(), Is.Empty);
        Assert.That(takenBack!.IsSilent && notTheirs!.IsSilent, Is.True);

        await Reacted("ann", "tada", added: true, author: "bo", key: "C1:2.2");
        Bot.Clock.Advance(TimeSpan.FromSeconds(61));
        await Reacted("ann", "tada", added: false, author: "bo", key: "C1:2.2");

        Assert.That((await Gifts()).Select(g => g.Reason), Is.EqualTo(new[] { "Wrote up the incident" }));
        Assert.That(await Bot.SendTextAsync("ann", "kudos <@cy> for the check"), Does.Contain("3 of 5 kudos left"), "the taken-back kudos was refunded");
    }

    [Test]
    public async Task Team_values_are_validated_with_the_closest_suggested_and_counted_in_insights()
    {
        await Bot.SendAsync("ann", "settings values add ownership", admin: true);
        var listed = await Bot.SendTextAsync("ann", "settings values add #Customer-First", admin: true);
        var notAdmin = await Bot.SendTextAsync("bo", "settings values add chaos");

        var typo = await Bot.SendAsync("ann", "kudos <@bo> #ownrship for the incident write-up");
        var unknownInline = await Overheard("ann", "<@bo> ++ for the demo #speed");
        await Bot.SendAsync("ann", "kudos <@bo> #ownership for the incident write-up");
        await Overheard("ann", "<@cy> ++ #ownership for the runbook");
        await Overheard("ann", "<@cy> ++ for the call #customer-first");
        var insights = await Bot.SendTextAsync("ann", "insights week");

        Assert.That(listed, Does.Contain("#ownership #customer-first"));
        Assert.That(notAdmin, Does.Contain("Only team admins"));
        Assert.That(PlainTextRenderer.Render(typo), Does.Contain("#ownrship isn't one of this team's values — did you mean #ownership?")
            .And.Contain("#ownership #customer-first"));
        Assert.That(PlainTextRenderer.Render(unknownInline!), Does.Contain("#speed isn't one of this team's values"));
        Assert.That((await Gifts()).Select(g => g.Value), Is.EquivalentTo(new[] { "ownership", "ownership", "customer-first" }));
        Assert.That(insights, Does.Contain("Kudos by value").And.Contain("#ownership").And.Contain("2 kudos").And.Contain("#customer-first"));
        var removed = await Bot.SendTextAsync("ann", "settings values remove ownership", admin: true);
        Assert.That(removed, Does.Contain("Values: #customer-first"));
        Assert.That(await Bot.SendTextAsync("ann", "settings values remove nonsense", admin: true), Does.Contain("#nonsense isn't one of the team's values"));
    }

    [Test]
    public async Task Boards_rank_givers_per_channel_and_leave_out_people_who_hid()
    {
        await Overheard("ann", "<@bo> ++ for the review", channel: "C1");
        await Overheard("ann", "<@cy> ++ for the demo", channel: "C1");
        await Overheard("dee", "<@bo> ++ for the pairing", channel: "C2");
        await Bot.SendAsync("cy", "kudos hide me");

        var givers = await Bot.SendTextAsync("ann", "kudos top givers");
        var receivers = await Bot.SendTextAsync("ann", "kudos top this month");
        var inC1 = await Bot.Services.GetRequiredService<CommandPipeline>().HandleAsync(
            new IncomingMessage("acme", "ann", "Ann", "kudos top givers here all time", "k-here") { ChannelId = "C2" }, default);
        var named = await Bot.SendTextAsync("ann", "kudos top in #C1");
        var unknownFrame = await Bot.SendTextAsync("ann", "kudos top givers fortnight");

        Assert.That(givers, Does.Contain("Kudos givers this week").And.Contain("1. @Ann").And.Contain("gave 2 kudos to 2 people").And.Contain("2. @Dee"));
        Assert.That(receivers, Does.Contain("1. @Bo").And.Not.Contain("@Cy"), "Cy hid from the boards");
        Assert.That(PlainTextRenderer.Render(inC1), Does.Contain("Kudos givers of all time in this channel").And.Contain("@Dee").And.Not.Contain("@Ann"));
        Assert.That(named, Does.Contain("in #C1").And.Contain("@Bo").And.Contain("1 kudos from 1 person"));
        Assert.That(unknownFrame, Does.Contain("\"fortnight\" isn't a time frame"));

        await Bot.SendAsync("cy", "kudos show me");
        Assert.That(await Bot.SendTextAsync("ann", "kudos top"), Does.Contain("@Cy"));
    }

    [Test]
    public async Task Mentioning_the_bot_with_inline_kudos_gives_them_as_well()
    {
        // "@LearningBot @bo ++ …": the adapter strips the bot's mention; what is left is inline kudos, not an unknown command.
        var reply = await Bot.SendAsync("ann", "<@bo> ++ for the release notes");

        Assert.That((reply.Kind, reply.IsQuiet), Is.EqualTo((ReplyKind.Kudos, true)));
        Assert.That((await Gifts()).Single().Reason, Is.EqualTo("the release notes"));
    }

    [Test]
    public void Help_lists_the_new_kudos_forms()
    {
        var usages = CommandCatalog.All.Select(u => u.Usage).ToList();

        Assert.That(usages, Has.Some.Contains("@person ++"));
        Assert.That(usages, Has.Some.Contains("kudos top [givers]"));
        Assert.That(usages, Has.Some.Contains("kudos hide me"));
        Assert.That(usages, Has.Some.Contains("kudos-emoji"));
    }
}
