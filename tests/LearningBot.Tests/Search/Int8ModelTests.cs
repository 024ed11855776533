using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Embeddings;
using LearningBot.Tests.Web;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Onnx;

namespace LearningBot.Tests.Search;

/// <summary>
/// The <c>MiniLMInt8</c> provider: all-MiniLM-L6-v2 with its weight matrices quantised to int8 at load from the package's own
/// model (<see cref="MiniLMInt8Encoder"/>, <see cref="Int8Quantiser"/>). Its vectors must point where the float32 model's do, it
/// stores them under its own model id (so switching providers re-embeds through the model-change path), and search decides by
/// its own calibrated thresholds. Real model, real host, real SQLite file.
/// </summary>
[Category("Embeddings")]
public sealed class Int8ModelTests
{
    private const string Question = "How do I delete my Facebook account?";
    private const string Answer = "Open facebook.com/help/delete_account and press Submit; the account is gone after 14 days.";

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    // Real questions as people type them in Slack or Teams: stackfaq queries (real rephrasings from a public Q&A site) and the
    // issue's own examples, short and long.
    private static readonly string[] Questions =
    [
        "how can I get access to the analytics warehouse",
        "who grants warehouse access",
        "remove fb profile permanently",
        "How do I rotate the staging database password?",
        "Is there a way to see who viewed my LinkedIn profile without a premium account?",
        "gmail keeps putting emails from my boss into spam, how do I stop that from happening",
        "databse pasword rotaton",
    ];

    private TempDirectory _directory = null!;

    [SetUp]
    public void CreateFolder() => _directory = new TempDirectory();

    [TearDown]
    public void RemoveFolder() => _directory.Dispose();

    private string DatabasePath => _directory.File("int8.db");

    [Test]
    public async Task Int8_vectors_point_where_the_float32_models_do_but_come_from_the_quantised_weights()
    {
        using var fp32 = SentenceEmbeddingGenerator.Load(EmbeddingProviders.MiniLM, 1);
        using var int8 = SentenceEmbeddingGenerator.Load(EmbeddingProviders.MiniLMInt8, 1);

        var a = await fp32.GenerateAsync(Questions);
        var b = await int8.GenerateAsync(Questions);

        var cosines = Questions.Select((_, i) => Dot(a[i].Vector.Span, b[i].Vector.Span)).ToList();
        Assert.That(cosines, Has.All.GreaterThanOrEqualTo(0.98), string.Join(", ", cosines.Select(c => c.ToString("F4"))));
        // Not the float32 model under another name: int8 weights move every vector a little.
        Assert.That(cosines, Has.All.LessThan(0.99999));
        Assert.That(b.Select(e => e.Vector.Length), Has.All.EqualTo(384));
        Assert.That(b.Select(e => Dot(e.Vector.Span, e.Vector.Span)), Has.All.EqualTo(1.0).Within(1e-4), "unit vectors: dot = cosine");
        Assert.That(b.Select(e => e.ModelId), Has.All.EqualTo("all-MiniLM-L6-v2-int8"));
        Assert.That(int8.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo(ModelProfile.MiniLMInt8.ModelId));
        // One text alone and in a batch with longer ones: the same vector (in one batch, the activations' shared int8 scale and the
        // padding moved it to cosine 0.988, so the encoder runs each text on its own).
        var alone = (await int8.GenerateAsync([Questions[1]]))[0].Vector.Span;
        Assert.That(Dot(alone, b[1].Vector.Span), Is.EqualTo(1.0).Within(1e-6));
    }

    [Test]
    public void The_quantiser_turns_every_weight_MatMul_of_the_packaged_model_into_int8_and_refuses_a_graph_without_one()
    {
        using (var stream = MiniLMInt8Encoder.ModelAssembly.GetManifestResourceStream(MiniLMInt8Encoder.ResourceName)!)
        {
            var result = Int8Quantiser.Quantise(stream);
            var model = ModelProto.Parser.ParseFrom(result.Model);

            // 6 layers × (query, key, value, attention output, intermediate, output).
            Assert.That(result.Quantised, Is.EqualTo(36));
            Assert.That(model.Graph.Node.Count(n => n.OpType == "MatMulInteger"), Is.EqualTo(36));
            Assert.That(model.Graph.Initializer.Count(i => i.DataType == (int)TensorProto.Types.DataType.Int8), Is.EqualTo(36));
            Assert.That(result.Model.Length, Is.LessThan(65_000_000), "the float32 weights are gone (90 MB before)");
        }

        // A graph of another shape (no MatMul with a constant weight): loading fails instead of serving float32 as int8.
        var other = new ModelProto { Graph = new GraphProto() };
        other.Graph.Node.Add(new NodeProto { OpType = "Add", Input = { "x", "y" }, Output = { "z" } });
        using var bytes = new MemoryStream(other.ToByteArray());
        Assert.That(() => Int8Quantiser.Quantise(bytes), Throws.InstanceOf<InvalidDataException>());
    }

    [TestCase(EmbeddingProviders.MiniLM, EmbeddingProviders.MiniLMInt8)]
    [TestCase(EmbeddingProviders.MiniLMInt8, EmbeddingProviders.MiniLM)]
    public async Task Switching_provider_re_embeds_every_document_with_the_new_model(string before, string after)
    {
        var (beforeId, afterId) = (EmbeddingProviders.ModelIds[before], EmbeddingProviders.ModelIds[after]);
        using (var first = Host(before))
        {
            var client = first.CreateClient();
            await PlaygroundApi.SendAsync(client, "bo", $"share {Question} :: {Answer}");
            await PlaygroundApi.SendAsync(client, "cy", "learned how to read EXPLAIN plans in postgres #postgres");
            await WaitAsync(() => Scalar($"SELECT count(*) FROM search_vectors WHERE model = '{beforeId}'") == 3, $"embedded by {before}");
        }

        using var second = Host(after);
        var client2 = second.CreateClient();
        await WaitAsync(() => Scalar($"SELECT count(*) FROM search_vectors WHERE model = '{afterId}'") == 3, $"embedded again by {after}");
        var paraphrase = await PlaygroundApi.SendAsync(client2, "ann", "ask remove fb profile permanently");
        // Unrelated questions of the same "how do I … my …" shape: under both models' floors (passport: 0.297 with float32, 0.273 with
        // int8, against the Facebook question). "how do I cancel my gym membership" scores 0.357 / 0.355, above both floors, and
        // shows the Facebook answer with either model (README, Limitations).
        var unrelated = await PlaygroundApi.SendAsync(client2, "ann", "ask how do I renew my passport");
        var parcel = await PlaygroundApi.SendAsync(client2, "ann", "ask how do I return a parcel to amazon");
        var health = await client2.GetFromJsonAsync<JsonElement>("/health");

        Assert.That(Scalar($"SELECT count(*) FROM search_vectors WHERE model <> '{afterId}'"), Is.Zero, "no vector of the old model left");
        Assert.That(paraphrase, Does.Contain(Question), "found by meaning: the paraphrase shares no word with the answer");
        Assert.That(unrelated, Does.Contain("Nothing written down").And.Not.Contain("acebook").And.Not.Contain("EXPLAIN"));
        Assert.That(parcel, Does.Contain("Nothing written down").And.Not.Contain("acebook").And.Not.Contain("EXPLAIN"));
        Assert.That(health.GetProperty("search").GetString(), Is.EqualTo($"hybrid ({afterId}, 384 dimensions)"));
        Assert.That(second.Services.GetRequiredService<IQueryEmbedder>().Thresholds,
            Is.EqualTo(ModelProfile.Known(afterId)!.Thresholds), "the running model's thresholds");
    }

    [Test]
    public void The_int8_model_has_its_own_calibrated_thresholds_and_they_decide_for_its_vectors()
    {
        Assert.That(ModelProfile.Known("all-MiniLM-L6-v2-int8"), Is.SameAs(ModelProfile.MiniLMInt8));
        Assert.That(SimilarityThresholds.MiniLMInt8.Problem(), Is.Null);
        Assert.That(ModelProfile.MiniLMInt8.QueryPrefix, Is.Empty);

        // Between the two models' SameQuestion (0.55 and 0.56): one question for float32's vectors, two for int8's.
        var cosine = (SimilarityThresholds.MiniLM.SameQuestion + SimilarityThresholds.MiniLMInt8.SameQuestion) / 2;
        float[] a = [1f, 0f, 0f];
        float[] b = [(float)cosine, (float)Math.Sqrt(1 - cosine * cosine), 0f];
        AskedQuestion Asked(string id, float[] vector, string model, int minute) =>
            new(id, "T1", "U1", "question " + id, false, DateTimeOffset.UnixEpoch.AddMinutes(minute), "key-" + id)
            {
                Embedding = vector, EmbeddingModel = model,
            };
        foreach (var (model, grouped) in new[] { ("all-MiniLM-L6-v2", true), ("all-MiniLM-L6-v2-int8", false) })
        {
            Assert.That(QuestionGroups.MostSimilar(Asked("q2", b, model, 1), [Asked("q1", a, model, 0)]) is not null, Is.EqualTo(grouped), model);
        }
    }

    [TestCase("MiniLM-int8")]
    [TestCase("minilmint8")]
    [TestCase("all-MiniLM-L6-v2-int8")]
    public void An_unknown_provider_stops_start_up_naming_the_setting_and_the_choices(string provider)
    {
        using var host = new LearningBotWebFactory(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = DatabasePath,
            ["Search:Embeddings:Provider"] = provider,
        });

        var error = Assert.Throws<OptionsValidationException>(() => host.CreateClient());

        Assert.That(error!.Message, Does.Contain("Search:Embeddings:Provider must be MiniLMInt8, MiniLM, ArcticXs or None."));
    }

    [Test]
    public async Task Without_a_provider_set_or_with_an_empty_one_the_default_is_the_float32_model()
    {
        // The test factory sets None unless told; null here reaches the host as an empty value (as Search__Embeddings__Provider=
        // in an environment would), which used to be taken as a provider named "" and stopped start-up as a model that failed to load.
        using var host = new LearningBotWebFactory(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = DatabasePath,
            ["Search:Embeddings:Provider"] = null,
            ["Scheduler:Enabled"] = "false",
        });
        var health = await host.CreateClient().GetFromJsonAsync<JsonElement>("/health");

        // int8 missed the top-3 target on stackfaq (97.8 % against 98 %): the float32 model stays the default (EmbeddingProviders.Default),
        // with float32 queries too (int8 queries: 97.998 %, QueryPrecisions.Default).
        Assert.That(health.GetProperty("search").GetString(), Is.EqualTo("hybrid (all-MiniLM-L6-v2, 384 dimensions)"));
    }

    // Float32 queries: each provider alone, so its own model and thresholds decide (int8 queries over MiniLM: Int8QueriesTests).
    private LearningBotWebFactory Host(string provider) => new(new Dictionary<string, string?>
    {
        ["Storage:Sqlite:Path"] = DatabasePath,
        ["Search:Embeddings:Provider"] = provider,
        ["Search:Embeddings:QueryPrecision"] = "Float32",
        ["Search:Embeddings:PollInterval"] = "00:00:01",
        ["Scheduler:Enabled"] = "false",
    });

    private long Scalar(string sql) => SqliteFileProbe.Scalar(DatabasePath, sql);

    private static Task WaitAsync(Func<bool> condition, string what) =>
        SqliteFileProbe.WaitAsync(condition, what, Within, TimeSpan.FromMilliseconds(200));

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * (double)b[i];
        }

        return sum;
    }
}
