using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Learnings;
using LearningBot.Embeddings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using LearningBot.Storage.Sqlite.Knowledge.Semantic;
using LearningBot.Storage.Sqlite.Learnings;
using Microsoft.Extensions.Logging.Abstractions;

namespace LearningBot.Tests.Search;

/// <summary>
/// A question made only of very common words (<see cref="SearchTuning.CommonWordsConjunction"/>) in a hybrid search of a large index is
/// matched by all its words, with no any-word fallback over the rarest of them, and <c>who knows</c> (and so the suggestion inside
/// <c>ask</c>) makes no excerpts (<see cref="SearchQuery.Excerpts"/>). Real SQLite file of 1,200+ documents (the rule starts at 1,000),
/// the real packaged model for every vector, another team's copy of the answer and a private learning beside.
/// </summary>
[Category("Embeddings")]
public sealed class CommonWordsSearchTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly SearchKind[] AskKinds = [SearchKind.Knowledge, SearchKind.Learning];
    private const string Question = "how do we deploy the service?";
    private static SentenceEmbeddingGenerator _model = null!;
    private TempDirectory _directory = null!;
    private SqliteDatabase _database = null!;
    private SqliteSearchIndex _search = null!;
    private GeneratorQueryEmbedder _embedder = null!;

    [OneTimeSetUp]
    public static void LoadModel() => _model = SentenceEmbeddingGenerator.Load("MiniLM", intraOpThreads: 1);

    [OneTimeTearDown]
    public static void UnloadModel() => _model.Dispose();

    [SetUp]
    public async Task Create()
    {
        _directory = new TempDirectory();
        _database = new SqliteDatabase(_directory.File("common-words.db"));
        await _database.InitializeAsync(default);
        var knowledge = new SqliteKnowledgeRepository(_database);
        var learnings = new SqliteLearningRepository(_database);
        // "deploy" and "service" are each in ~600 of ~1,200 documents (very common: over 1 in 200), never together in these notes.
        for (var i = 0; i < 600; i++)
        {
            await learnings.AddAsync(new LearningEntry($"a{i}", "acme", "ann", "the deploy freeze party had cake and balloons in the kitchen",
                [], null, At.AddMinutes(-i), $"a{i}"), default);
            await learnings.AddAsync(new LearningEntry($"d{i}", "acme", "dan", "customer service lunch: soup and bread on the terrace",
                [], null, At.AddMinutes(-i), $"d{i}"), default);
        }

        // Who really knows: bo shared the answer and learned about it; cy wrote about a rollback of one.
        await knowledge.AddAsync(new KnowledgePost("p1", "acme", "bo", "How do we deploy a service to production?",
            "Run make deploy SERVICE=name from the repo root; the pipeline rolls it out to production.", [], At, "p1"), default);
        await learnings.AddAsync(new LearningEntry("l1", "acme", "bo", "learned how to deploy a new service behind the load balancer",
            [], null, At, "l1"), default);
        await learnings.AddAsync(new LearningEntry("l2", "acme", "cy", "rolling back a bad release is make rollback, then watch the dashboards",
            [], null, At, "l2"), default);
        // Never for acme: globex's copy of the answer, and a private learning.
        await knowledge.AddAsync(new KnowledgePost("g1", "globex", "gx", "How do we deploy a service to production?",
            "Globex deploys every service with its own tool.", [], At, "g1"), default);
        await learnings.AddAsync(new LearningEntry("secret", "acme", "eve", "how to deploy the payments service from my laptop", [], null, At,
            "secret") { IsPrivate = true }, default);

        // Every document's vector from the model (the notes repeat two texts: each distinct text is embedded once).
        var store = new SqliteEmbeddingStore(_database);
        var pending = await store.ListPendingAsync("all-MiniLM-L6-v2", 5_000, default);
        var texts = pending.Select(w => w.Text).Distinct(StringComparer.Ordinal).ToList();
        var vectors = await _model.GenerateAsync(texts, cancellationToken: default);
        var byText = texts.Select((t, i) => (t, vectors[i].Vector)).ToDictionary(p => p.t, p => p.Vector, StringComparer.Ordinal);
        await store.SaveAsync("all-MiniLM-L6-v2", pending.Select(w => new ComputedEmbedding(w, byText[w.Text])).ToList(), default);

        _embedder = new GeneratorQueryEmbedder(NullLogger<GeneratorQueryEmbedder>.Instance, _model);
        _search = new SqliteSearchIndex(_database, new SqliteVectorCache(_database), _embedder);
    }

    [TearDown]
    public void Remove() => _directory.Dispose();

    [Test]
    public async Task A_question_of_very_common_words_finds_the_right_post_by_all_its_words()
    {
        var query = new SearchQuery("acme", Question, AskKinds, 3) { Shown = 3 };

        var hits = await _search.SearchAsync(query, Task.Run(() => _embedder.EmbedAsync(Question, default)), default);

        Assert.That(hits.Select(h => h.Id).First(), Is.EqualTo("p1"), "the shared answer first");
        Assert.That(hits.Where(h => h.MatchedWords).Select(h => h.Id), Is.EquivalentTo(new[] { "p1", "l1" }),
            "found by words: only documents holding every word (the two that have both), no note holding just one of them");
        Assert.That(hits.Select(h => h.Id), Has.None.AnyOf("g1", "secret"), "another team's and private documents never");
        Assert.That(hits.Where(h => h.MatchedWords).Select(h => h.Excerpt), Is.All.Contains("deploy"), "excerpts around the words");

        // A typo among the common words: its correction counts as a rarer word, so nothing is left out for it.
        var typo = await _search.SearchAsync(query with { Text = "how do we deploi the service?" },
            Task.Run(() => _embedder.EmbedAsync("how do we deploi the service?", default)), default);
        Assert.That(typo.Select(h => h.Id).First(), Is.EqualTo("p1"), "a typo in one of the words still finds the answer");

        // What the rule changed: before it, the any-word fallback filled the list from the notes holding the rarer word.
        _database.SearchTuning = SearchTuning.BeforeLexCost;
        var before = await _search.SearchAsync(query, Task.Run(() => _embedder.EmbedAsync(Question, default)), default);
        Assert.That(before.Where(h => h.MatchedWords).Select(h => h.Id), Has.Some.Match("^[ad][0-9]+$"),
            "before: notes that share one common word with the question were lexical hits");
    }

    [Test]
    public async Task Who_knows_names_who_wrote_about_the_question_not_who_wrote_the_common_words_most()
    {
        var vector = await _embedder.EmbedAsync(Question, default);

        var people = WhoKnowsRanking.Rank(await WhoKnowsRanking.SearchAsync(_search, "acme", Question, vector,
            _embedder.Thresholds.Relevant, default));

        Assert.That(people.Select(p => p.PersonId).First(), Is.EqualTo("bo"), "one shared answer and one learning about deploying a service");
        Assert.That(people.Single(p => p.PersonId == "bo"), Has.Property(nameof(TopicExpert.Shared)).EqualTo(1).And.Property(nameof(TopicExpert.Learned)).EqualTo(1));
        Assert.That(people.Select(p => p.PersonId), Has.None.AnyOf("gx", "eve"), "another team's author and a private learning's never");

        _database.SearchTuning = SearchTuning.BeforeLexCost;
        var before = WhoKnowsRanking.Rank(await WhoKnowsRanking.SearchAsync(_search, "acme", Question, vector,
            _embedder.Thresholds.Relevant, default));
        Assert.That(before.Select(p => p.PersonId).First(), Is.AnyOf("ann", "dan"),
            "before: 198 notes holding only the rarer common word outweighed who wrote about the question");
    }

    [TestCase(true, TestName = "Without excerpts: the same hybrid hits, excerpts left empty")]
    [TestCase(false, TestName = "Without excerpts: the same lexical-only hits, excerpts left empty")]
    public async Task A_search_that_shows_no_excerpts_gets_the_same_hits_without_them(bool hybrid)
    {
        var search = hybrid ? _search : new SqliteSearchIndex(_database);
        var query = new SearchQuery("acme", "deploy service", [SearchKind.Knowledge, SearchKind.Learning, SearchKind.Kudos],
            WhoKnowsRanking.HitsConsidered) { Embedding = hybrid ? await _embedder.EmbedAsync("deploy service", default) : null };

        var with = await search.SearchAsync(query, default);
        var without = await search.SearchAsync(query with { Excerpts = false }, default);

        Assert.That(with.Count(h => h.MatchedWords), Is.GreaterThan(1));
        Assert.That(with.Where(h => h.MatchedWords).Select(h => h.Excerpt), Is.All.Not.Empty);
        Assert.That(without.Select(h => (h.Id, h.Kind, h.Score, h.Similarity, h.MatchedWords)),
            Is.EqualTo(with.Select(h => (h.Id, h.Kind, h.Score, h.Similarity, h.MatchedWords))), "the same hits in the same order");
        Assert.That(without.Where(h => h.MatchedWords).Select(h => h.Excerpt), Is.All.Empty, "no snippet made for a word match");
        Assert.That(without.Select(h => h.Id), Has.None.AnyOf("g1", "secret"));
    }

    [Test]
    public async Task A_lexical_only_search_keeps_the_any_word_fallback()
    {
        var hits = await new SqliteSearchIndex(_database).SearchAsync(new SearchQuery("acme", Question, AskKinds, 10), default);

        Assert.That(hits.Select(h => h.Id).Take(2), Is.EquivalentTo(new[] { "p1", "l1" }), "every word first");
        Assert.That(hits, Has.Count.EqualTo(10), "then notes with one of the words: without a model there is nothing else");
        Assert.That(hits.Select(h => h.Id), Has.None.AnyOf("g1", "secret"));
    }
}
