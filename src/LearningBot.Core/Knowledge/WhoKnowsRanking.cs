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

    public static Task<IReadOnlyList<SearchHit>> SearchAsync(ISearchIndex search, string teamId, string topic, CancellationToken cancellationToken) =>
        search.SearchAsync(new SearchQuery(teamId, topic, [SearchKind.Knowledge, SearchKind.Learning, SearchKind.Kudos], HitsConsidered),
            cancellationToken);
}
