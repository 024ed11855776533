using LearningBot.Core.Knowledge;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge;

/// <summary>
/// FTS5 search with BM25 ranking. The user's words are turned into quoted terms (so FTS syntax such
/// as <c>"</c>, <c>*</c>, <c>NEAR</c> or <c>-</c> in a question is just text), all words first and
/// then any word when that finds too little.
/// </summary>
public sealed class SqliteSearchIndex(SqliteDatabase database) : ISearchIndex
{
    // Column weights for bm25(title, body, tags, team_key): a question or tag match is a stronger signal.
    private const string Rank = "bm25(search_fts, 2.0, 1.0, 2.0, 0.0)";

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        var words = SearchTerms.Words(query.Text);
        if (words.Count == 0 || query.Kinds.Count == 0 || query.Limit <= 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var hits = await RunAsync(connection, query, MatchExpression(query.TeamId, words, "AND"), cancellationToken);
        if (hits.Count < query.Limit && words.Count > 1)
        {
            var seen = hits.Select(h => (h.Kind, h.Id, h.PersonId)).ToHashSet();
            var more = await RunAsync(connection, query, MatchExpression(query.TeamId, words, "OR"), cancellationToken);
            hits.AddRange(more.Where(h => !seen.Contains((h.Kind, h.Id, h.PersonId))).Take(query.Limit - hits.Count));
        }

        return hits;
    }

    private static Task<List<SearchHit>> RunAsync(SqliteConnection connection, SearchQuery query, string match,
        CancellationToken cancellationToken)
    {
        var kinds = string.Join(", ", query.Kinds.Distinct().Select(k => ((int)k).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return connection.QueryAsync(
            $"""
             SELECT kind, ref_id, person_id, title, snippet(search_fts, 1, '', '', '…', 40), created_at, {Rank} AS rank
             FROM search_fts
             WHERE search_fts MATCH $match AND team_id = $teamId AND kind IN ({kinds})
             ORDER BY rank
             LIMIT $limit
             """,
            null,
            r => new SearchHit((SearchKind)r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), -r.GetDouble(6)),
            cancellationToken,
            ("$match", match), ("$teamId", query.TeamId), ("$limit", query.Limit));
    }

    /// <summary>
    /// Every word becomes a quoted string (FTS5 string syntax: a quote is written twice), long words
    /// also match as a prefix, and the team token narrows the search inside the index.
    /// </summary>
    internal static string MatchExpression(string teamId, IReadOnlyList<string> words, string joiner)
    {
        var terms = words.Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" + (w.Length >= 4 ? "*" : string.Empty));
        return $"team_key : {SearchDocuments.TeamKey(teamId)} AND ({string.Join($" {joiner} ", terms)})";
    }
}
