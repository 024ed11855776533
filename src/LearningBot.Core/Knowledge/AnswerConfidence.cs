using LearningBot.Core.Knowledge.Semantic;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// How sure the bot is that a search hit answers a question: the cosine similarity of the question's and the hit's vectors
/// (<see cref="SearchHit.Similarity"/>, comparable across queries). A hit the index has no vector for yet (just written, still
/// queued for the background embedder) is embedded here, once, so confidence never waits for the queue. Thresholds are for
/// all-MiniLM-L6-v2, calibrated on stackfaq with <c>bench/LearningBot.QuestionCalibration</c> (top-1 document right vs wrong,
/// each query also searched with its own thread left out); numbers in docs/search.md, "Repeated questions".
/// </summary>
/// <param name="embedder">Null when semantic search is not set up: there is then no similarity, and callers use the word rule.</param>
public sealed class AnswerConfidence(IKnowledgeRepository knowledge, IQueryEmbedder? embedder = null)
{
    private readonly IQueryEmbedder _embedder = embedder ?? NoQueryEmbedder.Instance;

    /// <summary>A question counts as answered from here (best F1 on stackfaq: precision 0.846, recall 0.853).</summary>
    public const double AnsweredSimilarity = 0.62;

    /// <summary>Answers are offered unasked in a channel only from here (precision 0.964, recall 0.457): quiet when unsure.</summary>
    public const double OfferSimilarity = 0.74;

    /// <summary>A hit is about the topic at all from here (recall 0.998): <c>who knows</c> drops nearer-nothing semantic neighbours.</summary>
    public const double RelevantSimilarity = 0.40;

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
        return await _embedder.EmbedAsync(text, cancellationToken) is { } document && document.Length == vector.Length
            ? Vectors.Cosine(vector.Span, document.Span)
            : null;
    }
}
