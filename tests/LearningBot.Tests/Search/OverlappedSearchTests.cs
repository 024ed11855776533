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
}
