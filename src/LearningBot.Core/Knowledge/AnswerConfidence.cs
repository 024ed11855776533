using LearningBot.Core.Knowledge.Semantic;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// How sure the bot is that a search hit answers a question: the cosine similarity of the question's and the hit's vectors
/// (<see cref="SearchHit.Similarity"/>, comparable across queries). A hit the index has no vector for yet (just written, still
/// queued for the background embedder) is embedded here, once, so confidence never waits for the queue. The thresholds are the
/// model's (<see cref="Thresholds"/>, calibrated per model on stackfaq with <c>bench/LearningBot.QuestionCalibration</c>: top-1
/// document right vs wrong, each query also searched with its own thread left out; numbers in docs/search.md).
/// </summary>
/// <param name="embedder">Null when semantic search is not set up: there is then no similarity, and callers use the word rule.</param>
public sealed class AnswerConfidence(IKnowledgeRepository knowledge, IQueryEmbedder? embedder = null)
{
    private readonly IQueryEmbedder _embedder = embedder ?? NoQueryEmbedder.Instance;

    /// <summary>The model's thresholds: <see cref="SimilarityThresholds.Answered"/>, <see cref="SimilarityThresholds.Offer"/>, …</summary>
    public SimilarityThresholds Thresholds => _embedder.Thresholds;

    /// <summary>The cosine similarity of <paramref name="query"/> and <paramref name="hit"/>, or null when there is no query vector (or the model failed).</summary>
    public async Task<double?> SimilarityAsync(string teamId, SearchHit hit, ReadOnlyMemory<float>? query, CancellationToken cancellationToken)
    {
        if (query is not { Length: > 0 } vector)
        {
            return null;
        }

        if (hit.Similarity is { } known)
        {
            return known;
        }

        var text = hit.Kind == SearchKind.Knowledge && await knowledge.GetAsync(teamId, hit.Id, cancellationToken) is { } post
            ? post.Question + "\n" + post.Answer
            : (hit.Title + "\n" + hit.Excerpt).Trim();
        return await _embedder.EmbedDocumentAsync(text, cancellationToken) is { } document && document.Length == vector.Length
            ? Vectors.Cosine(vector.Span, document.Span)
            : null;
    }
}
