namespace LearningBot.Core.Knowledge.Semantic;

/// <summary>Semantic search off: used when no <see cref="IQueryEmbedder"/> is registered (hosts without LearningBot.Embeddings).</summary>
public sealed class NoQueryEmbedder : IQueryEmbedder
{
    public static NoQueryEmbedder Instance { get; } = new();

    public string? ModelId => null;

    public string? QueryModelId => null;

    public int Dimensions => 0;

    public SimilarityThresholds Thresholds => SimilarityThresholds.MiniLM;

    public Task<ReadOnlyMemory<float>?> EmbedAsync(string text, CancellationToken cancellationToken) => Task.FromResult<ReadOnlyMemory<float>?>(null);

    public Task<ReadOnlyMemory<float>?> EmbedDocumentAsync(string text, CancellationToken cancellationToken) => Task.FromResult<ReadOnlyMemory<float>?>(null);
}
