namespace LearningBot.Core.Knowledge.Semantic;

/// <summary>
/// The embedding model as search sees it: one query in, one L2-normalised vector out. Implemented over
/// <c>Microsoft.Extensions.AI.IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> (<see cref="GeneratorQueryEmbedder"/>), so the
/// packaged local model and any other provider plug in the same way.
/// </summary>
public interface IQueryEmbedder
{
    /// <summary>
    /// Identifies the model and its version (e.g. <c>all-MiniLM-L6-v2</c>); stored beside every vector so a model change
    /// re-embeds. <c>null</c> when semantic search is off: search is then lexical only.
    /// </summary>
    string? ModelId { get; }

    /// <summary>
    /// The model that embeds queries (<see cref="EmbedAsync"/>), as stored beside a question's vector: <see cref="ModelId"/>, or
    /// <c>all-MiniLM-L6-v2-int8</c> when queries are embedded in int8 over float32 documents (<c>Search:Embeddings:QueryPrecision=Int8</c>);
    /// null when semantic search is off.
    /// </summary>
    string? QueryModelId { get; }

    /// <summary>Vector length of the model (e.g. 384); 0 when <see cref="ModelId"/> is null.</summary>
    int Dimensions { get; }

    /// <summary>
    /// Whether <c>ask</c> should wait for the query's vector before it searches the words: true when the query model computes one
    /// embedding on several cores (<c>Search:Embeddings:QueryThreads</c> above 1), so the words would only compete with it for a
    /// core; they then run beside the vector scan instead (<see cref="QuestionMatcher"/>). False (the default): the words run beside
    /// the embedding, which uses one core.
    /// </summary>
    bool EmbedFirst => false;

    /// <summary>The model's calibrated thresholds (<see cref="ModelProfile"/>, overridden by <c>Search:Similarity</c>).</summary>
    SimilarityThresholds Thresholds { get; }

    /// <summary>
    /// The query's vector (with the model's query prefix, <see cref="ModelProfile.QueryPrefix"/>), or <c>null</c> when semantic
    /// search is off, the text has nothing to embed, or the model failed (the failure is logged and reported on /health; the
    /// caller then searches lexically).
    /// </summary>
    Task<ReadOnlyMemory<float>?> EmbedAsync(string text, CancellationToken cancellationToken);

    /// <summary>
    /// A document's vector from the documents' model <see cref="ModelId"/> (no query prefix: as the background embedder stores
    /// documents); null as for <see cref="EmbedAsync"/>.
    /// </summary>
    Task<ReadOnlyMemory<float>?> EmbedDocumentAsync(string text, CancellationToken cancellationToken);
}
