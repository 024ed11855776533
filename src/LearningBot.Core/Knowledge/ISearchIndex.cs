namespace LearningBot.Core.Knowledge;

public enum SearchKind { Knowledge, Learning, Kudos }

/// <param name="Text">The user's words; the index turns them into its own query syntax safely.</param>
public sealed record SearchQuery(string TeamId, string Text, IReadOnlyList<SearchKind> Kinds, int Limit)
{
    /// <summary>
    /// The text's vector from <see cref="Semantic.IQueryEmbedder"/> (L2-normalised), or <c>null</c> for lexical-only search
    /// (semantic search off, or the model failed). Indexes compare it only with vectors of the same model.
    /// </summary>
    public ReadOnlyMemory<float>? Embedding { get; init; }
}

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
    double Score)
{
    /// <summary>
    /// Cosine similarity (-1..1) of the query's and the document's embeddings, when both exist; <c>null</c> otherwise. A shared
    /// answer may have two embeddings (its question alone, and question with answer): the higher similarity counts.
    /// Unlike <see cref="Score"/> it is comparable across queries, so confidence ("is this the answer?") is decided on it.
    /// </summary>
    public double? Similarity { get; init; }
}

/// <summary>
/// Ranked full-text search over what one team wrote. Stores keep it up to date as part of each
/// write; a query never sees another team's records.
/// </summary>
public interface ISearchIndex
{
    Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken);
}
