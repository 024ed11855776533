using LearningBot.Core.Kudos;
using LearningBot.Core.Replies;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Pipeline;

public sealed class KudosCommandTests : PipelineTests
{

    private Task<IReadOnlyList<KudosGift>> StoredGifts(string team = "acme") =>
        Bot.Services.GetRequiredService<IKudosRepository>().ListSinceAsync(team, DateTimeOffset.MinValue, 100, default);

    [Test]
    public async Task Kudos_are_posted_publicly_naming_everyone_and_DM_each_receiver()
    {
        var reply = await Bot.SendAsync("ann", "kudos <@bo> <@cy> for walking me through the incident review #mentoring");
        var text = PlainTextRenderer.Render(reply);

        Assert.That(reply.Kind, Is.EqualTo(ReplyKind.Kudos));
        Assert.That(reply.Audience, Is.EqualTo(ReplyAudience.Channel));
        Assert.That(text, Does.Contain("@Ann gave kudos to @Bo and @Cy"));
        Assert.That(text, Does.Contain("For walking me through the incident review"));
        Assert.That(text, Does.Contain("#mentoring · Ann has 3 of 5 kudos left this week."));
        Assert.That(reply.DirectMessages.Select(d => d.RecipientId), Is.EqualTo(new[] { "bo", "cy" }));
        Assert.That(PlainTextRenderer.Render(reply.DirectMessages[0].Reply), Does.Contain("@Ann gave you kudos for walking me through"));
        var mentions = reply.Blocks.OfType<TextBlock>().SelectMany(b => b.Text.Spans).OfType<MentionSpan>().ToList();
        Assert.That(mentions.Select(m => m.UserId), Is.EqualTo(new[] { "ann", "bo", "cy" }));
    }

    [Test]
    public async Task The_weekly_budget_is_enforced_and_refills_next_week()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.That((await Bot.SendAsync("ann", $"kudos <@bo> for help number {i}")).Kind, Is.EqualTo(ReplyKind.Kudos));
        }

        var refused = await Bot.SendAsync("ann", "kudos <@bo> for one more");
        Bot.Clock.Advance(TimeSpan.FromDays(5)); // Wednesday → next Monday
        var nextWeek = await Bot.SendTextAsync("ann", "kudos <@bo> for a new week");

        Assert.That(refused.Kind, Is.EqualTo(ReplyKind.Error));
        Assert.That(refused.Audience, Is.EqualTo(ReplyAudience.Requester));
        Assert.That(PlainTextRenderer.Render(refused), Does.Contain("You've given all 5 kudos for this week"));
        Assert.That(refused.DirectMessages, Is.Empty);
        Assert.That(nextWeek, Does.Contain("4 of 5 kudos left"));
        Assert.That(await StoredGifts(), Has.Count.EqualTo(6));
    }

    [Test]
    public async Task Thanking_more_people_than_the_budget_allows_stores_nothing()
    {
        await Bot.SendAsync("ann", "kudos <@bo> <@cy> <@dee> <@eve> for the launch");

        var refused = await Bot.SendTextAsync("ann", "kudos <@fay> <@gus> for the retro");

        Assert.That(refused, Does.Contain("you have 1 left this week"));
        Assert.That(await StoredGifts(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Self_kudos_are_refused_kindly_and_nothing_is_stored()
    {
        var reply = await Bot.SendAsync("ann", "kudos <@ann> for finally fixing the build");

        Assert.That(reply.Kind, Is.EqualTo(ReplyKind.Error));
        Assert.That(PlainTextRenderer.Render(reply), Does.Contain("Kudos are for thanking someone else"));
        Assert.That(PlainTextRenderer.Render(reply), Does.Contain("learned finally fixing the build"));
        Assert.That(await StoredGifts(), Is.Empty);
    }

    [Test]
    public async Task Thanking_yourself_and_others_thanks_only_the_others()
    {
        var reply = await Bot.SendTextAsync("ann", "kudos <@ann> <@bo> for the pairing session");

        Assert.That(reply, Does.Contain("@Ann gave kudos to @Bo"));
        Assert.That(reply, Does.Contain("I left you out"));
        Assert.That((await StoredGifts()).Single().ReceiverIds, Is.EqualTo(new[] { "bo" }));
    }

    [Test]
    public async Task A_redelivered_kudos_uses_budget_once_and_is_flagged()
    {
        var first = await Bot.SendAsync("ann", "kudos <@bo> for the review", key: "Ev9");
        var again = await Bot.SendAsync("ann", "kudos <@bo> for the review", key: "Ev9");

        Assert.That(first.IsRedelivery, Is.False);
        Assert.That(again.IsRedelivery, Is.True);
        Assert.That(PlainTextRenderer.Render(again), Does.Contain("4 of 5 kudos left"));
        Assert.That(await StoredGifts(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Leaderboard_ranks_receivers_and_can_be_switched_off()
    {
        await Bot.SendAsync("ann", "kudos <@bo> <@cy> for the demo");
        await Bot.SendAsync("dee", "kudos <@cy> for the docs");

        var board = await Bot.SendTextAsync("ann", "kudos top");
        await Bot.SendAsync("admin", "settings leaderboard off", admin: true);
        var off = await Bot.SendTextAsync("ann", "kudos top");

        Assert.That(board, Does.Contain("1. @Cy (2 kudos from 2 people)"));
        Assert.That(board, Does.Contain("2. @Bo (1 kudos from 1 person)"));
        Assert.That(board, Does.Contain("Recognition reached 2 people this week"));
        Assert.That(off, Does.Contain("Leaderboards are switched off"));
    }

    [Test]
    public async Task A_changed_budget_applies_to_the_next_kudos()
    {
        await Bot.SendAsync("admin", "settings budget 2", admin: true);

        await Bot.SendAsync("ann", "kudos <@bo> for one");
        var second = await Bot.SendTextAsync("ann", "kudos <@bo> for two");
        var third = await Bot.SendTextAsync("ann", "kudos <@bo> for three");

        Assert.That(second, Does.Contain("0 of 2 kudos left"));
        Assert.That(third, Does.Contain("You've given all 2 kudos"));
    }
}
