using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Embeddings;
using LearningBot.Tests.Web;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningBot.Tests.Search;

/// <summary>
/// <c>Search:Embeddings:QueryPrecision=Int8</c> (with <c>MiniLM</c>; the default is Float32): what a person asks is embedded by the int8 form of
/// all-MiniLM-L6-v2, documents stay float32 under <c>all-MiniLM-L6-v2</c>, so turning the mode on or off re-embeds nothing; questions
/// are stored with the int8 model id and still group with questions stored with float32 vectors before the switch. Real models,
/// the real host, a real SQLite file.
/// </summary>
[Category("Embeddings")]
public sealed class Int8QueriesTests
{
    private const string Question = "How do I delete my Facebook account?";
    private const string Answer = "Open facebook.com/help/delete_account and press Submit; the account is gone after 14 days.";

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    private TempDirectory _directory = null!;

    [SetUp]
    public void CreateFolder() => _directory = new TempDirectory();

    [TearDown]
    public void RemoveFolder() => _directory.Dispose();

    private string DatabasePath => _directory.File("int8q.db");

    [Test]
    public async Task Queries_are_embedded_in_int8_and_documents_in_float32_under_the_float32_model_id()
    {
        using var host = Host("Int8");
        var client = host.CreateClient();
        await PlaygroundApi.SendAsync(client, "bo", $"share {Question} :: {Answer}");
        await WaitAsync(() => Scalar("SELECT count(*) FROM search_vectors") == 2, "the answer embedded");
        await PlaygroundApi.SendAsync(client, "ann", "ask remove fb profile permanently");
        var health = await client.GetFromJsonAsync<JsonElement>("/health");

        var embedder = host.Services.GetRequiredService<IQueryEmbedder>();
        using var float32 = SentenceEmbeddingGenerator.Load(EmbeddingProviders.MiniLM, 1);
        string[] texts = ["remove fb profile permanently", "who grants warehouse access", "databse pasword rotaton",
            "gmail keeps putting emails from my boss into spam, how do I stop that from happening"];
        var reference = await float32.GenerateAsync(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var query = (await embedder.EmbedAsync(texts[i], CancellationToken.None))!.Value;
            var document = (await embedder.EmbedDocumentAsync(texts[i], CancellationToken.None))!.Value;
            var queryCosine = Vectors.Cosine(query.Span, reference[i].Vector.Span);
            // int8 weights move every query vector a little, but it points where the float32 one does.
            Assert.That(queryCosine, Is.InRange(0.98, 0.99999), texts[i]);
            Assert.That(Vectors.Cosine(document.Span, reference[i].Vector.Span), Is.EqualTo(1.0).Within(1e-5), "documents: float32");
        }

        Assert.That((embedder.ModelId, embedder.QueryModelId), Is.EqualTo(("all-MiniLM-L6-v2", "all-MiniLM-L6-v2-int8")));
        Assert.That(embedder.Thresholds, Is.EqualTo(SimilarityThresholds.MiniLMInt8Queries));
        Assert.That(Scalar("SELECT count(*) FROM search_vectors WHERE model <> 'all-MiniLM-L6-v2'"), Is.Zero, "documents under the float32 id");
        Assert.That(Scalar("SELECT count(*) FROM questions WHERE embedding_model = 'all-MiniLM-L6-v2-int8'"), Is.EqualTo(1),
            "the asked question is stored with its int8 vector's model id");
        Assert.That(health.GetProperty("search").GetString(), Is.EqualTo("hybrid (all-MiniLM-L6-v2, 384 dimensions, queries all-MiniLM-L6-v2-int8)"));
    }

    [Test]
    public async Task Without_the_setting_queries_are_float32_and_stored_questions_carry_the_float32_id()
    {
        using var host = Host(precision: null);
        var client = host.CreateClient();
        await PlaygroundApi.SendAsync(client, "ann", "ask who grants warehouse access");
        var embedder = host.Services.GetRequiredService<IQueryEmbedder>();
        using var float32 = SentenceEmbeddingGenerator.Load(EmbeddingProviders.MiniLM, 1);

        var query = (await embedder.EmbedAsync("who grants warehouse access", CancellationToken.None))!.Value;
        var reference = (await float32.GenerateAsync(["who grants warehouse access"]))[0].Vector;

        Assert.That((embedder.ModelId, embedder.QueryModelId), Is.EqualTo(("all-MiniLM-L6-v2", "all-MiniLM-L6-v2")));
        Assert.That(Vectors.Cosine(query.Span, reference.Span), Is.EqualTo(1.0).Within(1e-5));
        Assert.That(embedder.Thresholds, Is.EqualTo(SimilarityThresholds.MiniLM));
        Assert.That(Scalar("SELECT count(*) FROM questions WHERE embedding_model = 'all-MiniLM-L6-v2'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Switching_query_precision_re_embeds_no_document_and_questions_of_both_precisions_group()
    {
        long lastVector;
        using (var before = Host("Float32"))
        {
            var client = before.CreateClient();
            await PlaygroundApi.SendAsync(client, "bo", $"share {Question} :: {Answer}");
            await PlaygroundApi.SendAsync(client, "cy", "learned how to read EXPLAIN plans in postgres #postgres");
            await WaitAsync(() => Scalar("SELECT count(*) FROM search_vectors") == 3, "embedded by float32 MiniLM");
            Assert.That(await PlaygroundApi.SendAsync(client, "ann", "ask how can I delete my facebook account for good"), Does.Contain(Question));
            Assert.That(before.Services.GetRequiredService<IQueryEmbedder>().QueryModelId, Is.EqualTo("all-MiniLM-L6-v2"));
            lastVector = Scalar("SELECT max(seq) FROM search_vectors");
        }

        Assert.That(Scalar("SELECT count(*) FROM questions WHERE embedding_model = 'all-MiniLM-L6-v2'"), Is.EqualTo(1), "a float32 question");

        using (var after = Host("Int8"))
        {
            var client = after.CreateClient();
            // Nothing is pending for the documents' model: the worker finds no work, and no vector row was rewritten.
            Assert.That(await after.Services.GetRequiredService<EmbeddingWorker>().DrainAsync(CancellationToken.None), Is.Zero);
            var paraphrase = await PlaygroundApi.SendAsync(client, "dee", "ask remove fb profile permanently");
            // The float32 question reworded (cosine ~0.89; content words in common: 2 of 6, under the word rule's 0.6).
            var reworded = await PlaygroundApi.SendAsync(client, "eve", "ask how do I get rid of my facebook account");
            var unrelated = await PlaygroundApi.SendAsync(client, "dee", "ask how do I renew my passport");
            Assert.That(Scalar("SELECT count(*) FROM search_vectors"), Is.EqualTo(3));
            Assert.That(Scalar("SELECT max(seq) FROM search_vectors"), Is.EqualTo(lastVector), "no document re-embedded");
            Assert.That(paraphrase, Does.Contain(Question), "found by meaning with an int8 query over float32 documents");
            Assert.That(reworded, Does.Contain(Question));
            Assert.That(unrelated, Does.Contain("Nothing written down").And.Not.Contain("acebook").And.Not.Contain("EXPLAIN"));
        }

        // The int8 rewording joined the float32 question's group (one question asked twice). "remove fb profile permanently" is
        // not that question by either model (cosine 0.40 / 0.38 with it): its own group, as is the passport question.
        Assert.That(Scalar("SELECT count(*) FROM questions WHERE embedding_model = 'all-MiniLM-L6-v2-int8'"), Is.EqualTo(3));
        Assert.That(Scalar("SELECT count(DISTINCT group_id) FROM questions WHERE text LIKE '%facebook account%'"), Is.EqualTo(1),
            "float32 and int8 wordings of one question are one group");
        Assert.That(Scalar("SELECT count(DISTINCT group_id) FROM questions"), Is.EqualTo(3), "the fb and passport questions are groups of their own");

        using var back = Host("Float32");
        Assert.That(await back.Services.GetRequiredService<EmbeddingWorker>().DrainAsync(CancellationToken.None), Is.Zero);
        Assert.That(Scalar("SELECT max(seq) FROM search_vectors"), Is.EqualTo(lastVector), "switching back re-embeds nothing either");
    }

    [Test]
    public void Float32_and_int8_question_vectors_are_compared_but_other_models_never_are()
    {
        float[] a = [1f, 0f, 0f];
        float[] b = [0.9f, (float)Math.Sqrt(1 - 0.81), 0f]; // cosine 0.9: one question by any MiniLM threshold
        AskedQuestion Asked(string id, float[] vector, string model, int minute) =>
            new(id, "T1", "U1", "question " + id, false, DateTimeOffset.UnixEpoch.AddMinutes(minute), "key-" + id)
            {
                Embedding = vector, EmbeddingModel = model,
            };

        foreach (var (old, grouped) in new[]
                 {
                     ("all-MiniLM-L6-v2", true), ("all-MiniLM-L6-v2-int8", true), ("snowflake-arctic-embed-xs", false), ("my-own-model", false),
                 })
        {
            var match = QuestionGroups.MostSimilar(Asked("q2", b, "all-MiniLM-L6-v2-int8", 1), [Asked("q1", a, old, 0)],
                SimilarityThresholds.MiniLMInt8Queries.SameQuestion);
            Assert.That(match is not null, Is.EqualTo(grouped), old);
        }
    }

    [TestCase("int8")]
    [TestCase("INT8")]
    [TestCase("fp32")]
    [TestCase("Float16")]
    public void An_unknown_query_precision_stops_start_up_naming_the_setting_and_the_choices(string precision)
    {
        using var host = Host(precision);

        var error = Assert.Throws<OptionsValidationException>(() => host.CreateClient());

        Assert.That(error!.Message, Does.Contain("Search:Embeddings:QueryPrecision must be Int8 or Float32."));
    }

    [TestCase(EmbeddingProviders.MiniLMInt8, "all-MiniLM-L6-v2-int8")]
    [TestCase(EmbeddingProviders.ArcticXs, "snowflake-arctic-embed-xs")]
    public async Task Other_providers_embed_queries_with_their_own_model(string provider, string model)
    {
        using var host = Host("Int8", provider);
        await host.CreateClient().GetAsync("/health");

        var embedder = host.Services.GetRequiredService<IQueryEmbedder>();

        Assert.That((embedder.ModelId, embedder.QueryModelId), Is.EqualTo((model, model)));
        Assert.That(embedder.Thresholds, Is.EqualTo(ModelProfile.Known(model)!.Thresholds));
    }

    [Test]
    public async Task An_operators_own_generator_embeds_its_own_queries_even_with_int8_queries_on()
    {
        var own = new OwnGenerator();
        using var host = Host(precision: "Int8").WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(own)));
        var embedder = host.Services.GetRequiredService<IQueryEmbedder>();

        await embedder.EmbedAsync("who grants warehouse access?", CancellationToken.None);

        Assert.That((embedder.ModelId, embedder.QueryModelId), Is.EqualTo(("text-embedding-3-small", "text-embedding-3-small")));
        Assert.That(own.Inputs, Is.EqualTo(new[] { "who grants warehouse access?" }), "the query went to the operator's generator");
    }

    /// <summary>An operator's own model (e.g. an Azure OpenAI deployment): records what it is asked to embed.</summary>
    private sealed class OwnGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Inputs { get; } = new();

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            var result = new GeneratedEmbeddings<Embedding<float>>();
            foreach (var value in values)
            {
                Inputs.Enqueue(value);
                result.Add(new Embedding<float>(new float[] { 0.6f, 0.8f, 0f }));
            }

            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test", null, "text-embedding-3-small", 3) : null;

        public void Dispose()
        {
        }
    }

    private LearningBotWebFactory Host(string? precision, string provider = EmbeddingProviders.MiniLM) => new(new Dictionary<string, string?>
    {
        ["Storage:Sqlite:Path"] = DatabasePath,
        ["Search:Embeddings:Provider"] = provider,
        ["Search:Embeddings:QueryPrecision"] = precision,
        ["Search:Embeddings:PollInterval"] = "00:00:01",
        ["Scheduler:Enabled"] = "false",
    });

    private long Scalar(string sql) => SqliteFileProbe.Scalar(DatabasePath, sql);

    private static Task WaitAsync(Func<bool> condition, string what) =>
        SqliteFileProbe.WaitAsync(condition, what, Within, TimeSpan.FromMilliseconds(200));
}
