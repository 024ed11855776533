using LearningBot.Core.Learnings;
using LearningBot.Core.Replies;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Pipeline;

public sealed class LearningCommandTests : PipelineTests
{

    [Test]
    public async Task Learned_confirms_privately_with_tags_time_and_streak()
    {
        var reply = await Bot.SendAsync("ann", "learned how EXPLAIN plans work #postgres 30m");
        var text = PlainTextRenderer.Render(reply);

        Assert.That(reply.Kind, Is.EqualTo(ReplyKind.Confirmation));
        Assert.That(reply.Audience, Is.EqualTo(ReplyAudience.Requester));
        Assert.That(text, Does.Contain("nice one, Ann"));
        Assert.That(text, Does.Contain("how EXPLAIN plans work"));
        Assert.That(text, Does.Contain("Tags: #postgres"));
        Assert.That(text, Does.Contain("Time spent: 30m"));
        Assert.That(text, Does.Contain("Streak: 1 week"));
        Assert.That(text, Does.Contain("This week: 1 learning · 30m"));
    }

    [Test]
    public async Task Streak_counts_consecutive_weeks_and_restarts_after_a_gap()
    {
        await Bot.SendAsync("ann", "learned week one");
        Bot.Clock.Advance(TimeSpan.FromDays(7));
        await Bot.SendAsync("ann", "learned week two");
        Bot.Clock.Advance(TimeSpan.FromDays(7));
        var third = await Bot.SendTextAsync("ann", "learned week three 1h");
        Bot.Clock.Advance(TimeSpan.FromDays(14));
        var afterGap = await Bot.SendTextAsync("ann", "learned after a break");

        Assert.That(third, Does.Contain("Streak: 3 weeks in a row"));
        Assert.That(third, Does.Contain("This week: 1 learning · 1h"));
        Assert.That(afterGap, Does.Contain("Streak: 1 week"));
    }

    [Test]
    public async Task A_redelivered_learning_is_stored_once_and_flagged()
    {
        var first = await Bot.SendAsync("ann", "learned idempotency keys", key: "Ev123");
        var again = await Bot.SendAsync("ann", "learned idempotency keys", key: "Ev123");

        Assert.That(first.IsRedelivery, Is.False);
        Assert.That(again.IsRedelivery, Is.True);
        Assert.That(PlainTextRenderer.Render(again), Does.Contain("This week: 1 learning"));
        var stored = await Bot.Services.GetRequiredService<ILearningRepository>()
            .ListAsync(new LearningQuery("acme", null, null, 10), default);
        Assert.That(stored, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Learned_list_shows_me_a_person_or_the_team()
    {
        await Bot.SendAsync("ann", "learned ann's first thing #a");
        await Bot.SendAsync("bo", "learned bo's thing 45m");
        Bot.Clock.Advance(TimeSpan.FromMinutes(1));
        await Bot.SendAsync("ann", "learned ann's second thing");

        var mine = await Bot.SendTextAsync("ann", "learned");
        var bos = await Bot.SendTextAsync("ann", "learned list <@bo>");
        var team = await Bot.SendTextAsync("ann", "learned list team week");

        Assert.That(mine, Does.StartWith("Your learnings"));
        Assert.That(mine.IndexOf("second", StringComparison.Ordinal), Is.LessThan(mine.IndexOf("first", StringComparison.Ordinal)));
        Assert.That(mine, Does.Not.Contain("bo's"));
        Assert.That(bos, Does.StartWith("Bo's learnings"));
        Assert.That(bos, Does.Contain("bo's thing (Bo · 25 Nov 2026 · 45m)"));
        Assert.That(team, Does.StartWith("The team's learnings this week"));
        Assert.That(team, Does.Contain("3 entries"));
        Assert.That(team, Does.Contain("#a"));
    }

    [Test]
    public async Task An_empty_list_is_an_invitation_not_a_reproach()
    {
        var text = await Bot.SendTextAsync("ann", "learned list team");

        Assert.That(text, Does.Contain("a good moment to share one small thing"));
    }
}
