using LearningBot.Core.Replies;

namespace LearningBot.Tests.Pipeline;

/// <summary>
/// Every chat view derived from learnings, with one <c>learned --private</c> entry whose words, tag and minutes appear
/// nowhere else: others never see its text, tag, minutes or author; it counts only in the anonymous totals (README,
/// "What others see of a private learning"); its author still sees it in their own views.
/// </summary>
public sealed class PrivateLearningViewTests : PipelineTests
{
    // Distinctive on purpose: no other entry uses these words, this tag or 47 minutes.
    private const string PrivateText = "quokka husbandry rota";
    private const string PrivateTag = "zebrafish";

    /// <summary>Ann logs one private and one public learning; Bo logs one public learning.</summary>
    [SetUp]
    public async Task LogLearnings()
    {
        await Bot.SendAsync("ann", $"learned --private {PrivateText} #{PrivateTag} 47m");
        await Bot.SendAsync("ann", "learned how terraform import works #terraform 10m");
        await Bot.SendAsync("bo", "learned ansible facts caching #ansible 30m");
    }

    /// <param name="mayMentionPrivateLinks">The view has a "private link" note of its own, so the word alone proves nothing.</param>
    private static void AssertNothingOfThePrivateLearning(string text, bool mayMentionPrivateLinks = false)
    {
        Assert.That(text, Does.Not.Contain("quokka").IgnoreCase);
        Assert.That(text, Does.Not.Contain("husbandry").IgnoreCase);
        Assert.That(text, Does.Not.Contain(PrivateTag).IgnoreCase);
        Assert.That(text, Does.Not.Contain("47m"));
        if (!mayMentionPrivateLinks)
        {
            Assert.That(text, Does.Not.Contain("private").IgnoreCase);
        }
    }

    [Test]
    public async Task Insights_count_a_private_learning_but_show_neither_its_tag_nor_its_minutes([Values("week", "month")] string period)
    {
        var byBo = await Bot.SendTextAsync("bo", "insights " + period);
        var byAnn = await Bot.SendTextAsync("ann", "insights " + period);

        foreach (var text in new[] { byBo, byAnn }) // a team view: the same for the author
        {
            Assert.That(text, Does.Contain("Learnings: 3 from 2 people"), "the anonymous total includes it");
            Assert.That(text, Does.Contain("Time spent learning: 40m"), "10m + 30m: private minutes are the author's alone");
            Assert.That(text, Does.Contain("#terraform — ask @Ann (1 mention)"));
            Assert.That(text, Does.Contain("#ansible — ask @Bo (1 mention)"));
            Assert.That(text, Does.Not.Contain("quokka").And.Not.Contain(PrivateTag).And.Not.Contain("1h 27m"));
        }
    }

    [Test]
    public async Task The_digest_command_leaves_a_private_learning_out()
    {
        var digest = await Bot.SendTextAsync("bo", "digest");

        AssertNothingOfThePrivateLearning(digest);
        Assert.That(digest, Does.Contain("2 learnings from 2 people"), "the digest lists and counts what was shared");
        Assert.That(digest, Does.Contain("@Ann: how terraform import works"));
    }

    [Test]
    public async Task Ask_finds_nothing_of_a_private_learning_by_its_words_or_its_tag()
    {
        foreach (var question in new[] { "quokka husbandry", "who runs the quokka rota", PrivateTag, "#" + PrivateTag })
        {
            var byBo = await Bot.SendTextAsync("bo", "ask " + question);
            var byAnn = await Bot.SendTextAsync("ann", "ask " + question);

            Assert.That(byBo, Does.StartWith("Nothing written down about that yet"), question);
            Assert.That(byAnn, Does.StartWith("Nothing written down about that yet"), "ask searches the team's shared writing: " + question);
        }
    }

    [Test]
    public async Task Who_knows_never_names_the_author_of_a_private_learning()
    {
        foreach (var topic in new[] { "quokka", "husbandry rota", PrivateTag })
        {
            var text = await Bot.SendTextAsync("bo", "who knows " + topic);

            Assert.That(text, Does.Contain("Nobody has written about that yet"), topic);
            Assert.That(text, Does.Not.Contain("@Ann"), topic);
        }
    }

    [Test]
    public async Task Learned_list_shows_a_private_learning_to_its_author_only()
    {
        var team = await Bot.SendTextAsync("bo", "learned list team");
        var teamAll = await Bot.SendTextAsync("bo", "learned list team all");
        var anns = await Bot.SendTextAsync("bo", "learned list <@ann> all");
        var annOwnTeamList = await Bot.SendTextAsync("ann", "learned list team");
        var own = await Bot.SendAsync("ann", "learned list me");

        foreach (var text in new[] { team, teamAll, anns, annOwnTeamList })
        {
            AssertNothingOfThePrivateLearning(text);
            Assert.That(text, Does.Contain("how terraform import works"));
        }

        Assert.That(PlainTextRenderer.Render(own), Does.Contain($"{PrivateText} #{PrivateTag}").And.Contain("47m · private"));
        Assert.That(own.ShowsPrivateLearnings, Is.True, "so Teams gives it in the 1:1 chat, never in a channel");
    }

    [Test]
    public async Task Me_counts_private_learnings_for_their_author_and_shows_nothing_of_them_to_anyone_else()
    {
        var anns = await Bot.SendAsync("ann", "me");
        var bos = await Bot.SendTextAsync("bo", "me");

        Assert.That(PlainTextRenderer.Render(anns), Does.Contain("Learnings: 2 in all · 2 this month (1 private)").And.Contain("Time this month: 57m"));
        Assert.That(anns.ShowsPrivateLearnings, Is.True);
        AssertNothingOfThePrivateLearning(bos, mayMentionPrivateLinks: true);
        Assert.That(bos, Does.Contain("Learnings: 1 in all").And.Contain("Time this month: 30m"));
    }

    [Test]
    public async Task The_confirmation_of_a_private_learning_is_marked_for_its_author_alone()
    {
        var confirmation = await Bot.SendAsync("ann", "learned --private what I would change about our 1:1s #career");
        var publicOne = await Bot.SendAsync("ann", "learned git bisect run #git");

        Assert.That(confirmation.Audience, Is.EqualTo(ReplyAudience.Requester));
        Assert.That(confirmation.ShowsPrivateLearnings, Is.True);
        Assert.That(publicOne.ShowsPrivateLearnings, Is.False);
    }
}
