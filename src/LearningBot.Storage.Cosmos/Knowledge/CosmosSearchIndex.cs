using System.Globalization;
using System.Text;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Knowledge;

/// <summary>
/// Search over the searchable documents of one team's partition (learnings, knowledge posts, kudos).
/// <see cref="CosmosSearchMode.FullText"/> uses Cosmos DB full-text search: stemming and BM25 ranking by
/// the service, fused over question and body with RRF. Cosmos does not return the BM25 value itself, so
/// <see cref="SearchHit.Score"/> is derived from the rank (higher is better, comparable only within one result).
/// <see cref="CosmosSearchMode.Contains"/> is a fallback for accounts without full-text search.
/// With <see cref="SearchQuery.Embedding"/> set (and a model configured) the search is hybrid: documents with a vector from the
/// current model are ranked by RRF of the two BM25 scores and the cosine distance (the service's <c>ORDER BY RANK RRF</c> in
/// FullText mode, the same fusion in the app in Contains mode), documents still pending are ranked lexically and interleaved,
/// and <see cref="SearchHit.Similarity"/> is the cosine similarity of the query and the document vector.
/// </summary>
/// <param name="embedder">The model the query vector came from; only vectors of that model are compared (none: lexical only).</param>
public sealed class CosmosSearchIndex(CosmosStore store, IQueryEmbedder? embedder = null) : ISearchIndex
{
    private const int ContainsCandidates = 500;
    private const int ExcerptLength = 200;

    /// <summary>
    /// RRF weights of (question BM25, body BM25, vector): the vector weighs as much as both lexical scores together. Measured on
    /// the issue's data sets, embeddings alone beat BM25 by far (95% vs 72% first hits on stackfaq), so an equal vote per score
    /// (two lexical, one vector) would let the weaker signal decide.
    /// </summary>
    internal const string HybridWeights = "[1, 1, 2]";

    /// <summary>RRF's rank constant k (score of rank r = 1 / (k + r)), the value the service and the RRF paper use.</summary>
    internal const double RrfK = 60;

    /// <summary>
    /// Contains mode only: at most this many of the team's newest vectors are compared in the app (about 1.5 KB each on the wire).
    /// Like the Contains search itself this does not scale; production uses FullText, where the vector index ranks.
    /// </summary>
    internal const int ContainsVectorCandidates = 1000;

    private const string Columns = "c.searchKind, c.recordId, c.searchPeople, c.searchTitle, c.searchBody, c.createdAt";

    public Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        var words = SearchTerms.Words(query.Text);
        if (words.Count == 0 || query.Kinds.Count == 0 || query.Limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<SearchHit>>([]);
        }

        var semantic = query.Embedding is { } vector && embedder?.ModelId is { } model && vector.Length == TeamsEmbedding.Dimensions
            ? (Vector: vector.ToArray(), Model: model)
            : ((float[] Vector, string Model)?)null;
        return store.Options.Search == CosmosSearchMode.FullText
            ? semantic is { } s ? HybridAsync(query, words, s.Vector, s.Model, cancellationToken) : FullTextAsync(query, words, cancellationToken)
            : ContainsAsync(query, words, semantic, cancellationToken);
    }

    private Task<IReadOnlyList<SearchHit>> FullTextAsync(SearchQuery query, IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        var definition = LexicalQuery(query, words, extraFilter: null);
        return store.RunAsync<IReadOnlyList<SearchHit>>(async token =>
        {
            // Ranked: no optimistic direct execution, BM25 statistics from the team's documents (CosmosStore.RankedOptions).
            var rows = await store.QueryTeamRankedAsync<SearchRow>(query.TeamId, definition, token);
            return rows
                .SelectMany((row, rank) => Hits(row, words, rows.Count - rank, similarity: null))
                .Take(query.Limit)
                .ToList();
        }, cancellationToken);
    }

    /// <summary>
    /// Two single-partition queries at once: the hybrid one over the team's documents that have a vector from
    /// <paramref name="model"/> (no keyword filter, so a paraphrase without a shared word is found), and the lexical one over the
    /// rest (new documents not embedded yet, kudos), so a document is found by its words from the moment it is written. The
    /// lists are disjoint and interleaved by RRF of their ranks.
    /// </summary>
    private Task<IReadOnlyList<SearchHit>> HybridAsync(SearchQuery query, IReadOnlyList<string> words, float[] vector, string model,
        CancellationToken cancellationToken)
    {
        var terms = Terms(words);
        var hybrid = new QueryDefinition(
                $"SELECT TOP {query.Limit} {Columns}, c.embedding FROM c " +
                "WHERE c.teamId = @teamId AND ARRAY_CONTAINS(@kinds, c.searchKind) AND c.embeddingModel = @model " +
                $"ORDER BY RANK RRF(FullTextScore(c.searchTitle, {terms}), FullTextScore(c.searchBody, {terms}), " +
                $"VectorDistance(c.embedding, @embedding), {HybridWeights})")
            .WithParameter("@teamId", query.TeamId)
            .WithParameter("@kinds", Kinds(query))
            .WithParameter("@model", model)
            .WithParameter("@embedding", vector);
        var pending = LexicalQuery(query, words, "(NOT IS_DEFINED(c.embeddingModel) OR c.embeddingModel != @model)").WithParameter("@model", model);
        return store.RunAsync<IReadOnlyList<SearchHit>>(async token =>
        {
            var semanticRows = store.QueryTeamRankedAsync<SearchRow>(query.TeamId, hybrid, token);
            var lexicalRows = store.QueryTeamRankedAsync<SearchRow>(query.TeamId, pending, token);
            await Task.WhenAll(semanticRows, lexicalRows);
            var fused = new Dictionary<(string, string), (SearchRow Row, double Score, double? Similarity)>();
            Fuse(fused, await semanticRows, row => Cosine(vector, row.Embedding));
            Fuse(fused, await lexicalRows, _ => null);
            return fused.Values
                .OrderByDescending(x => x.Score)
                .SelectMany(x => Hits(x.Row, words, x.Score, x.Similarity))
                .Take(query.Limit)
                .ToList();
        }, cancellationToken);
    }

    /// <summary>The BM25 query (question and body fused by RRF), keyword matches only.</summary>
    private static QueryDefinition LexicalQuery(SearchQuery query, IReadOnlyList<string> words, string? extraFilter)
    {
        // SearchTerms.Words yields letters and digits only, so the words are safe as string literals
        // (full-text functions take literal terms); Literal() escapes anyway.
        var terms = Terms(words);
        var sql =
            $"SELECT TOP {query.Limit} {Columns} FROM c " +
            "WHERE c.teamId = @teamId AND ARRAY_CONTAINS(@kinds, c.searchKind) " +
            (extraFilter is null ? string.Empty : $"AND {extraFilter} ") +
            $"AND (FullTextContainsAny(c.searchTitle, {terms}) OR FullTextContainsAny(c.searchBody, {terms})) " +
            $"ORDER BY RANK RRF(FullTextScore(c.searchTitle, {terms}), FullTextScore(c.searchBody, {terms}))";
        return new QueryDefinition(sql)
            .WithParameter("@teamId", query.TeamId)
            .WithParameter("@kinds", Kinds(query));
    }

    private static string Terms(IReadOnlyList<string> words) => string.Join(", ", words.Select(Literal));

    private static string[] Kinds(SearchQuery query) => query.Kinds.Distinct().Select(k => k.ToString()).ToArray();

    /// <summary>Adds each row's reciprocal rank (1 / (k + rank), rank from 1) to its fused score; the first list's similarity wins.</summary>
    private static void Fuse(Dictionary<(string, string), (SearchRow Row, double Score, double? Similarity)> fused, IReadOnlyList<SearchRow> ranked,
        Func<SearchRow, double?> similarity)
    {
        for (var rank = 0; rank < ranked.Count; rank++)
        {
            var row = ranked[rank];
            var key = (row.SearchKind, row.RecordId);
            var score = 1 / (RrfK + rank + 1);
            fused[key] = fused.TryGetValue(key, out var known)
                ? (known.Row, known.Score + score, known.Similarity ?? similarity(row))
                : (row, score, similarity(row));
        }
    }

    /// <summary>Dot product of two L2-normalised vectors, i.e. their cosine similarity (what VectorDistance returns for cosine); null without a vector.</summary>
    internal static double? Cosine(float[] query, float[]? document)
    {
        if (document is null || document.Length != query.Length)
        {
            return null;
        }

        var dot = 0.0;
        for (var i = 0; i < query.Length; i++)
        {
            dot += query[i] * (double)document[i];
        }

        return dot;
    }

    private Task<IReadOnlyList<SearchHit>> ContainsAsync(SearchQuery query, IReadOnlyList<string> words, (float[] Vector, string Model)? semantic,
        CancellationToken cancellationToken)
    {
        var stems = words.Select(Stem).Distinct().ToList();
        var conditions = stems.Select((_, i) => $"CONTAINS(LOWER(c.searchTitle), @w{i}) OR CONTAINS(LOWER(c.searchBody), @w{i})");
        var definition = new QueryDefinition(
                $"SELECT TOP {ContainsCandidates} {Columns} FROM c " +
                $"WHERE c.teamId = @teamId AND ARRAY_CONTAINS(@kinds, c.searchKind) AND ({string.Join(" OR ", conditions)})")
            .WithParameter("@teamId", query.TeamId)
            .WithParameter("@kinds", Kinds(query));
        for (var i = 0; i < stems.Count; i++)
        {
            definition = definition.WithParameter($"@w{i}", stems[i]);
        }

        return store.RunAsync<IReadOnlyList<SearchHit>>(async token =>
        {
            var rows = await store.QueryTeamAsync<SearchRow>(query.TeamId, definition, token);
            // Rank, like a crude BM25: more of the words first; then how often they occur (a question match counts
            // double), damped by the text's length so a short focused note beats a long one; then newer first.
            var lexical = rows
                .Select(row =>
                {
                    var title = row.SearchTitle.ToLowerInvariant();
                    var body = row.SearchBody.ToLowerInvariant();
                    var matched = stems.Count(s => title.Contains(s, StringComparison.Ordinal) || body.Contains(s, StringComparison.Ordinal));
                    var occurrences = stems.Sum(s => 2 * Occurrences(title, s) + Occurrences(body, s));
                    var length = (title.Length + body.Length) / 6.0; // about the number of words
                    return (Row: row, Score: (matched * 10.0) + occurrences / Math.Sqrt(1 + length / 10));
                })
                .OrderByDescending(x => x.Score)
                .ThenByDescending(x => x.Row.CreatedAt)
                .ToList();
            if (semantic is not { } s)
            {
                return lexical.SelectMany(x => Hits(x.Row, stems, x.Score, similarity: null)).Take(query.Limit).ToList();
            }

            // Hybrid in the app: the team's newest vectors of this model, ranked by cosine similarity, fused with the lexical
            // ranking by RRF with the same weights as the service's query (the lexical score stands for both fields).
            var vectorQuery = new QueryDefinition(
                    $"SELECT TOP {ContainsVectorCandidates} {Columns}, c.embedding FROM c " +
                    "WHERE c.teamId = @teamId AND ARRAY_CONTAINS(@kinds, c.searchKind) AND c.embeddingModel = @model ORDER BY c.createdAt DESC")
                .WithParameter("@teamId", query.TeamId)
                .WithParameter("@kinds", Kinds(query))
                .WithParameter("@model", s.Model);
            var nearest = (await store.QueryTeamAsync<SearchRow>(query.TeamId, vectorQuery, token))
                .Select(row => (Row: row, Similarity: Cosine(s.Vector, row.Embedding)))
                .OrderByDescending(x => x.Similarity)
                .ToList();
            var similarities = nearest.ToDictionary(x => (x.Row.SearchKind, x.Row.RecordId), x => x.Similarity);
            var fused = new Dictionary<(string, string), (SearchRow Row, double Score, double? Similarity)>();
            var lexicalWeight = 2.0; // question + body in the service's query
            var vectorWeight = 2.0;
            for (var rank = 0; rank < lexical.Count; rank++)
            {
                var row = lexical[rank].Row;
                fused[(row.SearchKind, row.RecordId)] = (row, lexicalWeight / (RrfK + rank + 1),
                    similarities.GetValueOrDefault((row.SearchKind, row.RecordId)));
            }

            for (var rank = 0; rank < nearest.Count; rank++)
            {
                var (row, similarity) = nearest[rank];
                var key = (row.SearchKind, row.RecordId);
                var score = vectorWeight / (RrfK + rank + 1);
                fused[key] = fused.TryGetValue(key, out var known) ? (known.Row, known.Score + score, similarity) : (row, score, similarity);
            }

            return fused.Values
                .OrderByDescending(x => x.Score)
                .ThenByDescending(x => x.Row.CreatedAt)
                .SelectMany(x => Hits(x.Row, stems, x.Score, x.Similarity))
                .Take(query.Limit)
                .ToList();
        }, cancellationToken);
    }

    private static int Occurrences(string text, string word)
    {
        var count = 0;
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + word.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>One hit per person: a kudos with two receivers is found for each of them.</summary>
    private static IEnumerable<SearchHit> Hits(SearchRow row, IReadOnlyList<string> words, double score, double? similarity)
    {
        var kind = Enum.Parse<SearchKind>(row.SearchKind);
        var excerpt = Excerpt(row.SearchBody, words);
        // The service's hybrid rank does not say which half found a row: a row holding one of the (stemmed) words was found by them.
        var matchedWords = words.Any(w => row.SearchTitle.Contains(w, StringComparison.OrdinalIgnoreCase)
                                          || row.SearchBody.Contains(w, StringComparison.OrdinalIgnoreCase));
        return row.SearchPeople.Select(person => new SearchHit(kind, row.RecordId, person, row.SearchTitle, excerpt,
            DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), score) { Similarity = similarity, MatchedWords = matchedWords });
    }

    /// <summary>About <see cref="ExcerptLength"/> characters of the body around the first matched word.</summary>
    internal static string Excerpt(string body, IReadOnlyList<string> words)
    {
        if (body.Length <= ExcerptLength)
        {
            return body;
        }

        var at = words.Select(w => body.IndexOf(w, StringComparison.OrdinalIgnoreCase)).Where(i => i >= 0).DefaultIfEmpty(0).Min();
        var start = Math.Clamp(at - (ExcerptLength / 4), 0, body.Length - ExcerptLength);
        return (start > 0 ? "…" : string.Empty) + body.Substring(start, ExcerptLength) + (start + ExcerptLength < body.Length ? "…" : string.Empty);
    }

    /// <summary>The same light suffix stripping as <see cref="SearchTerms"/>, so "networking" also finds "network".</summary>
    internal static string Stem(string word)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ed", "es", "s"])
        {
            if (word.Length - suffix.Length >= 3 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                return word[..^suffix.Length];
            }
        }

        return word;
    }

    private static string Literal(string word)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in word)
        {
            builder.Append(c is '"' or '\\' ? "\\" + c : c.ToString(CultureInfo.InvariantCulture));
        }

        return builder.Append('"').ToString();
    }

    /// <param name="Embedding">Only in the queries that compare vectors.</param>
    private sealed record SearchRow(string SearchKind, string RecordId, IReadOnlyList<string> SearchPeople, string SearchTitle,
        string SearchBody, long CreatedAt, float[]? Embedding = null);
}
