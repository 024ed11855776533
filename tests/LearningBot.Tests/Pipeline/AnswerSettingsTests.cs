using LearningBot.Core.Replies;
using LearningBot.Core.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Pipeline;

/// <summary>Issue 16: <c>settings review-after</c> (team, admins, 7..730 days) and <c>settings ask-me</c> (a person's own).</summary>
public sealed class AnswerSettingsTests : PipelineTests
{
    [TestCase("review-after 6", "7 to 730 days")]
    [TestCase("review-after 731", "7 to 730 days")]
    [TestCase("review-after -30", "7 to 730 days")]
    [TestCase("review-after ninety", "7 to 730 days")]
    [TestCase("review-after", "7 to 730 days")]
    [TestCase("ask-me maybe", "ask-me can be \"on\" or \"off\"")]
    [TestCase("reveiw-after 90", "Did you mean \"review-after\"?")]
    public async Task Bad_values_are_refused_with_the_range_and_nothing_changes(string arguments, string problem)
    {
        var reply = await Bot.SendAsync("lead", "settings " + arguments, admin: true);

        Assert.That(reply.Kind, Is.EqualTo(ReplyKind.Error));
        Assert.That(PlainTextRenderer.Render(reply), Does.Contain(problem));
        var stored = await Bot.Services.GetRequiredService<ITeamSettingsRepository>().GetAsync("acme", default);
        Assert.That((stored.ReviewAfterDays, stored.Version), Is.EqualTo((TeamSettings.DefaultReviewAfterDays, (string?)null)));
    }

    [Test]
    public async Task Admins_set_the_review_period_and_new_answers_get_it()
    {
        var byMember = PlainTextRenderer.Render(await Bot.SendAsync("ann", "settings review-after 90"));
        var byAdmin = PlainTextRenderer.Render(await Bot.SendAsync("lead", "settings review-after 90 days", admin: true));
        await Bot.SendAsync("ann", "share Where is the VPN config? :: in the wiki #it");
        var post = (await Bot.Services.GetRequiredService<LearningBot.Core.Knowledge.IKnowledgeRepository>()
            .ListAsync(new("acme", "ann", null, 1), default)).Single();

        Assert.That(byMember, Does.Contain("Only team admins"));
        Assert.That(byAdmin, Does.Contain("Answer reviews: every 90 days"));
        Assert.That(post.ReviewDueAt, Is.EqualTo(Bot.Clock.GetUtcNow().AddDays(90)));
    }

    [Test]
    public async Task Ask_me_is_each_persons_own_and_needs_no_admin()
    {
        var on = await Bot.SendAsync("bo", "settings ask-me on");
        var people = Bot.Services.GetRequiredService<IPersonSettingsRepository>();

        Assert.That(on.Kind, Is.EqualTo(ReplyKind.Settings));
        Assert.That((await people.GetAsync("acme", "bo", default)).AskMe, Is.True);
        Assert.That((await people.GetAsync("acme", "ann", default)).AskMe, Is.False);
        Assert.That(PlainTextRenderer.Render(await Bot.SendAsync("bo", "me")), Does.Contain("Ask me: on"));
        await Bot.SendAsync("bo", "settings ask-me off");
        Assert.That(PlainTextRenderer.Render(await Bot.SendAsync("bo", "me")), Does.Contain("Ask me: off"));
    }

    [Test]
    public async Task Forget_me_deletes_the_persons_settings_and_hands_their_answers_back()
    {
        await Bot.SendAsync("ann", "share Where is the VPN config? :: in the wiki #it");
        var knowledge = Bot.Services.GetRequiredService<LearningBot.Core.Knowledge.IKnowledgeRepository>();
        var post = (await knowledge.ListAsync(new("acme", "ann", null, 1), default)).Single();
        await Bot.SendAsync("ann", $"share owner {post.Id} <@bo>");
        await Bot.SendAsync("bo", "settings ask-me on");

        await Bot.SendAsync("bo", "forget me keep-answers");

        Assert.That((await Bot.Services.GetRequiredService<IPersonSettingsRepository>().GetAsync("acme", "bo", default)).AskMe, Is.False);
        Assert.That((await knowledge.GetAsync("acme", post.Id, default))!.OwnerId, Is.EqualTo("ann"), "the answer goes back to its author");
    }
}
