namespace LearningBot.Core.Knowledge;

/// <summary>One person's standing on a topic: counts of matching answers shared, learnings and kudos received.</summary>
public sealed record TopicExpert(string PersonId, int Shared, int Learned, int Thanked, DateTimeOffset Latest);

/// <summary>The "who knows" order, shared by <c>who knows</c> and the suggestion on repeated questions.</summary>
public static class WhoKnowsRanking
{
    /// <summary>
    /// How many search hits the ranking reads. With <see cref="RankConstant"/> 1 a hit at position 50 adds 1/51 of its weight, so
    /// reading 200 named the same people: on the stackfaq <c>who knows</c> set 94.7 % / 99.0 % / 0.968 (rephrasings) and 80.4 % /
    /// 88.7 % / 0.848 (topic words) against 94.9 % / 99.0 % / 0.969 and 80.4 % / 88.9 % / 0.848 with 200, while the suggestion in a
    /// 100,000 + 100,000 <c>ask</c> got 2–5 ms cheaper (docs/search.md, "`who knows` quality").
    /// </summary>
    public const int HitsConsidered = 50;

    /// <summary>
    /// The rank constant K of <see cref="Rank(IEnumerable{SearchHit})"/>: a hit at 0-based position i of the search's order counts
    /// weight / (K + i). Chosen on the stackfaq <c>who knows</c> set (docs/search.md, "`who knows` quality").
    /// </summary>
    public const double RankConstant = 1;

    /// <summary>
    /// People by what they wrote about the topic, weighted by how well it matches: each hit adds its kind's weight (a shared answer 3,
    /// a learning or a thank-you 2) divided by (<see cref="RankConstant"/> + its 0-based position in <paramref name="hits"/>, which must be
    /// in the search's order, best first); recency breaks ties. So whoever wrote the best match leads, and many loosely related posts
    /// (one shared word, a neighbouring topic) cannot outweigh it; several good matches still add up.
    /// </summary>
    public static IReadOnlyList<TopicExpert> Rank(IEnumerable<SearchHit> hits) => Rank(hits, RankConstant);

    /// <summary>
    /// <see cref="Rank(IEnumerable{SearchHit})"/> with another rank constant (&gt; 0), for the quality tool's comparison
    /// (<c>scripts/search-quality.sh --who-knows</c>). <see cref="double.PositiveInfinity"/> ranks by counts alone (the rule before).
    /// </summary>
    public static IReadOnlyList<TopicExpert> Rank(IEnumerable<SearchHit> hits, double rankConstant)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rankConstant);
        return hits
            .Select((hit, position) => (hit, weight: Weight(hit.Kind) * Discount(rankConstant, position)))
            .GroupBy(p => p.hit.PersonId)
            .Select(g => (expert: new TopicExpert(g.Key,
                g.Count(p => p.hit.Kind == SearchKind.Knowledge),
                g.Count(p => p.hit.Kind == SearchKind.Learning),
                g.Count(p => p.hit.Kind == SearchKind.Kudos),
                g.Max(p => p.hit.CreatedAt)), score: g.Sum(p => p.weight)))
            .OrderByDescending(p => p.score)
            .ThenByDescending(p => p.expert.Latest)
            .Select(p => p.expert)
            .ToList();
    }

    // Writing an answer down helps others most, so it weighs most.
    private static int Weight(SearchKind kind) => kind == SearchKind.Knowledge ? 3 : 2;

    // Infinity: every hit counts the same (1), as counting did; the sum of weights is then Shared·3 + Learned·2 + Thanked·2.
    private static double Discount(double rankConstant, int position) =>
        double.IsPositiveInfinity(rankConstant) ? 1 : 1 / (rankConstant + position);

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
                Excerpts = false, // people are ranked from the hits and their order; no excerpt is shown
            },
            cancellationToken);
        return hits.Where(h => h.Similarity is not { } similarity || similarity >= relevant || h.MatchedWords).ToList();
    }
}
