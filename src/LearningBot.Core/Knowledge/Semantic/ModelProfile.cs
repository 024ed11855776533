namespace LearningBot.Core.Knowledge.Semantic;

/// <summary>
/// What search needs to know about an embedding model besides its vectors: the text put before a query (some models are
/// trained with one, e.g. arctic-embed's "Represent this sentence for searching relevant passages: "; documents get none) and
/// its calibrated <see cref="SimilarityThresholds"/>.
/// </summary>
/// <param name="ModelId">The model id as <c>EmbeddingGeneratorMetadata.DefaultModelId</c> names it.</param>
public sealed record ModelProfile(string ModelId, string QueryPrefix, SimilarityThresholds Thresholds)
{
    /// <summary>all-MiniLM-L6-v2 (the packaged default): no query prefix.</summary>
    public static ModelProfile MiniLM { get; } = new("all-MiniLM-L6-v2", string.Empty, SimilarityThresholds.MiniLM);

    /// <summary>
    /// all-MiniLM-L6-v2 with int8 weight matrices (provider <c>MiniLMInt8</c>, built from the float32 model at load): no query prefix,
    /// its own calibrated thresholds (<see cref="SimilarityThresholds.MiniLMInt8"/>).
    /// </summary>
    public static ModelProfile MiniLMInt8 { get; } = new("all-MiniLM-L6-v2-int8", string.Empty, SimilarityThresholds.MiniLMInt8);

    /// <summary>
    /// snowflake-arctic-embed-xs: queries carry the prefix the model was trained with
    /// (https://huggingface.co/Snowflake/snowflake-arctic-embed-xs); without it, stackfaq's first-hit rate falls by ~5 points.
    /// </summary>
    public static ModelProfile ArcticXs { get; } = new("snowflake-arctic-embed-xs",
        "Represent this sentence for searching relevant passages: ", SimilarityThresholds.ArcticXs);

    /// <summary>The calibrated profile of <paramref name="modelId"/>, or null for a model nobody calibrated here.</summary>
    public static ModelProfile? Known(string? modelId) =>
        modelId == MiniLM.ModelId ? MiniLM
        : modelId == MiniLMInt8.ModelId ? MiniLMInt8
        : modelId == ArcticXs.ModelId ? ArcticXs
        : null;
}
