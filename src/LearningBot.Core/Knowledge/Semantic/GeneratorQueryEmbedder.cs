using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LearningBot.Core.Knowledge.Semantic;

/// <summary>
/// <see cref="IQueryEmbedder"/> over the registered <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> (none registered:
/// semantic search is off). The model id and dimensions come from the generator's <see cref="EmbeddingGeneratorMetadata"/>.
/// Queries may come from a second generator, registered under the key <see cref="QueryGeneratorKey"/> (the packaged int8
/// MiniLM over float32 MiniLM documents, <c>Search:Embeddings:QueryPrecision=Int8</c>); without one, queries and documents share
/// the one generator (an operator's own generator serves both).
/// A failing model never fails a chat command: the query is searched lexically and the failure is logged. The model's
/// <see cref="ModelProfile"/> (query prefix, thresholds) is the calibrated one for its id, with <c>Search:Similarity</c> applied;
/// a model without one gets all-MiniLM-L6-v2's thresholds and a warning at start-up.
/// </summary>
public sealed partial class GeneratorQueryEmbedder : IQueryEmbedder
{
    /// <summary>
    /// Longer queries are cut (at a space) before embedding: the local models read at most 256–512 word pieces, and a
    /// 4,000-character paste would cost ~100 ms of CPU for nothing the cut text does not already say.
    /// </summary>
    public const int MaxQueryCharacters = 1_000;

    /// <summary>The service key of the generator that embeds queries when it is not the documents' one.</summary>
    public const string QueryGeneratorKey = "query";

    private readonly IEmbeddingGenerator<string, Embedding<float>>? _generator;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _queryGenerator;
    private readonly ILogger<GeneratorQueryEmbedder> _logger;

    private readonly string _queryPrefix;

    /// <param name="similarity">Overrides from <c>Search:Similarity</c>; null or empty: the model's profile as calibrated.</param>
    /// <param name="queryGenerator">Embeds queries instead of <paramref name="generator"/> (same dimensions); null: <paramref name="generator"/> does.</param>
    /// <param name="embedFirst"><see cref="EmbedFirst"/>: the query generator uses several cores per call.</param>
    /// <exception cref="InvalidOperationException">The thresholds, with the overrides applied, cannot work (<see cref="SimilarityThresholds.Problem"/>),
    /// or the query generator's vectors are not as long as the documents'.</exception>
    public GeneratorQueryEmbedder(ILogger<GeneratorQueryEmbedder> logger, IEmbeddingGenerator<string, Embedding<float>>? generator = null,
        SimilarityOptions? similarity = null, IEmbeddingGenerator<string, Embedding<float>>? queryGenerator = null, bool embedFirst = false)
    {
        _generator = generator;
        EmbedFirst = generator is not null && embedFirst;
        _queryGenerator = generator is null ? null : queryGenerator ?? generator;
        _logger = logger;
        var metadata = generator?.GetService<EmbeddingGeneratorMetadata>();
        ModelId = generator is null ? null : metadata?.DefaultModelId ?? generator.GetType().Name;
        Dimensions = generator is null ? 0 : metadata?.DefaultModelDimensions ?? 0;
        var queryMetadata = _queryGenerator?.GetService<EmbeddingGeneratorMetadata>();
        QueryModelId = _queryGenerator is null || ReferenceEquals(_queryGenerator, generator) ? ModelId
            : queryMetadata?.DefaultModelId ?? _queryGenerator.GetType().Name;
        if (queryMetadata?.DefaultModelDimensions is { } queryDimensions && Dimensions > 0 && queryDimensions != Dimensions)
        {
            throw new InvalidOperationException(
                $"The query embedding model {QueryModelId} makes {queryDimensions}-dimension vectors, the documents' model {ModelId} {Dimensions}.");
        }

        var known = ModelProfile.Known(ModelId, QueryModelId);
        if (generator is not null && known is null && similarity?.Any != true)
        {
            LogUncalibrated(_logger, QueryModelId == ModelId ? ModelId : $"{ModelId} (queries: {QueryModelId})");
        }

        var profile = similarity?.Apply(known ?? ModelProfile.MiniLM) ?? known ?? ModelProfile.MiniLM;
        if (profile.Thresholds.Problem() is { } problem)
        {
            throw new InvalidOperationException($"{SimilarityOptions.Section}: {problem} (now {profile.Thresholds}).");
        }

        _queryPrefix = profile.QueryPrefix;
        Thresholds = profile.Thresholds;
    }

    public string? ModelId { get; }

    public string? QueryModelId { get; }

    public int Dimensions { get; }

    public SimilarityThresholds Thresholds { get; }

    public bool EmbedFirst { get; }

    public Task<ReadOnlyMemory<float>?> EmbedAsync(string text, CancellationToken cancellationToken) =>
        EmbedAsync(_queryGenerator, QueryModelId, text, _queryPrefix, cancellationToken);

    public Task<ReadOnlyMemory<float>?> EmbedDocumentAsync(string text, CancellationToken cancellationToken) =>
        EmbedAsync(_generator, ModelId, text, string.Empty, cancellationToken);

    private async Task<ReadOnlyMemory<float>?> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>>? generator, string? modelId,
        string text, string prefix, CancellationToken cancellationToken)
    {
        // Mentions and emoji shortcodes carry no meaning the model knows (a user id, "tada"): embed the words around them, if any.
        if (generator is null || string.IsNullOrWhiteSpace(text) || !Commands.Grammar.HasWords(text))
        {
            return null;
        }

        var words = Commands.Grammar.WithoutMarkup(text).Trim();
        var input = words.Length <= MaxQueryCharacters ? words : Cut(words);
        try
        {
            var embeddings = await generator.GenerateAsync([prefix + input], cancellationToken: cancellationToken);
            return embeddings.Count == 1 ? embeddings[0].Vector : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEmbeddingFailed(_logger, modelId, e);
            return null;
        }
    }

    private static string Cut(string text)
    {
        var space = text.LastIndexOf(' ', MaxQueryCharacters);
        return text[..(space > MaxQueryCharacters / 2 ? space : MaxQueryCharacters)];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No calibrated similarity thresholds for embedding model {ModelId}: using all-MiniLM-L6-v2's. " +
                                                       "Calibrate it with bench/LearningBot.QuestionCalibration and set Search:Similarity:*")]
    private static partial void LogUncalibrated(ILogger logger, string? modelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedding a query with model {ModelId} failed; searching lexically")]
    private static partial void LogEmbeddingFailed(ILogger logger, string? modelId, Exception exception);
}
