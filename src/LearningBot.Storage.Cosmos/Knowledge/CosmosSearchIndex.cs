using System.Globalization;
using System.Text;
using LearningBot.Core.Knowledge;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Knowledge;

/// <summary>
/// Search over the searchable documents of one team's partition (learnings, knowledge posts, kudos).
/// <see cref="CosmosSearchMode.FullText"/> uses Cosmos DB full-text search: stemming and BM25 ranking by
/// the service, fused over question and body with RRF. Cosmos does not return the BM25 value itself, so
/// <see cref="SearchHit.Score"/> is derived from the rank (higher is better, comparable only within one result).
/// <see cref="CosmosSearchMode.Contains"/> is a fallback for accounts without full-text search.
/// </summary>
public sealed class CosmosSearchIndex(CosmosStore store) : ISearchIndex
{
    private const int ContainsCandidates = 500;
    private const int ExcerptLength = 200;

    public Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        var words = SearchTerms.Words(query.Text);
        if (words.Count == 0 || query.Kinds.Count == 0 || query.Limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<SearchHit>>([]);
        }

        return store.Options.Search == CosmosSearchMode.FullText
            ? FullTextAsync(query, words, cancellationToken)
            : ContainsAsync(query, words, cancellationToken);
    }

    private Task<IReadOnlyList<SearchHit>> FullTextAsync(SearchQuery query, IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        // SearchTerms.Words yields letters and digits only, so the words are safe as string literals
        // (full-text functions take literal terms); Literal() escapes anyway.
        var terms = string.Join(", ", words.Select(Literal));
        var sql =
            $"SELECT TOP {query.Limit} c.searchKind, c.recordId, c.searchPeople, c.searchTitle, c.searchBody, c.createdAt FROM c " +
            "WHERE c.teamId = @teamId AND ARRAY_CONTAINS(@kinds, c.searchKind) " +
            $"AND (FullTextContainsAny(c.searchTitle, {terms}) OR FullTextContainsAny(c.searchBody, {terms})) " +
            $"ORDER BY RANK RRF(FullTextScore(c.searchTitle, {terms}), FullTextScore(c.searchBody, {terms}))";
        var definition = new QueryDefinition(sql)
            .WithParameter("@teamId", query.TeamId)
            .WithParameter("@kinds", query.Kinds.Distinct().Select(k => k.ToString()).ToArray());
        return store.RunAsync<IReadOnlyList<SearchHit>>(async token =>
        {
            // Ranked: no optimistic direct execution, BM25 statistics from the team's documents (CosmosStore.RankedOptions).
            var rows = await store.QueryTeamRankedAsync<SearchRow>(query.TeamId, definition, token);
            return rows
                .SelectMany((row, rank) => Hits(row, words, rows.Count - rank))
                .Take(query.Limit)
                .ToList();
        }, cancellationToken);
    }

    private Task<IReadOnlyList<SearchHit>> ContainsAsync(SearchQuery query, IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        var stems = words.Select(Stem).Distinct().ToList();
        var conditions = stems.Select((_, i) => $"CONTAINS(LOWER(c.searchTitle), @w{i}) OR CONTAINS(LOWER(c.searchBody), @w{i})");
        var definition = new QueryDefinition(
                $"SELECT TOP {ContainsCandidates} c.searchKind, c.recordId, c.searchPeople, c.searchTitle, c.searchBody, c.createdAt FROM c " +
                $"WHERE c.teamId = @teamId AND ARRAY_CONTAINS(@kinds, c.searchKind) AND ({string.Join(" OR ", conditions)})")
            .WithParameter("@teamId", query.TeamId)
            .WithParameter("@kinds", query.Kinds.Distinct().Select(k => k.ToString()).ToArray());
        for (var i = 0; i < stems.Count; i++)
        {
            definition = definition.WithParameter($"@w{i}", stems[i]);
        }

        return store.RunAsync<IReadOnlyList<SearchHit>>(async token =>
        {
            var rows = await store.QueryTeamAsync<SearchRow>(query.TeamId, definition, token);
            // Rank, like a crude BM25: more of the words first; then how often they occur (a question match counts
            // double), damped by the text's length so a short focused note beats a long one; then newer first.
            return rows
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
                .SelectMany(x => Hits(x.Row, stems, x.Score))
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
    private static IEnumerable<SearchHit> Hits(SearchRow row, IReadOnlyList<string> words, double score)
    {
        var kind = Enum.Parse<SearchKind>(row.SearchKind);
        var excerpt = Excerpt(row.SearchBody, words);
        return row.SearchPeople.Select(person => new SearchHit(kind, row.RecordId, person, row.SearchTitle, excerpt,
            DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), score));
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

    private sealed record SearchRow(string SearchKind, string RecordId, IReadOnlyList<string> SearchPeople, string SearchTitle,
        string SearchBody, long CreatedAt);
}
