using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge;

/// <summary>
/// How one question's words are matched, chosen from the index's document frequencies (df, from the in-memory
/// <see cref="SearchVocabulary"/> when read, else <c>search_vocab</c>). Two df rules, both about cost without a loss of meaning:
/// <list type="bullet">
/// <item><b>Prefix only for words that are not common.</b> A word of 4+ letters also matches as a prefix ("kube" finds
/// "kubernetes") only while its own stem is not very common (<see cref="SqliteSearchIndex.VeryCommonAbove"/>: in at most 1 in 200
/// documents, or at most 500 in a smaller index). FTS5 has
/// no prefix index here, so a prefix merges the doclist of every longer term ("data*": data, database, dataset, …) for the match
/// and again for BM25's row counts: most of a common-word question's cost (docs/performance.md, issue 14 "ask p95"). A common
/// word is already found in its own forms (porter stems), and its BM25 weight (IDF) is low, so widening it adds rows, not meaning.
/// Lucene's query-time prefix expansion is bounded for the same reason (<c>MultiTermQuery</c>'s max clause count).</item>
/// <item><b>Rank on the words alone in a team that holds most of the index</b> (at least half of its documents): the team token's
/// doclist is then nearly the whole index, intersecting it costs more than skipping the few other teams' rows among the ranked
/// ones (<see cref="SqliteSearchIndex"/> checks every ranked row's team and kind before it is a hit, as it always did).</item>
/// </list>
/// </summary>
/// <param name="Prefixes">Words matched as prefixes; null: every word of 4+ letters (<see cref="Unpruned"/>).</param>
/// <param name="RankOnWordsAlone">True: rank without the team token in the MATCH (the team is checked row by row).</param>
internal sealed record MatchPlan(IReadOnlySet<string>? Prefixes, bool RankOnWordsAlone)
{
    /// <summary>Every word of 4+ letters as a prefix, ranked within the team: the match before these rules.</summary>
    public static MatchPlan Unpruned { get; } = new(null, false);

    /// <summary>Whether <paramref name="word"/> (as the user typed it) also matches as a prefix.</summary>
    public bool IsPrefix(string word) => word.Length >= 4 && (Prefixes is null || Prefixes.Contains(word));

    /// <summary>The plan for <paramref name="words"/> in <paramref name="teamId"/>'s search.</summary>
    /// <param name="enabled">False (<see cref="SearchTuning.MatchPlan"/> off): <see cref="Unpruned"/>.</param>
    public static async Task<MatchPlan> ForAsync(SqliteConnection connection, string teamId, IReadOnlyList<string> words,
        Func<Task<SearchVocabulary.Snapshot?>> vocabulary, bool enabled, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return Unpruned;
        }

        var snapshot = await vocabulary();
        var documents = snapshot?.Documents
            ?? Convert.ToInt64(await connection.ScalarAsync("SELECT coalesce(max(rowid), 0) FROM search_fts", null, cancellationToken));
        if (documents == 0)
        {
            return Unpruned;
        }

        async Task<long> DocumentsOf(string term) => snapshot?.DocumentsOf(term)
            ?? Convert.ToInt64(await connection.ScalarAsync("SELECT coalesce(max(doc), 0) FROM search_vocab WHERE term = $term", null,
                cancellationToken, ("$term", term)));

        var common = SqliteSearchIndex.VeryCommonAbove(documents);
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        var long4 = words.Where(w => w.Length >= 4).ToList();
        var stems = long4.Count == 0 ? [] : await StemsAsync(connection, long4, cancellationToken);
        foreach (var word in long4)
        {
            // A word the tokenizer drops has no stem: nothing to widen, nothing to prune.
            if (!stems.TryGetValue(word, out var stem) || await DocumentsOf(stem) <= common)
            {
                prefixes.Add(word);
            }
        }

        var teamDocuments = await DocumentsOf(SearchDocuments.TeamKey(teamId));
        return new MatchPlan(prefixes, teamDocuments * 2 >= documents);
    }

    /// <summary>Most words whose stems are kept in memory (<see cref="StemsAsync"/>); past it the memory starts over.</summary>
    internal const int KeptStems = 50_000;

    // A word's stem depends on the word alone (one row per word, the same tokenizer always), so it is asked of SQLite once per process.
    // Null: the tokenizer drops the word.
    private static readonly ConcurrentDictionary<string, string?> Stems = new(StringComparer.Ordinal);

    /// <summary>
    /// Each word's stem as the index's tokenizer makes it (porter unicode61, through a small temp FTS table: the stemmer is inside
    /// SQLite); words the tokenizer drops entirely are absent. Stems already asked for come from memory: a search asks for them up to
    /// four times (its match plan, its any-word fallback, and again for the <c>who knows</c> suggestion in <c>ask</c>), each a round of
    /// 4 + words statements.
    /// </summary>
    public static async Task<Dictionary<string, string>> StemsAsync(SqliteConnection connection, IReadOnlyList<string> words,
        CancellationToken cancellationToken)
    {
        var stems = new Dictionary<string, string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var word in words.Distinct(StringComparer.Ordinal))
        {
            if (!Stems.TryGetValue(word, out var stem))
            {
                unknown.Add(word);
            }
            else if (stem is not null)
            {
                stems[word] = stem;
            }
        }

        if (unknown.Count == 0)
        {
            return stems;
        }

        var asked = await AskSqliteAsync(connection, unknown, cancellationToken);
        if (Stems.Count + unknown.Count > KeptStems)
        {
            Stems.Clear();
        }

        foreach (var word in unknown)
        {
            var stem = asked.GetValueOrDefault(word);
            Stems[word] = stem;
            if (stem is not null)
            {
                stems[word] = stem;
            }
        }

        return stems;
    }

    private static async Task<Dictionary<string, string>> AskSqliteAsync(SqliteConnection connection, IReadOnlyList<string> words,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(
            """
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_terms USING fts5 (word, tokenize = 'porter unicode61 remove_diacritics 2');
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_terms_vocab USING fts5vocab(temp, query_terms, 'instance');
            DELETE FROM temp.query_terms;
            """, null, cancellationToken);
        for (var i = 0; i < words.Count; i++)
        {
            await connection.ExecuteAsync("INSERT INTO temp.query_terms (rowid, word) VALUES ($i, $word)", null, cancellationToken,
                ("$i", i), ("$word", words[i]));
        }

        var stems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (index, stem) in await connection.QueryAsync("SELECT doc, term FROM temp.query_terms_vocab", null,
                     r => (Index: r.GetInt32(0), Stem: r.GetString(1)), cancellationToken))
        {
            stems.TryAdd(words[index], stem);
        }

        return stems;
    }
}
