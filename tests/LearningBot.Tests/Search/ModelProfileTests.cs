using System.Collections.Concurrent;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Tests.Observability;
using LearningBot.Tests.Web;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LearningBot.Tests.Search;

/// <summary>
/// Each embedding model gets its own query prefix and calibrated thresholds (<see cref="ModelProfile"/>): arctic-embed's cosines
/// for unrelated texts sit far above all-MiniLM-L6-v2's, so MiniLM's thresholds would let everything through with it.
/// </summary>
public sealed class ModelProfileTests
{
    /// <summary>An embedding generator that records what it was asked to embed (the model itself is not what these tests are about).</summary>
    private sealed class RecordingGenerator(string modelId) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public ConcurrentQueue<string> Inputs { get; } = new();

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            var result = new GeneratedEmbeddings<Embedding<float>>();
            foreach (var value in values)
            {
                Inputs.Enqueue(value);
                result.Add(new Embedding<float>(new float[] { 1, 0, 0 }));
            }

            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test", null, modelId, 3) : null;

        public void Dispose()
        {
        }
    }

    private static GeneratorQueryEmbedder Embedder(RecordingGenerator generator, SimilarityOptions? options = null, CapturedLogs? logs = null)
    {
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs ?? new CapturedLogs()));
        return new GeneratorQueryEmbedder(factory.CreateLogger<GeneratorQueryEmbedder>(), generator, options);
    }

    [Test]
    public async Task Arctic_queries_carry_the_prefix_it_was_trained_with_and_documents_do_not()
    {
        var generator = new RecordingGenerator("snowflake-arctic-embed-xs");
        var embedder = Embedder(generator);

        await embedder.EmbedAsync("who grants warehouse access?", default);
        await embedder.EmbedDocumentAsync("Warehouse access: ask #data-platform", default);

        Assert.That(generator.Inputs, Is.EqualTo(new[]
        {
            "Represent this sentence for searching relevant passages: who grants warehouse access?",
            "Warehouse access: ask #data-platform",
        }));
        Assert.That(embedder.Thresholds, Is.EqualTo(SimilarityThresholds.ArcticXs));
    }

    [Test]
    public async Task MiniLM_queries_go_in_as_typed_with_its_own_thresholds()
    {
        var generator = new RecordingGenerator("all-MiniLM-L6-v2");
        var embedder = Embedder(generator);

        await embedder.EmbedAsync("who grants warehouse access?", default);

        Assert.That(generator.Inputs, Is.EqualTo(new[] { "who grants warehouse access?" }));
        Assert.That(embedder.Thresholds, Is.EqualTo(SimilarityThresholds.MiniLM));
        Assert.That(SimilarityThresholds.ArcticXs.Offer, Is.Not.EqualTo(SimilarityThresholds.MiniLM.Offer));
    }

    [Test]
    public void An_uncalibrated_model_gets_MiniLMs_thresholds_and_a_warning_that_says_how_to_calibrate()
    {
        var logs = new CapturedLogs();
        var embedder = Embedder(new RecordingGenerator("text-embedding-3-small"), logs: logs);

        Assert.That(embedder.Thresholds, Is.EqualTo(SimilarityThresholds.MiniLM));
        Assert.That(logs.Entries, Has.One.Contains("Warning").And.Contains("text-embedding-3-small").And.Contains("Search:Similarity"));
    }

    [Test]
    public async Task Configured_values_override_the_profile_and_silence_the_warning()
    {
        var logs = new CapturedLogs();
        var generator = new RecordingGenerator("text-embedding-3-small");
        var embedder = Embedder(generator, new SimilarityOptions { Answered = 0.5, Offer = 0.7, QueryPrefix = "query: " }, logs);

        await embedder.EmbedAsync("who grants warehouse access?", default);

        Assert.That(embedder.Thresholds, Is.EqualTo(SimilarityThresholds.MiniLM with { Answered = 0.5, Offer = 0.7 }));
        Assert.That(generator.Inputs, Is.EqualTo(new[] { "query: who grants warehouse access?" }));
        Assert.That(logs.Entries, Has.None.Contains("Warning"));
    }

    [TestCase(0.2, null, "must rise")]   // Offer below Answered (0.62)
    [TestCase(null, 1.5, "between -1 and 1")]
    [TestCase(null, double.NaN, "between -1 and 1")]
    public void Thresholds_that_cannot_work_stop_start_up_naming_the_setting(double? offer, double? floor, string why)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Embedder(new RecordingGenerator("all-MiniLM-L6-v2"), new SimilarityOptions { Offer = offer, Floor = floor }));

        Assert.That(error!.Message, Does.StartWith("Search:Similarity:").And.Contain(why));
    }

    [Test]
    public void Both_shipped_profiles_are_consistent()
    {
        Assert.That(SimilarityThresholds.MiniLM.Problem(), Is.Null);
        Assert.That(SimilarityThresholds.ArcticXs.Problem(), Is.Null);
        Assert.That(ModelProfile.Known("snowflake-arctic-embed-xs"), Is.SameAs(ModelProfile.ArcticXs));
        Assert.That(ModelProfile.Known("all-MiniLM-L6-v2"), Is.SameAs(ModelProfile.MiniLM));
        Assert.That(ModelProfile.Known("anything else"), Is.Null);
    }

    /// <summary>Two unit vectors whose cosine is exactly <paramref name="cosine"/>.</summary>
    private static (float[], float[]) AtCosine(double cosine) =>
        ([1f, 0f, 0f], [(float)cosine, (float)Math.Sqrt(1 - cosine * cosine), 0f]);

    [Test]
    public void Two_questions_are_one_by_the_threshold_of_the_model_that_made_their_vectors()
    {
        // Between the two models' thresholds: the same wording pair for MiniLM, two different questions for arctic-embed.
        var cosine = (SimilarityThresholds.MiniLM.SameQuestion + SimilarityThresholds.ArcticXs.SameQuestion) / 2;
        var (a, b) = AtCosine(cosine);
        AskedQuestion Question(string id, float[] vector, string model, int minute) =>
            new(id, "T1", "U1", "question " + id, false, DateTimeOffset.UnixEpoch.AddMinutes(minute), "key-" + id)
            {
                Embedding = vector, EmbeddingModel = model,
            };

        foreach (var (model, grouped) in new[] { ("all-MiniLM-L6-v2", true), ("snowflake-arctic-embed-xs", false) })
        {
            var earlier = Question("q1", a, model, 0);
            var later = Question("q2", b, model, 1);
            Assert.That(QuestionGroups.MostSimilar(later, [earlier]) is not null, Is.EqualTo(grouped), model);
            Assert.That(QuestionGroups.Group([earlier, later]).Count, Is.EqualTo(grouped ? 1 : 2), model + ", grouped when read");
            // The running model's threshold, when the caller knows it, wins.
            Assert.That(QuestionGroups.MostSimilar(later, [earlier], sameQuestion: cosine - 0.01) is not null, Is.True, model);
        }
    }

    [Test]
    [Category("Embeddings")]
    public void The_real_host_refuses_to_start_with_thresholds_that_cannot_work()
    {
        using var directory = new TempDirectory();
        using var host = new LearningBotWebFactory(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = directory.File("thresholds.db"),
            ["Search:Embeddings:Provider"] = "MiniLM",
            ["Search:Similarity:Offer"] = "0.2", // below MiniLM's Answered (0.62)
        });

        var error = Assert.Catch(() => host.CreateClient());

        var messages = string.Join(" | ", Messages(error!));
        Assert.That(messages, Does.Contain("Search:Similarity: the thresholds must rise: Floor <= Relevant <= Answered <= Offer"));
        Assert.That(messages, Does.Not.Contain("could not be loaded"), "the model loaded fine: the message must not blame it");
    }

    private static IEnumerable<string> Messages(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            yield return current.Message;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Messages))
                {
                    yield return inner;
                }
            }
        }
    }
}
