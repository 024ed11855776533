using LearningBot.Core.Commands;
using LearningBot.Core.Learnings;
using LearningBot.Core.Replies;
using LearningBot.Core.Kudos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Moq;

namespace LearningBot.Tests.Pipeline;

/// <summary>Digest, settings, help, and what happens to rejected or failing commands.</summary>
public sealed class TeamCommandTests : PipelineTests
{

    [Test]
    public async Task Digest_groups_this_weeks_learnings_by_tag_and_lists_kudos()
    {
        await Bot.SendAsync("dee", "learned last week's thing #old");
        Bot.Clock.Advance(TimeSpan.FromDays(7));
        await Bot.SendAsync("ann", "learned postgres vacuum #postgres");
        await Bot.SendAsync("bo", "learned postgres indexes #postgres #perf");
        await Bot.SendAsync("cy", "learned a shortcut in vim");
        await Bot.SendAsync("ann", "kudos <@bo> for the index review #mentoring");

        var reply = await Bot.SendAsync("ann", "digest");
        var text = PlainTextRenderer.Render(reply);

        Assert.That(reply.Audience, Is.EqualTo(ReplyAudience.Channel));
        Assert.That(text, Does.StartWith("This week in learning · since 30 Nov 2026"));
        Assert.That(text, Does.Contain("3 learnings from 3 people · 1 kudos"));
        Assert.That(text.IndexOf("#postgres (2)", StringComparison.Ordinal), Is.LessThan(text.IndexOf("#perf (1)", StringComparison.Ordinal)));
        Assert.That(text, Does.Contain("• @Cy: a shortcut in vim"));
        Assert.That(text.IndexOf("Other (1)", StringComparison.Ordinal), Is.GreaterThan(text.IndexOf("#perf (1)", StringComparison.Ordinal)));
        Assert.That(text, Does.Contain("@Ann → @Bo: the index review (#mentoring)"));
        Assert.That(text, Does.Not.Contain("last week"));
    }

    [Test]
    public async Task Digest_counts_kudos_the_same_way_in_its_header_and_its_section()
    {
        await Bot.SendAsync("ann", "learned postgres vacuum #postgres");
        await Bot.SendAsync("ann", "kudos <@bo> <@cy> for the index review");
        await Bot.SendAsync("bo", "kudos <@ann> for pairing");

        var text = PlainTextRenderer.Render(await Bot.SendAsync("ann", "digest"));

        // Three people were thanked in two messages: one kudos per person thanked, as the budget counts them.
        Assert.That(text, Does.Contain("· 3 kudos"));
        Assert.That(text, Does.Contain("Kudos (3)"));
    }

    [Test]
    public async Task A_quiet_week_gets_a_gentle_digest()
    {
        var text = await Bot.SendTextAsync("ann", "digest");

        Assert.That(text, Does.Contain("Quiet week so far — a good time to share one small thing"));
    }

    [Test]
    public async Task Settings_are_shown_to_everyone_but_changed_only_by_admins()
    {
        var shown = await Bot.SendTextAsync("ann", "settings");
        var refused = await Bot.SendAsync("ann", "settings budget 9");
        var changed = await Bot.SendTextAsync("boss", "settings timezone America/New_York", admin: true);
        var after = await Bot.SendTextAsync("ann", "settings");

        Assert.That(shown, Does.Contain("Kudos budget: 5 per person per week"));
        Assert.That(refused.Kind, Is.EqualTo(ReplyKind.Error));
        Assert.That(PlainTextRenderer.Render(refused), Does.Contain("Only team admins can change settings"));
        Assert.That(changed, Does.StartWith("Settings updated"));
        Assert.That(after, Does.Contain("Time zone: America/New_York"));
        Assert.That(after, Does.Contain("Kudos budget: 5 per person per week"));
    }

    [Test]
    public async Task The_team_time_zone_decides_when_the_week_starts()
    {
        await Bot.SendAsync("boss", "settings timezone Asia/Tokyo", admin: true);
        Bot.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 29, 16, 0, 0, TimeSpan.Zero)); // Sunday 16:00 UTC = Monday 01:00 in Tokyo

        await Bot.SendAsync("ann", "learned jet lag is real");
        var digest = await Bot.SendTextAsync("ann", "digest");

        Assert.That(digest, Does.StartWith("This week in learning · since 30 Nov 2026"));
        Assert.That(digest, Does.Contain("1 learning from 1 person"));
    }

    [Test]
    public async Task Help_lists_every_command_with_an_example()
    {
        var text = await Bot.SendTextAsync("ann", "help");

        foreach (var usage in CommandCatalog.All)
        {
            Assert.That(text, Does.Contain(usage.Example), usage.Name);
        }
    }

    [TestCase("")]
    [TestCase("frobnicate")]
    [TestCase("learned #only-tags")]
    [TestCase("kudos <@bo>")]
    [TestCase("kudos nobody for nothing")]
    [TestCase("share no separator")]
    public async Task Rejected_commands_reply_with_the_right_form_and_store_nothing(string text)
    {
        var reply = await Bot.SendAsync("ann", text);

        Assert.That(reply.Kind, Is.EqualTo(ReplyKind.Error));
        Assert.That(reply.Audience, Is.EqualTo(ReplyAudience.Requester));
        Assert.That(PlainTextRenderer.Render(reply), Does.Contain("The right form:"));
        Assert.That(PlainTextRenderer.Render(reply), Does.Contain("For example:"));
        var learnings = await Bot.Services.GetRequiredService<ILearningRepository>().ListAsync(new LearningQuery("acme", null, null, 10), default);
        var gifts = await Bot.Services.GetRequiredService<IKudosRepository>().ListSinceAsync("acme", DateTimeOffset.MinValue, 10, default);
        Assert.That(learnings, Is.Empty);
        Assert.That(gifts, Is.Empty);
    }

    [Test]
    public async Task A_storage_failure_becomes_a_friendly_nothing_was_saved_reply()
    {
        var failing = new Mock<ILearningRepository>();
        failing.Setup(r => r.AddAsync(It.IsAny<LearningEntry>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new IOException("disk full"));
        await using var bot = await PipelineHarness.StartAsync(services => services.Replace(ServiceDescriptor.Singleton(failing.Object)));

        var reply = await bot.SendAsync("ann", "learned something");

        Assert.That(reply.Kind, Is.EqualTo(ReplyKind.Error));
        Assert.That(PlainTextRenderer.Render(reply), Does.Contain("nothing was saved. Please try again"));
        Assert.That(PlainTextRenderer.Render(reply), Does.Not.Contain("disk full"));
    }
}
