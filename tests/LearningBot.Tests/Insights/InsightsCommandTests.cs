using LearningBot.Core.Insights;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Learnings;
using LearningBot.Core.Replies;
using LearningBot.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Insights;

/// <summary>learned --private, me and insights through the real pipeline on a real SQLite file.</summary>
public sealed class InsightsCommandTests : PipelineTests
{

    [Test]
    public async Task A_private_learning_is_shown_only_to_its_author_and_counted_only_anonymously()
    {
        var reply = await Bot.SendTextAsync("ann", "learned --private how I handle impostor feelings #growth");
        await Bot.SendAsync("ann", "learned public thing about #growth");

        var mine = await Bot.SendTextAsync("ann", "learned");
        var seenByBo = await Bot.SendTextAsync("bo", "learned list <@ann>");
        var team = await Bot.SendTextAsync("bo", "learned list team");
        var search = await Bot.SendTextAsync("bo", "ask impostor feelings");
        var whoKnows = await Bot.SendTextAsync("bo", "who knows impostor");
        var digest = await Bot.SendTextAsync("bo", "digest");
        var insights = await Bot.SendTextAsync("bo", "insights");

        Assert.That(reply, Does.Contain("Visibility: private"));
        Assert.That(mine, Does.Contain("how I handle impostor feelings"));
        Assert.That(mine, Does.Contain("private"));
        foreach (var other in new[] { seenByBo, team, search, whoKnows, digest, insights })
        {
            Assert.That(other, Does.Not.Contain("how I handle")); // replies may echo Bo's own words, never Ann's private ones
        }

        Assert.That(whoKnows, Does.Contain("Nobody has written about that yet"));

        Assert.That(insights, Does.Contain("Learnings: 2 from 1 person"), "counted in the anonymous totals");
        Assert.That(insights, Does.Contain("#growth — ask @Ann"), "named for the public learning only");
    }

    [Test]
    public async Task Me_shows_learnings_streak_kudos_received_and_helpful_answers()
    {
        await Bot.SendAsync("ann", "learned about WAL mode #sqlite 30m");
        await Bot.SendAsync("bo", "kudos <@ann> for the vacuum tip");
        await Bot.SendAsync("ann", "share How to vacuum? :: Run VACUUM during quiet hours #sqlite");
        var post = (await Bot.Services.GetRequiredService<IKnowledgeRepository>()
            .ListAsync(new KnowledgeQuery("acme", "ann", null, 1), default)).Single();
        await Bot.SendAsync("cy", "helped " + post.Id);
        await Bot.SendAsync("dee", "helped " + post.Id);

        var me = await Bot.SendAsync("ann", "me");
        var text = PlainTextRenderer.Render(me);

        Assert.That(me.Audience, Is.EqualTo(ReplyAudience.Requester));
        Assert.That(text, Does.Contain("Learnings: 1 in all · 1 this month"));
        Assert.That(text, Does.Contain("Streak: 1 week in a row"));
        Assert.That(text, Does.Contain("Time this month: 30m"));
        Assert.That(text, Does.Contain("Shared answers: 1 · helped 2 people"));
        Assert.That(text, Does.Contain("@Bo: the vacuum tip"));
        Assert.That(text, Does.Contain("How to vacuum? (helped 2 people)"));
    }

    [Test]
    public async Task Insights_summarise_the_week_with_a_private_dashboard_link()
    {
        foreach (var user in new[] { "cy", "dee" })
        {
            await Bot.SendAsync(user, "help"); // members the bot has seen, who did not log anything
        }

        await Bot.SendAsync("ann", "learned terraform imports #terraform 1h");
        await Bot.SendAsync("ann", "learned terraform moved blocks #terraform");
        await Bot.SendAsync("bo", "learned ansible facts #ansible 30m");
        await Bot.SendAsync("ann", "kudos <@bo> for the pairing");
        await Bot.SendAsync("bo", "share Where are the runbooks? :: In the ops wiki #ops");
        await Bot.SendAsync("cy", "ask where is the vpn config");
        await Bot.SendAsync("dee", "ask runbooks");

        var reply = await Bot.SendAsync("ann", "insights");
        var text = PlainTextRenderer.Render(reply);

        Assert.That(reply.Audience, Is.EqualTo(ReplyAudience.Requester));
        Assert.That(text, Does.Contain("Learnings: 3 from 2 people (50% of 4)"));
        Assert.That(text, Does.Contain("Time spent learning: 1h 30m"));
        Assert.That(text, Does.Contain("Kudos: 1 · reached 25% of the team"));
        Assert.That(text, Does.Contain("Shared answers: 1"));
        Assert.That(text, Does.Contain("Questions: 2 asked · 1 found an answer"));
        Assert.That(text, Does.Contain("where is the vpn config (asked 1 time)"));
        Assert.That(text, Does.Contain("#terraform — ask @Ann (2 mentions)"));
        var link = reply.Blocks.OfType<NoteBlock>().SelectMany(b => b.Text.Spans).OfType<LinkSpan>().Single();
        Assert.That(link.Url, Is.EqualTo("https://links.test/dashboard/acme/ann"));
    }

    [Test]
    public async Task Export_team_is_for_admins_and_export_me_for_everyone()
    {
        var mine = await Bot.SendAsync("ann", "export me");
        var team = await Bot.SendTextAsync("ann", "export team");
        var asAdmin = await Bot.SendAsync("boss", "export team", admin: true);

        Assert.That(mine.Blocks.OfType<TextBlock>().SelectMany(b => b.Text.Spans).OfType<LinkSpan>().Single().Url,
            Is.EqualTo("https://links.test/export/Me/acme/ann"));
        Assert.That(team, Does.Contain("Only team admins can export the team's data"));
        Assert.That(asAdmin.Blocks.OfType<TextBlock>().SelectMany(b => b.Text.Spans).OfType<LinkSpan>().Single().Url,
            Is.EqualTo("https://links.test/export/Team/acme/boss"));
    }
}
