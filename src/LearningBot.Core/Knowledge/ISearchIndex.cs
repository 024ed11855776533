namespace LearningBot.Core.Knowledge;

public enum SearchKind { Knowledge, Learning, Kudos }

/// <param name="Text">The user's words; the index turns them into its own query syntax safely.</param>
public sealed record SearchQuery(string TeamId, string Text, IReadOnlyList<SearchKind> Kinds, int Limit);

/// <param name="PersonId">The author (knowledge, learning) or the receiver (kudos).</param>
/// <param name="Title">The question of a knowledge post; empty for other kinds.</param>
/// <param name="Excerpt">A short piece of the body around the matched words.</param>
/// <param name="Score">Higher is better; only comparable within one result list.</param>
public sealed record SearchHit(
    SearchKind Kind,
    string Id,
    string PersonId,
    string Title,
    string Excerpt,
    DateTimeOffset CreatedAt,
    double Score);

/// <summary>
/// Ranked full-text search over what one team wrote. Stores keep it up to date as part of each
/// write; a query never sees another team's records.
/// </summary>
public interface ISearchIndex
{
    Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken);
}
