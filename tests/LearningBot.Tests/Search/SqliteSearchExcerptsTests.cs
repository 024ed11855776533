using LearningBot.Core.Knowledge;
using LearningBot.Core.Learnings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using LearningBot.Storage.Sqlite.Learnings;

namespace LearningBot.Tests.Search;

/// <summary>
/// The SQLite search makes FTS5 snippets only for the hits it returns, after ranking (<c>SqliteSearchIndex.WithExcerptsAsync</c>). On a
/// real file, every shape of lexical search (all words, the any-word fallback, typo corrections, many rows, another team beside) must
/// give each hit the snippet of its own text around the words that found it: checked against the document's text, and against the
/// first hit's excerpt as the ranking used to make it for every row (recorded before that code was removed, 2026-11-30).
/// </summary>
public sealed class SqliteSearchExcerptsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    // The first hits' excerpts, recorded 2026-11-30 from this search while the path that made every ranked row's snippet (the same
    // FTS5 snippet call, which this test then compared hit by hit) was still in the code.
    private const string AcmeThree = "lunch and before queues checked deployments caches team and the metrics notes checked caches queues and before notes checked alerts about notes the the caches queues team lunch notes wrote queues and about team queues rollback caches alerts queues wrote…";
    private const string AcmeFive = "…alerts before the checked the deployments and wrote lunch about the queues team wrote queues and team queues alerts the canary on friday queues before notes lunch checked caches wrote wrote wrote rolled back the checked caches notes queues notes…";

    [TestCase("rollback deployment", 3, AcmeThree, TestName = "All words, top 3")]
    [TestCase("rollback deployment", 50, AcmeThree, TestName = "All words, 50 (one pass over the match for the snippets)")]
    [TestCase("rollback zebra", 10, "zebra crossings in the office map", TestName = "No document has both words: the any-word fallback")]
    [TestCase("rollbakc deploymnet", 5, AcmeThree, TestName = "Typo corrections")]
    [TestCase("how do we roll back a canary deployment on friday", 20, AcmeFive, TestName = "A long question, stop words and all")]
    public async Task Each_hit_gets_the_snippet_of_its_own_text_around_the_words(string question, int limit, string firstExcerpt)
    {
        using var directory = new TempDirectory();
        var (database, texts) = await NotesAsync(directory);
        var search = new SqliteSearchIndex(database);

        var hits = await search.SearchAsync(new SearchQuery("acme", question, [SearchKind.Learning], limit), default);

        TestContext.Out.WriteLine($"{hits.Count} hits; first {hits[0].Id}: {hits[0].Excerpt}");
        Assert.That(hits, Is.Not.Empty);
        Assert.That(hits[0].Excerpt, Is.EqualTo(firstExcerpt), "the first hit's excerpt as the ranking made it before");
        Assert.That(hits.Select(h => h.Id), Is.All.StartsWith("acme-"), "never another team's");
        foreach (var hit in hits)
        {
            // A window of the hit's own text (FTS5 marks a cut with "…"), holding a word that found it.
            var window = hit.Excerpt.Trim('…');
            Assert.That(texts[hit.Id], Does.Contain(window), $"{hit.Id}: a piece of its own text");
            Assert.That(window, Does.Contain("roll").Or.Contain("deploy").Or.Contain("zebra").Or.Contain("canary"), $"{hit.Id}: around the words");
        }
    }

    /// <summary>
    /// 120 learnings of ~400 characters in team acme (the searched words at different places, so a snippet is a window, not the
    /// start), the same texts in team globex, and two zebra notes.
    /// </summary>
    private static async Task<(SqliteDatabase Database, Dictionary<string, string> Texts)> NotesAsync(TempDirectory directory)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var database = new SqliteDatabase(directory.File("excerpts.db"));
        await database.InitializeAsync(default);
        var learnings = new SqliteLearningRepository(database);
        var random = new Random(12);
        string[] filler = ["the", "team", "checked", "metrics", "before", "lunch", "and", "wrote", "notes", "about", "queues", "caches", "alerts"];
        for (var i = 0; i < 120; i++)
        {
            var words = Enumerable.Range(0, 70).Select(_ => filler[random.Next(filler.Length)]).ToList();
            words.Insert(random.Next(words.Count), i % 3 == 0 ? "rollback" : "rolled back");
            words.Insert(random.Next(words.Count), i % 2 == 0 ? "deployment" : "deployments");
            if (i % 5 == 0)
            {
                words.Insert(random.Next(words.Count), "canary on friday");
            }

            var text = string.Join(' ', words);
            foreach (var team in new[] { "acme", "globex" })
            {
                await learnings.AddAsync(new LearningEntry($"{team}-{i}", team, "ann", text, [], null, At.AddMinutes(i), $"{team}-{i}"), default);
                texts[$"{team}-{i}"] = text;
            }
        }

        foreach (var (id, text) in new[] { ("acme-z1", "zebra crossings in the office map"), ("acme-z2", "a zebra sticker on the build light") })
        {
            await learnings.AddAsync(new LearningEntry(id, "acme", id == "acme-z1" ? "bo" : "cy", text, [], null, At, id), default);
            texts[id] = text;
        }

        return (database, texts);
    }
}
