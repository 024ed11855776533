using LearningBot.Core.Knowledge;
using LearningBot.Core.Learnings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using LearningBot.Storage.Sqlite.Learnings;

namespace LearningBot.Tests.Storage;

/// <summary>SQLite-specific search behaviour beyond the shared contract.</summary>
public sealed class SqliteSearchTests
{
    [Test]
    public async Task The_any_word_fallback_of_a_large_index_leaves_out_very_common_words()
    {
        using var directory = new TempDirectory();
        var database = new SqliteDatabase(directory.File("search.db"));
        await database.InitializeAsync(default);
        var learnings = new SqliteLearningRepository(database);
        var at = DateTimeOffset.UnixEpoch;
        for (var i = 0; i < 1200; i++)
        {
            await learnings.AddAsync(new LearningEntry($"c{i}", "acme", "ann", $"deployment note number {i}", [], null, at, $"c{i}"), default);
        }

        await learnings.AddAsync(new LearningEntry("z1", "acme", "bo", "zebra crossings in the office map", [], null, at, "z1"), default);
        await learnings.AddAsync(new LearningEntry("z2", "acme", "cy", "a zebra sticker on the build light", [], null, at, "z2"), default);
        var search = new SqliteSearchIndex(database);

        // No document has both words, so the "any word" fallback runs; "deployment" is in almost every document.
        var mixed = await search.SearchAsync(new SearchQuery("acme", "deployment zebra", [SearchKind.Learning], 3), default);
        var commonOnly = await search.SearchAsync(new SearchQuery("acme", "deployment note", [SearchKind.Learning], 3), default);

        Assert.That(mixed.Select(h => h.Id), Is.EquivalentTo(new[] { "z1", "z2" }));
        Assert.That(commonOnly, Has.Count.EqualTo(3), "a question of common words alone still finds them");
    }
}
