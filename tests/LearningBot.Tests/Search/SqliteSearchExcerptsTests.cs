using LearningBot.Core.Knowledge;
using LearningBot.Core.Learnings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using LearningBot.Storage.Sqlite.Learnings;

namespace LearningBot.Tests.Search;

/// <summary>
/// The SQLite search makes FTS5 snippets only for the hits it returns, after ranking (<see cref="SqliteSearchIndex.LateExcerpts"/>),
/// instead of for every ranked row: on a real file, every shape of lexical search (all words, the any-word fallback, typo
/// corrections, many rows, another team beside) must return the very hits, excerpts included, that the old way returned.
/// </summary>
public sealed class SqliteSearchExcerptsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [TestCase("rollback deployment", 3, TestName = "All words, top 3")]
    [TestCase("rollback deployment", 50, TestName = "All words, 50 (one pass over the match for the snippets)")]
    [TestCase("rollback zebra", 10, TestName = "No document has both words: the any-word fallback")]
    [TestCase("rollbakc deploymnet", 5, TestName = "Typo corrections")]
    [TestCase("how do we roll back a canary deployment on friday", 20, TestName = "A long question, stop words and all")]
    public async Task Snippets_made_after_ranking_equal_those_made_for_every_ranked_row(string question, int limit)
    {
        using var directory = new TempDirectory();
        var database = await NotesAsync(directory);
        var search = new SqliteSearchIndex(database);
        var query = new SearchQuery("acme", question, [SearchKind.Learning], limit);
        try
        {
            SqliteSearchIndex.LateExcerpts = false;
            var before = await search.SearchAsync(query, default);
            SqliteSearchIndex.LateExcerpts = true;
            var after = await search.SearchAsync(query, default);

            Assert.That(before, Is.Not.Empty);
            Assert.That(after, Is.EqualTo(before), "the same hits in the same order, with the same excerpts and scores");
            Assert.That(after.Select(h => h.Excerpt), Is.All.Not.Empty);
            Assert.That(after.Select(h => h.Id), Is.All.StartsWith("acme-"), "never another team's");
        }
        finally
        {
            SqliteSearchIndex.LateExcerpts = true;
        }
    }

    /// <summary>
    /// 120 learnings of ~400 characters in team acme (the searched words at different places, so a snippet is a window, not the
    /// start), the same texts in team globex, and two zebra notes.
    /// </summary>
    private static async Task<SqliteDatabase> NotesAsync(TempDirectory directory)
    {
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
            }
        }

        await learnings.AddAsync(new LearningEntry("acme-z1", "acme", "bo", "zebra crossings in the office map", [], null, At, "acme-z1"), default);
        await learnings.AddAsync(new LearningEntry("acme-z2", "acme", "cy", "a zebra sticker on the build light", [], null, At, "acme-z2"), default);
        return database;
    }
}
