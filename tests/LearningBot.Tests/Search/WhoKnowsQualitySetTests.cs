using LearningBot.Core.Commands;
using LearningBot.Core.Storage;
using LearningBot.Embeddings;
using LearningBot.SearchQuality;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Search;

/// <summary>
/// The search quality tool's <c>who knows</c> set (<see cref="WhoKnowsSet"/>, <c>scripts/search-quality.sh --who-knows</c>): its people
/// are derived by the documented rule, and its privacy and other-team rules are enforced by the evaluation itself, so a leak is
/// reported and never counted as a hit. Ten stackfaq-format threads (ids <c>sfNNNN</c>, <c>sfNNNN-k</c>, thread 10 holding the
/// private learning), run through the real pipeline on a real SQLite file.
/// </summary>
public sealed class WhoKnowsQualitySetTests
{
    private static readonly EvaluationSet Set = Threads();

    [Test]
    public void People_follow_the_rule_and_the_set_never_expects_a_private_author_or_the_other_team()
    {
        var derived = WhoKnowsSet.Derive(Set);
        var ours = derived.Contributions.Where(c => c.TeamId == WhoKnowsSet.Team).ToList();

        // Thread 2 has 1 + 2 mod 3 = 3 knowers: people 6, 23, 40; its posts j = 0, 1, 2, 3 go to them in turn (the 4th back to the first).
        Assert.That(ours.Where(c => c.Thread == 2).Select(c => (c.Id, c.PersonId, c.Kind)), Is.EqualTo(new[]
        {
            ("sf0002", "UQ006", ContributionKind.SharedAnswer), ("sf0002-2", "UQ023", ContributionKind.Learning),
            ("sf0002-3", "UQ040", ContributionKind.SharedAnswer), ("sf0002-4", "UQ006", ContributionKind.Learning),
        }));
        Assert.That(ours.Where(c => c.Kind == ContributionKind.PrivateLearning).Select(c => (c.Thread, c.PersonId)),
            Is.EqualTo(new[] { (10, WhoKnowsSet.PrivateAuthor) }), "one private learning, on thread 10, by the private author");
        Assert.That(derived.Contributions.Where(c => c.TeamId == WhoKnowsSet.OtherTeam).Select(c => (c.Id[2..], c.PersonId[2..], c.Kind)),
            Is.EqualTo(ours.Where(c => c.Kind != ContributionKind.PrivateLearning).Select(c => (c.Id, c.PersonId[2..], c.Kind))),
            "the other team holds the same public posts by its own people");

        // Five content words: the four rarest in these posts, in the query's order ("github" and "markdown" are in 2 posts each, the
        // rest in none; the tie goes to the earlier word).
        Assert.That(derived.Topics.Where(t => t.Thread == 1).Select(t => (t.Text, t.Shape)), Is.EqualTo(new[]
        {
            ("Introducing stikethrough formatting on markdown for github.", TopicShape.Rephrasing),
            ("introducing stikethrough formatting markdown", TopicShape.TopicWords),
        }));
        Assert.That(derived.Topics.Where(t => t.Thread == 2).Select(t => t.Text), Is.EqualTo(new[] { "Deleting FB acc.", "deleting fb acc" }));
        foreach (var topic in derived.Topics)
        {
            Assert.That(topic.Expected, Is.EquivalentTo(ours.Where(c => c.Thread == topic.Thread && c.Kind != ContributionKind.PrivateLearning)
                .Select(c => c.PersonId).Distinct()), topic.Text);
            Assert.That(topic.MustNotName, Does.Contain(WhoKnowsSet.PrivateAuthor).And.Contain("UG001").And.Contain("UG048"), topic.Text);
            Assert.That(topic.Expected.Intersect(topic.MustNotName), Is.Empty, topic.Text);
        }
    }

    [Test]
    public void A_private_author_or_another_teams_person_named_is_a_violation_and_never_a_hit()
    {
        var topic = WhoKnowsSet.Derive(Set).Topics.First(t => t.Thread == 10);
        var expert = topic.Expected.First();
        var scores = new PeopleScores();

        scores.Add(topic, [WhoKnowsSet.PrivateAuthor]);
        scores.Add(topic, [expert, WhoKnowsSet.PrivateAuthor]); // the right person first, but the private author leaked beside
        scores.Add(topic, [expert, "UG001"]);
        scores.Add(topic, ["UQ030", expert]);

        Assert.That(scores.Violations, Has.Count.EqualTo(3));
        Assert.That(scores.Violations[0], Does.StartWith(WhoKnowsSet.PrivateAuthor + " for '"));
        Assert.That(scores.Violations[2], Does.StartWith("UG001 for '"));
        Assert.That(scores.HitAt1, Is.EqualTo(0), "a leaking answer scores nothing, even with the expert first");
        Assert.That(scores.HitAt3, Is.EqualTo(0.25), "only the clean answer, expert second, counts");
        Assert.That(scores.Mrr, Is.EqualTo(0.5 / 4));
    }

    [Test]
    public async Task Through_the_real_pipeline_the_set_has_no_leaks_and_finds_the_thread_authors()
    {
        var derived = WhoKnowsSet.Derive(Set);
        using var directory = new TempDirectory();
        await using var services = QualityServices.Create(directory.File("who-knows.db"), EmbeddingProviders.None, generator: null);
        foreach (var initializer in services.GetServices<IStorageInitializer>())
        {
            await initializer.InitializeAsync(default);
        }

        await WhoKnowsQuality.StoreAsync(services, derived.Contributions);

        var ((scores, _), named) = await WhoKnowsQuality.AskAllAsync(services.GetRequiredService<CommandPipeline>(), derived.Topics, "test");

        Assert.That(named.SelectMany(n => n), Has.None.EqualTo(WhoKnowsSet.PrivateAuthor).And.None.StartsWith("UG"));
        Assert.That(scores.Values.SelectMany(s => s.Violations), Is.Empty);
        Assert.That(scores[TopicShape.Rephrasing].Count, Is.EqualTo(Set.Queries.Count));
        Assert.That(scores[TopicShape.TopicWords].HitAt1, Is.GreaterThan(0.5), "distinctive words name the thread's authors");
        Assert.That(named[derived.Topics.ToList().FindIndex(t => t.Thread == 10)], Is.Not.Empty,
            "the private learning's thread still names its public authors");
    }

    /// <summary>Ten threads in the stackfaq format (the set's own first two questions and answers, shortened, then eight more).</summary>
    private static EvaluationSet Threads()
    {
        (string Question, string[] Answers, string Query)[] threads =
        [
            ("Strikethrough with GitHub Markdown", ["Use ~~tildes around the words~~.", "GitHub flavoured markdown renders <del>text</del> too."],
                "Introducing stikethrough formatting on markdown for github."),
            ("How do I delete my Facebook account?", ["Go to facebook.com/help/delete_account and click Submit.",
                "Deactivating only hides the profile; deletion takes 14 days.", "Log in within 14 days and the deletion is cancelled.",
                "Remove the apps first so they keep no data."], "Deleting FB acc."),
            ("How can I back up all emails stored in my Gmail account?", ["Turn on IMAP and copy the folders with Thunderbird."],
                "Downlading all my mails from gmail for a local backup."),
            ("How to replace a video on YouTube", ["It is not possible; upload the new video and annotate the old one.",
                "You lose the views: YouTube ties them to the video id."], "Can I switch my youtube video with a new one?"),
            ("How do I link to a specific time in a YouTube video?", ["Add #t=1m30s to the address.", "Use the share button's start at box."],
                "Link a youtube clip so it starts at a given second."),
            ("How can I see the size of folders in Dropbox?", ["The desktop client shows it under preferences, per folder."],
                "Checking how big each dropbox folder is."),
            ("How do I export a Trello board?", ["Menu, more, print and export, JSON.", "Business Class adds CSV export."],
                "Getting my trello cards out into a file."),
            ("Can I undo sending an email in Gmail?", ["Settings, general, undo send: up to 30 seconds."],
                "Take back a gmail message I just sent."),
            ("How do I share a Google Drive folder with someone without Gmail?", ["Share with any address; they sign in with a Google account made for it."],
                "Sharing a drive folder with a yahoo address."),
            ("How do I stop Google Maps from saving my location history?", ["Turn off location history in your Google account's activity controls.",
                "Delete the old history from the timeline page.", "Pause web and app activity as well."],
                "Prevent google maps tracking where I go."),
        ];
        var corpus = threads.SelectMany((t, i) => t.Answers.Select((answer, j) =>
            new CorpusPost(j == 0 ? $"sf{i + 1:D4}" : $"sf{i + 1:D4}-{j + 1}", t.Question, answer))).ToList();
        var queries = threads.Select((t, i) => new EvaluationQuery(t.Query,
            corpus.Where(p => p.Id == $"sf{i + 1:D4}" || p.Id.StartsWith($"sf{i + 1:D4}-", StringComparison.Ordinal)).Select(p => p.Id).ToList())).ToList();
        return new EvaluationSet(corpus, queries);
    }
}
