using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Embeddings;
using LearningBot.Tests.Web;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LearningBot.Tests.Search;

/// <summary>
/// <c>Search:Embeddings:QueryThreads</c> (default 1): above 1, what people ask is embedded by a second session of the same packaged model with
/// that many ONNX Runtime threads, while documents (the background embedder) keep their one-thread session; <c>ask</c> then embeds
/// first (<see cref="IQueryEmbedder.EmbedFirst"/>). The vectors are the very same. Real models, the real host, a real SQLite file.
/// </summary>
[Category("Embeddings")]
public sealed class QueryThreadsTests
{
    private TempDirectory _directory = null!;

    [SetUp]
    public void CreateFolder() => _directory = new TempDirectory();

    [TearDown]
    public void RemoveFolder() => _directory.Dispose();

    private string DatabasePath => _directory.File("querythreads.db");

    [Test]
    public async Task Two_query_threads_give_queries_a_session_of_their_own_with_the_same_vectors_and_documents_keep_one_thread()
    {
        using var host = Host("2");
        var client = host.CreateClient();
        await PlaygroundApi.SendAsync(client, "bo",
            "share How do I delete my Facebook account? :: Open facebook.com/help/delete_account and press Submit; it is gone after 14 days.");
        await SqliteFileProbe.WaitAsync(() => SqliteFileProbe.Scalar(DatabasePath, "SELECT count(*) FROM search_vectors") == 2,
            "the answer embedded", TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(200));

        var reply = await PlaygroundApi.SendAsync(client, "ann", "ask remove fb profile permanently");

        var documents = (SentenceEmbeddingGenerator)host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var queries = (SentenceEmbeddingGenerator)host.Services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(
            GeneratorQueryEmbedder.QueryGeneratorKey);
        var embedder = host.Services.GetRequiredService<IQueryEmbedder>();
        Assert.That((documents.IntraOpThreads, queries.IntraOpThreads), Is.EqualTo((1, 2)), "documents on one thread, queries on two");
        Assert.That(queries, Is.Not.SameAs(documents));
        Assert.That(embedder.EmbedFirst, Is.True);
        Assert.That((embedder.ModelId, embedder.QueryModelId), Is.EqualTo(("all-MiniLM-L6-v2", "all-MiniLM-L6-v2")));
        Assert.That(embedder.Thresholds, Is.EqualTo(SimilarityThresholds.MiniLM));
        Assert.That(reply, Does.Contain("delete my Facebook account"), "ask found the answer by meaning");

        // The two-thread session computes the very same vector as the one-thread one, bit for bit: results cannot change.
        using var oneThread = SentenceEmbeddingGenerator.Load(EmbeddingProviders.MiniLM, 1);
        string[] texts = ["remove fb profile permanently", "databse pasword rotaton", "who grants warehouse access?",
            string.Join(' ', Enumerable.Repeat("how do we rotate the staging database password after an incident review", 20))];
        var reference = await oneThread.GenerateAsync(texts);
        var before = new GeneratorQueryEmbedder(NullLogger<GeneratorQueryEmbedder>.Instance, oneThread);
        for (var i = 0; i < texts.Length; i++)
        {
            var query = (await embedder.EmbedAsync(texts[i], CancellationToken.None))!.Value;
            var single = (await before.EmbedAsync(texts[i], CancellationToken.None))!.Value;
            Assert.That(query.ToArray(), Is.EqualTo(single.ToArray()), $"text {i}");
            Assert.That((await queries.GenerateAsync([texts[i]]))[0].Vector.ToArray(), Is.EqualTo(reference[i].Vector.ToArray()), $"text {i}, raw");
        }
    }

    [TestCase(null, TestName = "By default queries share the documents' one-thread session and the words run beside the embedding")]
    [TestCase("1", TestName = "One query thread shares the documents' one-thread session and the words run beside the embedding")]
    public async Task One_query_thread_shares_the_documents_session(string? queryThreads)
    {
        using var host = Host(queryThreads);
        await host.CreateClient().GetAsync("/health");

        var embedder = host.Services.GetRequiredService<IQueryEmbedder>();
        var documents = (SentenceEmbeddingGenerator)host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.That(host.Services.GetKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(GeneratorQueryEmbedder.QueryGeneratorKey), Is.Null);
        Assert.That(documents.IntraOpThreads, Is.EqualTo(1));
        Assert.That(embedder.EmbedFirst, Is.False);
    }

    [Test]
    public async Task Int8_queries_keep_their_one_thread_model_and_the_words_beside_it()
    {
        using var host = Host("2", precision: "Int8");
        await host.CreateClient().GetAsync("/health");

        var queries = (SentenceEmbeddingGenerator)host.Services.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(
            GeneratorQueryEmbedder.QueryGeneratorKey);
        var embedder = host.Services.GetRequiredService<IQueryEmbedder>();

        Assert.That((embedder.QueryModelId, queries.IntraOpThreads), Is.EqualTo(("all-MiniLM-L6-v2-int8", 1)));
        Assert.That(embedder.EmbedFirst, Is.False);
    }

    [TestCase("0")]
    [TestCase("5")]
    [TestCase("-2")]
    public void A_query_thread_count_out_of_range_stops_start_up_naming_the_setting(string threads)
    {
        using var host = Host(threads);

        var error = Assert.Throws<OptionsValidationException>(() => host.CreateClient());

        Assert.That(error!.Message, Does.Contain("Search:Embeddings:QueryThreads must be 1 to 4."));
    }

    private LearningBotWebFactory Host(string? queryThreads, string? precision = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = DatabasePath,
            ["Search:Embeddings:Provider"] = EmbeddingProviders.MiniLM,
            ["Search:Embeddings:PollInterval"] = "00:00:01",
            ["Scheduler:Enabled"] = "false",
        };
        if (queryThreads is not null)
        {
            settings["Search:Embeddings:QueryThreads"] = queryThreads;
        }

        if (precision is not null)
        {
            settings["Search:Embeddings:QueryPrecision"] = precision;
        }

        return new LearningBotWebFactory(settings);
    }
}
