using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using LearningBot.Storage.Sqlite.Kudos;
using LearningBot.Storage.Sqlite.Learnings;

namespace LearningBot.Tests.Storage;

/// <summary>
/// The df rules of <see cref="MatchPlan"/> on a real SQLite file: a common word loses only its prefix (never the word), a rare word
/// keeps it, a team holding most of the index is ranked on the words alone and still sees only its own public documents of the
/// asked kinds, and typos are still corrected there.
/// </summary>
public sealed class SqliteSearchPruningTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private TempDirectory _directory = null!;
    private SqliteDatabase _database = null!;

    [SetUp]
    public async Task Create()
    {
        _directory = new TempDirectory();
        _database = new SqliteDatabase(_directory.File("pruning.db"));
        await _database.InitializeAsync(default);
        var learnings = new SqliteLearningRepository(_database);
        // acme: 1,200 notes with "data" (so it is in nearly every document: common) and a few specific learnings.
        for (var i = 0; i < 1200; i++)
        {
            await learnings.AddAsync(new LearningEntry($"n{i}", "acme", "ann", $"data note number {i} from the weekly sync", [], null, At, $"n{i}"), default);
        }

        await learnings.AddAsync(new LearningEntry("z1", "acme", "bo", "zebra crossing note for the office map", [], null, At, "z1"), default);
        await learnings.AddAsync(new LearningEntry("z2", "acme", "cy", "a zebra sticker on the build light", [], null, At, "z2"), default);
        await learnings.AddAsync(new LearningEntry("k1", "acme", "bo", "kubernetes upgrade checklist: drain nodes one at a time", [], null, At, "k1"), default);
        await learnings.AddAsync(new LearningEntry("d1", "acme", "bo", "database failover drill takes ten minutes", [], null, At, "d1"), default);
        // What acme must never see: a private learning, a kudos (another kind), and globex's documents, which BM25 ranks above
        // acme's (the word three times in a short text), so the words-alone ranking meets them first.
        await learnings.AddAsync(new LearningEntry("secret", "acme", "bo", "zebra zebra zebra", [], null, At, "secret") { IsPrivate = true }, default);
        await new SqliteKudosRepository(_database).GiveAsync(
            new KudosGift("g1", "acme", "bo", ["ann"], "zebra zebra zebra", null, At, "g1"), new KudosBudget(5, At.AddDays(-7)), default);
        for (var i = 0; i < 40; i++)
        {
            await learnings.AddAsync(new LearningEntry($"x{i}", "globex", "dan", "zebra zebra zebra", [], null, At, $"x{i}"), default);
        }
    }

    [TearDown]
    public void Remove() => _directory.Dispose();

    private Task<IReadOnlyList<SearchHit>> SearchAsync(string team, string text, params SearchKind[] kinds) =>
        new SqliteSearchIndex(_database).SearchAsync(new SearchQuery(team, text, kinds.Length == 0 ? [SearchKind.Learning] : kinds, 3), default);

    [Test]
    public async Task Stems_once_asked_come_from_memory()
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_database.Path}");
        await connection.OpenAsync();
        string[] words = ["networking", "policies", "zebras"];
        var first = await MatchPlan.StemsAsync(connection, words, default);
        await connection.CloseAsync();

        // The connection is closed: any statement would throw, so these come from memory.
        var again = await MatchPlan.StemsAsync(connection, words, default);

        Assert.That(first, Is.EqualTo(new Dictionary<string, string> { ["networking"] = "network", ["policies"] = "polici", ["zebras"] = "zebra" }),
            "the porter stems the index holds");
        Assert.That(again, Is.EqualTo(first));
        await connection.DisposeAsync();
    }

    [TestCase(false, TestName = "The plan keeps the prefix of rare words only and ranks a dominant team on its words (vocabulary from search_vocab)")]
    [TestCase(true, TestName = "The plan keeps the prefix of rare words only and ranks a dominant team on its words (vocabulary in memory)")]
    public async Task The_plan_prunes_by_document_frequency(bool vocabularyRead)
    {
        if (vocabularyRead)
        {
            await _database.SearchVocabulary.RefreshAsync(default);
        }

        await using var connection = await _database.OpenAsync(default);
        var snapshot = vocabularyRead ? await _database.SearchVocabulary.GetAsync(connection, default) : null;
        Assert.That(snapshot is not null, Is.EqualTo(vocabularyRead));

        var acme = await MatchPlan.ForAsync(connection, "acme", ["data", "kube", "zebra", "failover", "note"], () => Task.FromResult(snapshot), enabled: true, default);
        var globex = await MatchPlan.ForAsync(connection, "globex", ["zebra"], () => Task.FromResult(snapshot), enabled: true, default);

        // Frequencies are the whole index's (every team): "zebra" is in 43 of 1,245 documents (globex's 40): over 1 in 200, but under
        // the 500-document floor, so not very common; "data" and "note" (1,200 documents) are over both.
        Assert.That(acme.Prefixes, Is.EquivalentTo(new[] { "kube", "zebra", "failover" }), "'data' and 'note' (1,200 documents) are common");
        Assert.That(acme.IsPrefix("data"), Is.False);
        Assert.That(acme.IsPrefix("kube"), Is.True);
        Assert.That(acme.RankOnWordsAlone, Is.True, "acme holds most of the index");
        Assert.That(globex.RankOnWordsAlone, Is.False, "globex holds 40 of 1,245 documents: its team token narrows the match");
        Assert.That(globex.IsPrefix("zebra"), Is.True, "43 documents: under the floor, however small a share of the index");
    }

    [Test]
    public async Task A_word_in_a_few_dozen_documents_stays_in_the_any_word_fallback()
    {
        // No document holds all three words ("lighthouse" none), so the any-word fallback answers. By share alone (1 in 200 of 1,245
        // documents: over 6) "zebra" (43 documents) was very common and left out, and only z1 ("crossing") was found.
        var hits = await SearchAsync("acme", "zebra crossing lighthouse");

        Assert.That(hits.Select(h => h.Id), Is.EquivalentTo(new[] { "z1", "z2" }),
            "both zebra learnings, z1 first; never the private one, the kudos or globex's rows");
        Assert.That(hits[0].Id, Is.EqualTo("z1"), "z1 holds two of the words");
    }

    [Test]
    public async Task A_rare_word_still_matches_as_a_prefix_beside_a_common_one()
    {
        Assert.That((await SearchAsync("acme", "kube upgrade")).Select(h => h.Id), Is.EqualTo(new[] { "k1" }));
        Assert.That((await SearchAsync("acme", "zebra note")).Select(h => h.Id).First(), Is.EqualTo("z1"), "both words: z1 first");
        Assert.That((await SearchAsync("acme", "data failover")).Select(h => h.Id), Does.Contain("d1"),
            "'data' no longer widens to 'database', and the rare 'failover' still finds the drill");
    }

    [Test]
    public async Task A_question_of_common_words_only_keeps_its_words()
    {
        var hits = await SearchAsync("acme", "data note");

        Assert.That(hits, Has.Count.EqualTo(3));
        Assert.That(hits.Select(h => h.Id), Has.All.StartWith("n"), "every word is still matched, exactly");
    }

    [Test]
    public async Task The_words_alone_ranking_still_returns_only_the_teams_public_documents_of_the_asked_kinds()
    {
        var acme = await SearchAsync("acme", "zebra");
        var acmeWithKudos = await SearchAsync("acme", "zebra", SearchKind.Learning, SearchKind.Kudos);
        var globex = await SearchAsync("globex", "zebra");

        Assert.That(acme.Select(h => h.Id), Is.EquivalentTo(new[] { "z1", "z2" }), "40 better-ranked globex rows and the private one skipped");
        Assert.That(acmeWithKudos.Select(h => h.Id), Is.EquivalentTo(new[] { "g1", "z1", "z2" }), "kudos only when asked for");
        Assert.That(globex, Has.Count.EqualTo(3));
        Assert.That(globex.Select(h => h.Id), Has.All.StartWith("x"));
    }

    [TestCase("zebar crossing", TestName = "A typo is corrected in a team ranked on its words alone (a swap)")]
    [TestCase("kubernets upgrade", TestName = "A typo is corrected in a team ranked on its words alone (a deletion)")]
    public async Task Typos_are_corrected_in_a_team_ranked_on_its_words_alone(string question)
    {
        var hits = await SearchAsync("acme", question);

        Assert.That(hits.Select(h => h.Id).First(), Is.AnyOf("z1", "k1"));
        Assert.That(hits.Select(h => h.Id), Has.None.StartWith("x"));
    }
}
