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

    /// <summary>
    /// How many of the hits the caller shows (at most <see cref="Limit"/>; null: all of them). A caller that asks for extra hits
    /// only to drop some (answers a question's group rejected with "Not it") sets it to what it shows, so a hybrid index widens
    /// its lexical half to looser matches (the any-word fallback) only while that half has fewer than this; the semantic half
    /// supplies the rest. A lexical-only search fills up to <see cref="Limit"/> as before.
    /// </summary>
    public int? Shown { get; init; }

    /// <summary>
    /// False: the hits' <see cref="SearchHit.Excerpt"/> may be empty, for a caller that never shows it (<c>who knows</c> ranks people by
    /// the hits and their order). An index then skips making excerpts (SQLite: one FTS5 <c>snippet</c> per hit, over the whole match for
    /// 200 hits). The hits and their order are the same either way. Default true.
    /// </summary>
    public bool Excerpts { get; init; } = true;
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

    /// <summary>
    /// Whether the document was found by its words (the lexical half: BM25, typo alternatives, the any-word fallback), not only
    /// by meaning. <c>who knows</c> keeps such a hit whatever its <see cref="Similarity"/>, as <c>ask</c> shows it.
    /// </summary>
    public bool MatchedWords { get; init; }

    /// <summary>
    /// The query with its misspelled words replaced by the closest words the team wrote, when the query's words were searched with
    /// such corrections (typo tolerance: <c>ask databse pasword rotaton</c> is searched as "database password rotation" too) and this
    /// hit was found by its words; null otherwise, and always on an index without typo tolerance (Cosmos DB). A caller judging whether the hit answers the question compares
    /// it with this text as well, since a question's vector as typed can be far from its answer's ("databse pasword rotaton": cosine
    /// 0.22 with MiniLM, corrected 0.77).
    /// </summary>
    public string? CorrectedQuery { get; init; }
}

/// <summary>
/// Ranked full-text search over what one team wrote. Stores keep it up to date as part of each
/// write; a query never sees another team's records.
/// </summary>
public interface ISearchIndex
{
    Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The same search while the query's vector is still being computed (<paramref name="embedding"/>: the
    /// <see cref="Semantic.IQueryEmbedder.EmbedAsync"/> task, running elsewhere; null result: lexical only). The results equal
    /// <see cref="SearchAsync(SearchQuery, CancellationToken)"/> with <see cref="SearchQuery.Embedding"/> set to that vector. An index
    /// whose lexical half needs no vector runs it meanwhile, so an <c>ask</c> costs max(embedding, lexical) instead of their sum;
    /// this default waits for the vector first.
    /// </summary>
    async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, Task<ReadOnlyMemory<float>?> embedding, CancellationToken cancellationToken) =>
        await SearchAsync(query with { Embedding = await embedding }, cancellationToken);
}
