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
/// <c>ask</c> embeds the question on a pool thread while the SQLite index runs its lexical half
/// (<see cref="ISearchIndex.SearchAsync(SearchQuery, Task{ReadOnlyMemory{float}?}, CancellationToken)"/>). Real SQLite file, the real
/// packaged model (all-MiniLM-L6-v2) for the documents' and the questions' vectors.
/// </summary>
[Category("Embeddings")]
public sealed class OverlappedSearchTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly SearchKind[] AskKinds = [SearchKind.Knowledge, SearchKind.Learning];
    private static SentenceEmbeddingGenerator _model = null!;
    private static SentenceEmbeddingGenerator _twoThreads = null!;
    private TempDirectory _directory = null!;
    private SqliteDatabase _database = null!;
    private SqliteSearchIndex _search = null!;
    private GeneratorQueryEmbedder _embedder = null!;

    [OneTimeSetUp]
    public static void LoadModel()
    {
        _model = SentenceEmbeddingGenerator.Load("MiniLM", intraOpThreads: 1);
        // Search:Embeddings:QueryThreads=2 as the host loads it: a query-only session whose extra thread does not spin.
        _twoThreads = SentenceEmbeddingGenerator.Load("MiniLM", intraOpThreads: 2, allowSpinning: false);
    }

    [OneTimeTearDown]
    public static void UnloadModel()
    {
        _model.Dispose();
        _twoThreads.Dispose();
    }

    [SetUp]
    public async Task Create()
    {
        _directory = new TempDirectory();
        _database = new SqliteDatabase(_directory.File("overlap.db"));
        await _database.InitializeAsync(default);
        var knowledge = new SqliteKnowledgeRepository(_database);
        var learnings = new SqliteLearningRepository(_database);
        (string Question, string Answer)[] answers =
        [
            ("How do I rotate the staging database password?", "Run make rotate-db-password ENV=staging; the vault entry updates itself."),
            ("How do I delete my Facebook account?", "Open facebook.com/help/delete_account and press Submit; it is gone after 14 days."),
            ("Where are the deployment runbooks?", "In the ops wiki under Runbooks; the deploy checklist is pinned in #deploys."),
            ("How do I get access to the analytics warehouse?", "Ask in #data-access with your manager in copy; Ana grants read roles."),
        ];
        for (var i = 0; i < answers.Length; i++)
        {
            await knowledge.AddAsync(new KnowledgePost($"p{i}", "acme", "ann", answers[i].Question, answers[i].Answer, [], At, $"p{i}"), default);
        }

        string[] learned =
        [
            "how to read EXPLAIN plans in postgres before adding an index",
            "kubernetes network policies deny all traffic unless a policy allows it",
            "the staging database is restored from last night's backup every Monday",
        ];
        for (var i = 0; i < learned.Length; i++)
        {
            await learnings.AddAsync(new LearningEntry($"l{i}", "acme", "bo", learned[i], [], null, At, $"l{i}"), default);
        }

        // Another team's answer to the same question, and a private learning: neither may ever be a hit for acme.
        await knowledge.AddAsync(new KnowledgePost("other", "globex", "cy", "How do I rotate the staging database password?",
            "Globex rotates with its own tool.", [], At, "other"), default);
        await learnings.AddAsync(new LearningEntry("secret", "acme", "bo", "rotate the staging database password on my laptop", [], null, At,
            "secret") { IsPrivate = true }, default);

        var store = new SqliteEmbeddingStore(_database);
        var pending = await store.ListPendingAsync("all-MiniLM-L6-v2", 100, default);
        var vectors = await _model.GenerateAsync(pending.Select(w => w.Text), cancellationToken: default);
        await store.SaveAsync("all-MiniLM-L6-v2", pending.Select((w, i) => new ComputedEmbedding(w, vectors[i].Vector)).ToList(), default);

        _embedder = new GeneratorQueryEmbedder(NullLogger<GeneratorQueryEmbedder>.Instance, _model);
        _search = new SqliteSearchIndex(_database, new SqliteVectorCache(_database), _embedder);
    }

    [TearDown]
    public void Remove() => _directory.Dispose();

    [TestCase("how do I rotate the staging database password", TestName = "Overlapped: the question's own words")]
    [TestCase("remove fb profile permanently", TestName = "Overlapped: a paraphrase with no word in common")]
    [TestCase("databse pasword rotaton", TestName = "Overlapped: a typo in every word")]
    [TestCase("where do we keep the deploy checklist and runbooks", TestName = "Overlapped: words of two documents")]
    [TestCase(":tada: :rocket:", TestName = "Overlapped: emoji only (no vector, no words)")]
    [TestCase("rotate", TestName = "Overlapped: one word, also in another team's and a private document")]
    public async Task The_overlapped_search_returns_what_the_sequential_one_returns(string question)
    {
        var query = new SearchQuery("acme", question, AskKinds, 3);
        var vector = await _embedder.EmbedAsync(question, default);

        var sequential = await _search.SearchAsync(query with { Embedding = vector }, default);
        var overlapped = await _search.SearchAsync(query, Task.Run(() => _embedder.EmbedAsync(question, default)), default);

        Assert.That(overlapped, Is.EqualTo(sequential), "same hits, order, scores and similarities");
        Assert.That(overlapped.Select(h => h.Id), Has.None.AnyOf("other", "secret"), "another team's and private documents never");
        if (question.StartsWith("how do I rotate", StringComparison.Ordinal) || question.StartsWith("databse", StringComparison.Ordinal))
        {
            Assert.That(overlapped.Select(h => h.Id).FirstOrDefault(), Is.EqualTo("p0"));
        }
    }

    [Test]
    public async Task The_lexical_half_runs_before_the_vector_is_ready()
    {
        await _database.SearchVocabulary.RefreshAsync(default); // the lexical half reads it: its use shows that half ran
        var served = _database.SearchVocabulary.Served;
        var vector = new TaskCompletionSource<ReadOnlyMemory<float>?>(TaskCreationOptions.RunContinuationsAsynchronously);

        var searching = _search.SearchAsync(new SearchQuery("acme", "rotate the staging database password", AskKinds, 3), vector.Task, default);
        await Task.Delay(200);

        Assert.That(searching.IsCompleted, Is.False, "it waits for the vector");
        Assert.That(_database.SearchVocabulary.Served, Is.GreaterThan(served), "the words were searched meanwhile");
        vector.SetResult(await _embedder.EmbedAsync("rotate the staging database password", default));
        var hits = await searching;
        Assert.That(hits.Select(h => h.Id).First(), Is.EqualTo("p0"));
        Assert.That(hits[0].Similarity, Is.GreaterThan(0.5), "fused with the semantic half once the vector came");
    }

    [Test]
    public async Task A_failed_embedding_leaves_the_lexical_search_as_it_would_be_without_a_model()
    {
        var query = new SearchQuery("acme", "staging database", AskKinds, 3);
        var lexical = await new SqliteSearchIndex(_database).SearchAsync(query, default);

        var overlapped = await _search.SearchAsync(query, Task.FromResult<ReadOnlyMemory<float>?>(null), default);

        Assert.That(lexical, Is.Not.Empty);
        Assert.That(overlapped, Is.EqualTo(lexical));
    }

    [TestCase("how do I rotate the staging database password", TestName = "Embedding first: the question's own words")]
    [TestCase("remove fb profile permanently", TestName = "Embedding first: a hit found by meaning alone")]
    [TestCase("in copy", TestName = "Embedding first: a hit found by its words alone")]
    [TestCase("databse pasword rotaton", TestName = "Embedding first: a typo in every word")]
    [TestCase("where do we keep the deploy checklist and runbooks", TestName = "Embedding first: words of two documents")]
    [TestCase(":tada: :rocket:", TestName = "Embedding first: emoji only (no vector, no words)")]
    public async Task Ask_embedding_first_on_two_threads_matches_exactly_what_it_matched_with_the_words_beside_the_embedding(string question)
    {
        // Before: one-thread model, the words beside the embedding. Now (QueryThreads=2): a two-thread query session, embedding first,
        // then the words beside the vector scan. Each has its own index and vectors in memory over the same file.
        var before = Matcher(_embedder);
        var embedFirst = new GeneratorQueryEmbedder(NullLogger<GeneratorQueryEmbedder>.Instance, _model, queryGenerator: _twoThreads, embedFirst: true);
        Assert.That(embedFirst.EmbedFirst, Is.True);
        var now = Matcher(embedFirst);
        var draft = new AskedQuestion("q1", "acme", "ann", question, false, At.AddHours(1), "q1");

        var was = await before.MatchAsync(draft, AskKinds, 3, SimilarityThresholds.MiniLM.Answered, default);
        var match = await now.MatchAsync(draft, AskKinds, 3, SimilarityThresholds.MiniLM.Answered, default);

        Assert.That(match.Hits, Is.EqualTo(was.Hits), "same hits, order, scores, similarities and excerpts");
        Assert.That(match.TopSimilarity, Is.EqualTo(was.TopSimilarity));
        Assert.That(match.Question.Embedding?.ToArray(), Is.EqualTo(was.Question.Embedding?.ToArray()), "the stored vector, bit for bit");
        Assert.That((match.Question.Answered, match.Question.TopAnswerId, match.Question.EmbeddingModel),
            Is.EqualTo((was.Question.Answered, was.Question.TopAnswerId, was.Question.EmbeddingModel)));
        var lexicalOnly = await new SqliteSearchIndex(_database).SearchAsync(new SearchQuery("acme", question, AskKinds, 10), default);
        switch (question)
        {
            case "remove fb profile permanently":
                Assert.That(match.Hits.Select(h => h.Id).FirstOrDefault(), Is.EqualTo("p1"));
                Assert.That(lexicalOnly.Select(h => h.Id), Has.None.EqualTo("p1"), "found by meaning alone");
                break;
            case "in copy":
                // "Ask in #data-access with your manager in copy": the words match, the meaning (cosine ~0.15) does not.
                Assert.That(match.Hits.Select(h => h.Id), Does.Contain("p3"));
                Assert.That(lexicalOnly.Select(h => h.Id), Does.Contain("p3"));
                Assert.That(match.Hits.Single(h => h.Id == "p3").Similarity, Is.LessThan(SimilarityThresholds.MiniLM.Floor),
                    "found by its words alone: below the semantic floor");
                break;
            case ":tada: :rocket:":
                Assert.That(match.Hits, Is.Empty);
                Assert.That(match.Question.Embedding, Is.Null);
                break;
        }
    }

    [Test]
    public async Task Embedding_first_searches_the_words_only_once_the_vector_is_ready()
    {
        await _database.SearchVocabulary.RefreshAsync(default); // the lexical half reads it: its use shows that half ran
        var embedder = new WordsWatchingEmbedder(
            new GeneratorQueryEmbedder(NullLogger<GeneratorQueryEmbedder>.Instance, _model, queryGenerator: _twoThreads, embedFirst: true),
            () => _database.SearchVocabulary.Served);
        var served = _database.SearchVocabulary.Served;

        var match = await Matcher(embedder).MatchAsync(new AskedQuestion("q2", "acme", "ann", "rotate the staging database password", false,
            At.AddHours(1), "q2"), AskKinds, 3, SimilarityThresholds.MiniLM.Answered, default);

        Assert.That(embedder.ServedWhenVectorWasReady, Is.EqualTo(served), "no word was searched while the model ran");
        Assert.That(_database.SearchVocabulary.Served, Is.GreaterThan(served), "the words were searched after it");
        Assert.That(match.Hits.Select(h => h.Id).First(), Is.EqualTo("p0"));
        Assert.That(match.TopSimilarity, Is.GreaterThan(0.5), "fused with the semantic half");
    }

    private QuestionMatcher Matcher(IQueryEmbedder embedder)
    {
        var search = new SqliteSearchIndex(_database, new SqliteVectorCache(_database), embedder);
        return new QuestionMatcher(search, new SqliteQuestionRepository(_database),
            new AnswerConfidence(new SqliteKnowledgeRepository(_database), embedder), embedder);
    }

    /// <summary>The real embedder; notes how often the search vocabulary had been served at the moment each query vector was ready.</summary>
    private sealed class WordsWatchingEmbedder(IQueryEmbedder inner, Func<long> served) : IQueryEmbedder
    {
        public long? ServedWhenVectorWasReady { get; private set; }

        public string? ModelId => inner.ModelId;

        public string? QueryModelId => inner.QueryModelId;

        public int Dimensions => inner.Dimensions;

        public bool EmbedFirst => inner.EmbedFirst;

        public SimilarityThresholds Thresholds => inner.Thresholds;

        public async Task<ReadOnlyMemory<float>?> EmbedAsync(string text, CancellationToken cancellationToken)
        {
            var vector = await inner.EmbedAsync(text, cancellationToken);
            ServedWhenVectorWasReady = served();
            return vector;
        }

        public Task<ReadOnlyMemory<float>?> EmbedDocumentAsync(string text, CancellationToken cancellationToken) =>
            inner.EmbedDocumentAsync(text, cancellationToken);
    }
}
