namespace LearningBot.Core.Knowledge.Semantic;

/// <summary>
/// A searchable document (shared answer or learning) that has no vector from the current model yet: new, edited,
/// written before embeddings existed, or embedded by another model. <paramref name="Text"/> is exactly what is to be
/// embedded (question + answer, or the learning's text); <paramref name="ContentHash"/> identifies that text so a vector
/// computed from an older version is never saved over a newer one.
/// </summary>
public sealed record EmbeddingWork(string TeamId, SearchKind Kind, string Id, string Text, string ContentHash);

/// <summary>A vector computed for one <see cref="EmbeddingWork"/> by the model <see cref="IEmbeddingStore"/> was asked about.</summary>
public sealed record ComputedEmbedding(EmbeddingWork Work, ReadOnlyMemory<float> Vector);

/// <summary>
/// The durable embedding queue, kept by each store beside its search documents. "Pending" is not a separate list: it is
/// every document whose stored vector is missing or from another model, so a new document, an upgrade from a version without
/// embeddings (backfill) and a model change (re-embed) are the same work, and nothing is lost on a restart.
/// Forgotten or deleted documents simply stop being pending.
/// </summary>
public interface IEmbeddingStore
{
    /// <summary>
    /// Up to <paramref name="max"/> documents without a vector from <paramref name="modelId"/>, across teams. SQLite lists them oldest
    /// first; Cosmos in no set order (a cross-partition ORDER BY costs more than it gives: every pending document is done either way).
    /// </summary>
    Task<IReadOnlyList<EmbeddingWork>> ListPendingAsync(string modelId, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the vectors (L2-normalised, <see cref="IQueryEmbedder.Dimensions"/> floats) for <paramref name="modelId"/>.
    /// A document that was deleted or whose text no longer has the work's <see cref="EmbeddingWork.ContentHash"/> is skipped.
    /// </summary>
    Task SaveAsync(string modelId, IReadOnlyList<ComputedEmbedding> embeddings, CancellationToken cancellationToken);

    /// <summary>How many documents are pending for <paramref name="modelId"/> (for progress logs and /health).</summary>
    Task<long> CountPendingAsync(string modelId, CancellationToken cancellationToken);
}
