namespace LearningBot.Core.Knowledge;

/// <summary>One person's standing on a topic: counts of matching answers shared, learnings and kudos received.</summary>
public sealed record TopicExpert(string PersonId, int Shared, int Learned, int Thanked, DateTimeOffset Latest);

/// <summary>The "who knows" order, shared by <c>who knows</c> and the suggestion on repeated questions.</summary>
public static class WhoKnowsRanking
{
    /// <summary>How many search hits the ranking reads.</summary>
    public const int HitsConsidered = 200;

    /// <summary>People by what they wrote about the topic: a shared answer weighs 3, a learning or a thank-you 2; recency breaks ties.</summary>
    public static IReadOnlyList<TopicExpert> Rank(IEnumerable<SearchHit> hits) => hits
        .GroupBy(h => h.PersonId)
        .Select(g => new TopicExpert(g.Key,
            g.Count(h => h.Kind == SearchKind.Knowledge),
            g.Count(h => h.Kind == SearchKind.Learning),
            g.Count(h => h.Kind == SearchKind.Kudos),
            g.Max(h => h.CreatedAt)))
        // Writing an answer down helps others most, so it weighs most; recency breaks ties.
        .OrderByDescending(p => p.Shared * 3 + p.Learned * 2 + p.Thanked * 2)
        .ThenByDescending(p => p.Latest)
        .ToList();

    /// <summary>
    /// The hits "who knows" ranks: hybrid search with the topic's vector (so "k8s networking" finds "Kubernetes network policies"),
    /// without hits found by meaning alone whose similarity is below <paramref name="relevant"/> (a semantic index always
    /// has nearest neighbours, related or not). Private learnings are not in the index, so they never name their author.
    /// </summary>
    /// <param name="embedding">The topic's vector (<see cref="Semantic.IQueryEmbedder"/>), or null for words only.</param>
    /// <param name="relevant">The model's <see cref="Semantic.SimilarityThresholds.Relevant"/>.</param>
    public static async Task<IReadOnlyList<SearchHit>> SearchAsync(ISearchIndex search, string teamId, string topic,
        ReadOnlyMemory<float>? embedding, double relevant, CancellationToken cancellationToken)
    {
        var hits = await search.SearchAsync(
            new SearchQuery(teamId, topic, [SearchKind.Knowledge, SearchKind.Learning, SearchKind.Kudos], HitsConsidered)
            {
                Embedding = embedding,
                Excerpts = false, // people are ranked by counting hits; no excerpt is shown
            },
            cancellationToken);
        return hits.Where(h => h.Similarity is not { } similarity || similarity >= relevant || h.MatchedWords).ToList();
    }
}
