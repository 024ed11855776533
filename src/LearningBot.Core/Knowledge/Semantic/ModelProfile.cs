namespace LearningBot.Core.Knowledge.Semantic;

/// <summary>
/// What search needs to know about an embedding model besides its vectors: the text put before a query (some models are
/// trained with one, e.g. arctic-embed's "Represent this sentence for searching relevant passages: "; documents get none) and
/// its calibrated <see cref="SimilarityThresholds"/>.
/// </summary>
/// <param name="ModelId">The model id as <c>EmbeddingGeneratorMetadata.DefaultModelId</c> names it: the documents' model.</param>
public sealed record ModelProfile(string ModelId, string QueryPrefix, SimilarityThresholds Thresholds)
{
    /// <summary>
    /// The model that embeds queries (and the questions stored for grouping), when it is not <see cref="ModelId"/>: the thresholds
    /// are then calibrated for that pair (<see cref="MiniLMInt8Queries"/>).
    /// </summary>
    public string QueryModelId { get; init; } = ModelId;

    /// <summary>all-MiniLM-L6-v2 (the packaged default): no query prefix.</summary>
    public static ModelProfile MiniLM { get; } = new("all-MiniLM-L6-v2", string.Empty, SimilarityThresholds.MiniLM);

    /// <summary>
    /// all-MiniLM-L6-v2 with int8 weight matrices (provider <c>MiniLMInt8</c>, built from the float32 model at load): no query prefix,
    /// its own calibrated thresholds (<see cref="SimilarityThresholds.MiniLMInt8"/>).
    /// </summary>
    public static ModelProfile MiniLMInt8 { get; } = new("all-MiniLM-L6-v2-int8", string.Empty, SimilarityThresholds.MiniLMInt8);

    /// <summary>
    /// all-MiniLM-L6-v2's float32 documents searched with <see cref="MiniLMInt8"/> query vectors (<c>Search:Embeddings:QueryPrecision=Int8</c>):
    /// documents keep the float32 model id, so the mode needs no re-embedding; thresholds calibrated for int8 queries
    /// against float32 documents and int8 question against int8 question (<see cref="SimilarityThresholds.MiniLMInt8Queries"/>).
    /// </summary>
    public static ModelProfile MiniLMInt8Queries { get; } =
        new(MiniLM.ModelId, string.Empty, SimilarityThresholds.MiniLMInt8Queries) { QueryModelId = MiniLMInt8.ModelId };

    /// <summary>
    /// snowflake-arctic-embed-xs: queries carry the prefix the model was trained with
    /// (https://huggingface.co/Snowflake/snowflake-arctic-embed-xs); without it, stackfaq's first-hit rate falls by ~5 points.
    /// </summary>
    public static ModelProfile ArcticXs { get; } = new("snowflake-arctic-embed-xs",
        "Represent this sentence for searching relevant passages: ", SimilarityThresholds.ArcticXs);

    /// <summary>
    /// The calibrated profile of documents embedded by <paramref name="modelId"/> and queries by <paramref name="queryModelId"/>
    /// (null: the same model), or null for a model (or pair) nobody calibrated here.
    /// </summary>
    public static ModelProfile? Known(string? modelId, string? queryModelId) =>
        queryModelId is null || queryModelId == modelId ? Known(modelId)
        : modelId == MiniLMInt8Queries.ModelId && queryModelId == MiniLMInt8Queries.QueryModelId ? MiniLMInt8Queries
        : null;

    /// <summary>
    /// Whether vectors of models <paramref name="a"/> and <paramref name="b"/> can be compared by cosine: the same model, or
    /// all-MiniLM-L6-v2 and its int8 form (the same weights rounded: a text's two vectors have cosine ≥ 0.98), so a question
    /// stored with a float32 vector groups with one asked later with an int8 vector (docs/search.md, "int8 queries").
    /// </summary>
    public static bool SameSpace(string? a, string? b) =>
        a is not null && b is not null
        && (a == b || (a == MiniLM.ModelId && b == MiniLMInt8.ModelId) || (a == MiniLMInt8.ModelId && b == MiniLM.ModelId));

    /// <summary>The calibrated profile of <paramref name="modelId"/>, or null for a model nobody calibrated here.</summary>
    public static ModelProfile? Known(string? modelId) =>
        modelId == MiniLM.ModelId ? MiniLM
        : modelId == MiniLMInt8.ModelId ? MiniLMInt8
        : modelId == ArcticXs.ModelId ? ArcticXs
        : null;
}
