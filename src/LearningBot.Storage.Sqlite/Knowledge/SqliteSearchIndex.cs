using System.Globalization;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Storage.Sqlite.Knowledge.Semantic;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge;

/// <summary>
/// FTS5 search with BM25 ranking. The user's words are turned into quoted terms (so FTS syntax such
/// as <c>"</c>, <c>*</c>, <c>NEAR</c> or <c>-</c> in a question is just text), all words first and
/// then any word when that finds too little. With <see cref="SearchQuery.Embedding"/> set (and vectors stored), the search is
/// hybrid: the BM25 candidates and the team's nearest vectors (exact, <see cref="SqliteVectorCache"/>) are fused by
/// <see cref="HybridFusion"/>, and every hit carries <see cref="SearchHit.Similarity"/> when its document has a vector.
/// Both halves read only the team's documents of the asked kinds; private learnings are in neither (never indexed).
/// </summary>
/// <param name="vectors">Null: lexical only.</param>
/// <param name="embedder">The model the query embeddings come from (its id selects the stored vectors); null: lexical only.</param>
/// <param name="fusion">Default: <see cref="HybridFusion.Default"/> with the model's <see cref="SimilarityThresholds.Floor"/>.</param>
public sealed class SqliteSearchIndex(SqliteDatabase database, SqliteVectorCache? vectors = null, IQueryEmbedder? embedder = null,
    HybridFusion? fusion = null) : ISearchIndex
{
    // Column weights for bm25(title, body, tags, team_key): a question or tag match is a stronger signal.
    private const string Rank = "bm25(search_fts, 2.0, 1.0, 2.0, 0.0)";

    /// <summary>Characters of a document shown for a hit found by meaning alone (no matched words to centre a snippet on).</summary>
    internal const int SemanticExcerptCharacters = 240;

    private readonly HybridFusion _fusion = fusion ?? HybridFusion.Default with { MinSimilarity = (embedder?.Thresholds ?? SimilarityThresholds.MiniLM).Floor };

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        if (query.Kinds.Count == 0 || query.Limit <= 0)
        {
            return [];
        }

        if (query.Embedding is { } embedding && vectors is not null && embedder?.ModelId is { } model)
        {
            return await HybridAsync(query, embedding, model, vectors, cancellationToken);
        }

        var words = SearchTerms.Words(query.Text);
        if (words.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        using var stage = AskStages.Start(AskStages.Lexical);
        var found = await LexicalAsync(connection, query, words, hybrid: false, cancellationToken);
        return Excerpted(query) ? await WithExcerptsAsync(connection, found, cancellationToken) : found.Select(h => h.Hit).ToList();
    }

    /// <summary>
    /// The lexical search: all words (up to <paramref name="query"/>.Limit, ranked), then, if fewer than <paramref name="fillTo"/>
    /// (default: the limit) were found, any rarer word (in a <paramref name="hybrid"/> search not when every word is very common:
    /// <see cref="SearchTuning.CommonWordsConjunction"/>). Hits keep their index row.
    /// </summary>
    private async Task<List<IndexedHit>> LexicalAsync(SqliteConnection connection, SearchQuery query, IReadOnlyList<string> words,
        bool hybrid, CancellationToken cancellationToken, int? fillTo = null)
    {
        var tuning = database.SearchTuning;
        var vocabulary = database.SearchVocabulary;
        // Only the slower paths below read the vocabulary (one point read to see whether the snapshot is current), and the plan when
        // a pruning rule can apply.
        SearchVocabulary.Snapshot? snapshot = null;
        var snapshotRead = false;
        async Task<SearchVocabulary.Snapshot?> Snapshot()
        {
            if (!snapshotRead)
            {
                snapshot = await vocabulary.GetAsync(connection, cancellationToken);
                snapshotRead = true;
            }

            return snapshot;
        }

        var plan = await MatchPlan.ForAsync(connection, query.TeamId, words, Snapshot, tuning.MatchPlan, cancellationToken);
        var hits = await RunAsync(connection, query, words, null, "AND", plan, cancellationToken);
        IReadOnlyDictionary<string, IReadOnlyList<string>>? alternatives = null;
        if (hits.Count == 0)
        {
            // Some word finds nothing (else every word would): look for typos, on this slower path only.
            alternatives = await TypoAlternatives.FindAsync(connection, query.TeamId, words, await Snapshot(), cancellationToken,
                tuning.CorrectedWordsCap);
            if (alternatives.Count > 0)
            {
                hits = await RunAsync(connection, query, words, alternatives, "AND", plan, cancellationToken);
            }
        }

        if (hits.Count < (fillTo ?? query.Limit) && words.Count > 1)
        {
            var (anyWords, anyAlternatives, onlyCommon) = await WithoutVeryCommonWordsAsync(connection, words, alternatives, Snapshot, tuning,
                cancellationToken);
            if (!(hybrid && onlyCommon && tuning.CommonWordsConjunction))
            {
                var seen = hits.Select(h => h.RowId).ToHashSet();
                var more = await RunAsync(connection, query, anyWords, anyAlternatives, "OR", plan, cancellationToken);
                hits.AddRange(more.Where(h => !seen.Contains(h.RowId)).Take(query.Limit - hits.Count));
            }
        }

        if (alternatives is { Count: > 0 })
        {
            // Every hit after a correction was searched with the corrected words (all words, or the any-word fallback).
            var corrected = TypoAlternatives.Corrected(query.Text, alternatives);
            return hits.ConvertAll(h => h with { Hit = h.Hit with { CorrectedQuery = corrected } });
        }

        return hits;
    }

    /// <summary>
    /// The lexical half runs on the calling thread while <paramref name="embedding"/> is computed elsewhere (the caller started it)
    /// and then scanned on that thread, or, when it is already computed, while the vector scan runs on a pool thread; then the fusion: the same results as <see cref="SearchAsync(SearchQuery, CancellationToken)"/> with the
    /// finished vector. Without a model, or when the vector comes back null (nothing to embed, model error), it is the lexical search.
    /// </summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, Task<ReadOnlyMemory<float>?> embedding,
        CancellationToken cancellationToken)
    {
        if (query.Kinds.Count == 0 || query.Limit <= 0 || vectors is null || embedder?.ModelId is not { } model || !database.SearchTuning.OverlapEmbedding)
        {
            return await SearchAsync(query with { Embedding = await embedding }, cancellationToken);
        }

        // New vectors are read here, on the request's flow: inside a unit of work (SqliteDatabase.InOneTransactionAsync) OpenAsync
        // hands out the unit's one connection, which another thread must never use. The scan itself is memory only, so it follows
        // the embedding on the thread that computed it while this one still ranks the words.
        using (AskStages.Start(AskStages.VectorRefresh))
        {
            await vectors.RefreshAsync(model, cancellationToken);
        }

        // A vector already there (the caller embedded first: IQueryEmbedder.EmbedFirst) is scanned on a pool thread beside the words.
        var nearest = embedding.IsCompleted ? Task.Run(() => NearestAsync(query, embedding, vectors), cancellationToken)
            : NearestAsync(query, embedding, vectors);
        await using var connection = await database.OpenAsync(cancellationToken);
        var lexical = await LexicalCandidatesAsync(connection, query, cancellationToken);
        if (await nearest is not { } semantic)
        {
            // The lexical-only search fills up to the limit where the hybrid's lexical half filled up to what is shown.
            return await SearchAsync(query with { Embedding = null }, cancellationToken);
        }

        return await FuseAsync(connection, query with { Embedding = semantic.Vector }, lexical, semantic.Matches, vectors, cancellationToken);
    }

    private async Task<IReadOnlyList<SearchHit>> HybridAsync(SearchQuery query, ReadOnlyMemory<float> embedding, string model,
        SqliteVectorCache cache, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var lexical = await LexicalCandidatesAsync(connection, query, cancellationToken);
        using (AskStages.Start(AskStages.VectorRefresh))
        {
            await cache.RefreshAsync(model, cancellationToken);
        }

        var semantic = await NearestAsync(query, Task.FromResult<ReadOnlyMemory<float>?>(embedding), cache);
        return await FuseAsync(connection, query, lexical, semantic!.Value.Matches, cache, cancellationToken);
    }

    /// <summary>
    /// The semantic half: the team's nearest documents of the asked kinds to the query's vector (null: no vector), from the vectors
    /// in memory (the caller refreshed them). No database access: it may run on the thread that finished the embedding.
    /// </summary>
    private async Task<(ReadOnlyMemory<float> Vector, IReadOnlyList<VectorMatch> Matches)?> NearestAsync(SearchQuery query,
        Task<ReadOnlyMemory<float>?> embedding, SqliteVectorCache cache)
    {
        if (await embedding is not { } vector)
        {
            return null;
        }

        using var stage = AskStages.Start(AskStages.VectorScan);
        return (vector, cache.Nearest(query.TeamId, query.Kinds.ToHashSet(), vector.Span, Math.Max(query.Limit, _fusion.Candidates)));
    }

    /// <summary>The hybrid's lexical half: BM25's best <see cref="HybridFusion.Candidates"/> (or the limit, if larger).</summary>
    private async Task<List<IndexedHit>> LexicalCandidatesAsync(SqliteConnection connection, SearchQuery query, CancellationToken cancellationToken)
    {
        using var stage = AskStages.Start(AskStages.Lexical);
        var candidates = Math.Max(query.Limit, _fusion.Candidates);
        var words = SearchTerms.Words(query.Text);
        // The all-words match ranks up to the fusion's candidate count; the "any word" fallback runs only when that found fewer than the
        // reply shows, as in lexical-only search. Filling all 50 candidates from it made FTS5 score every row holding any of the words
        // for nearly every question (BM25 has no top-k pruning), while the semantic half supplies the candidates those rows would
        // have been (docs/performance.md, "Search by meaning at 100,000 + 100,000").
        return words.Count == 0 ? []
            : await LexicalAsync(connection, query with { Limit = candidates }, words, hybrid: true, cancellationToken,
                fillTo: Math.Min(query.Shown ?? query.Limit, query.Limit));
    }

    /// <summary>The semantic half's matches fused with <paramref name="lexical"/>, as hits of the query's team and kinds.</summary>
    private async Task<IReadOnlyList<SearchHit>> FuseAsync(SqliteConnection connection, SearchQuery query, List<IndexedHit> lexical,
        IReadOnlyList<VectorMatch> semantic, SqliteVectorCache cache, CancellationToken cancellationToken)
    {
        using var stage = AskStages.Start(AskStages.Fusion);
        var embedding = query.Embedding!.Value;
        var kinds = query.Kinds.ToHashSet();
        var fused = _fusion.Fuse(lexical.Select(h => h.RowId).ToList(), semantic.Select(m => (m.DocId, m.Similarity)).ToList());

        var lexicalHits = lexical.ToDictionary(h => h.RowId, h => h.Hit);
        var lexicalRows = lexical.ToDictionary(h => h.RowId);
        var shown = new List<(int At, IndexedHit Row)>();
        var semanticMatches = semantic.ToDictionary(m => m.DocId);
        var results = new List<SearchHit>(query.Limit);
        for (var start = 0; start < fused.Count && results.Count < query.Limit; start += query.Limit)
        {
            var page = fused.Skip(start).Take(query.Limit).ToList();
            var found = await SemanticOnlyHitsAsync(connection, query, kinds,
                page.Where(m => !lexicalHits.ContainsKey(m.Key)).Select(m => semanticMatches[m.Key]).ToList(), cache, cancellationToken);
            foreach (var match in page)
            {
                var hit = lexicalHits.TryGetValue(match.Key, out var lexicalHit) ? lexicalHit : found.GetValueOrDefault(match.Key);
                if (hit is null || results.Count == query.Limit)
                {
                    continue;
                }

                var similarity = semanticMatches.TryGetValue(match.Key, out var m) ? m.Similarity
                    : cache.Find(query.TeamId, match.Key, embedding.Span)?.Similarity;
                results.Add(hit with { Score = match.Score, Similarity = similarity });
                if (lexicalRows.TryGetValue(match.Key, out var row))
                {
                    shown.Add((results.Count - 1, row with { Hit = results[^1] }));
                }
            }
        }

        // Only the lexical hits shown get their snippet (FTS5 makes one per row it is asked for), and none when the caller shows none.
        var excerpted = Excerpted(query) ? await WithExcerptsAsync(connection, shown.Select(s => s.Row).ToList(), cancellationToken) : [];
        for (var i = 0; i < excerpted.Count; i++)
        {
            results[shown[i].At] = excerpted[i];
        }

        return results;
    }

    /// <summary>
    /// Reads the documents found by meaning alone through the very vector row each was scored with (by its seq), keeping only those
    /// still in the index, in the query's team and kinds (a forgotten or rewritten document is dropped here, and from the cache).
    /// </summary>
    private static async Task<Dictionary<long, SearchHit>> SemanticOnlyHitsAsync(SqliteConnection connection, SearchQuery query,
        IReadOnlySet<SearchKind> kinds, IReadOnlyList<VectorMatch> matches, SqliteVectorCache cache, CancellationToken cancellationToken)
    {
        if (matches.Count == 0)
        {
            return [];
        }

        var seqs = string.Join(',', matches.Select(m => m.Seq.ToString(CultureInfo.InvariantCulture)));
        var rows = (await connection.QueryAsync(
                $"""
                 SELECT f.rowid, f.team_id, f.kind, f.ref_id, f.person_id, f.title, f.body, f.created_at, v.seq
                 FROM search_vectors v CROSS JOIN search_fts f ON f.rowid = v.doc_id
                 WHERE v.seq IN ({seqs})
                 """,
                null,
                r => (RowId: r.GetInt64(0), TeamId: r.GetString(1), Kind: (SearchKind)r.GetInt32(2), Id: r.GetString(3), PersonId: r.GetString(4),
                    Title: r.GetString(5), Body: r.GetString(6), CreatedAt: r.GetInt64(7), Seq: r.GetInt64(8)),
                cancellationToken))
            .ToDictionary(r => r.Seq);
        var hits = new Dictionary<long, SearchHit>();
        foreach (var match in matches)
        {
            if (!rows.TryGetValue(match.Seq, out var d) || d.RowId != match.DocId)
            {
                cache.Forget(query.TeamId, match.DocId);
                continue;
            }

            if (d.TeamId == query.TeamId && kinds.Contains(d.Kind))
            {
                hits[match.DocId] = new SearchHit(d.Kind, d.Id, d.PersonId, d.Title, Excerpt(d.Body),
                    DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedAt), 0);
            }
        }

        return hits;
    }

    private static string Excerpt(string body)
    {
        if (body.Length <= SemanticExcerptCharacters)
        {
            return body;
        }

        var space = body.LastIndexOf(' ', SemanticExcerptCharacters);
        return body[..(space > SemanticExcerptCharacters / 2 ? space : SemanticExcerptCharacters)] + "…";
    }

    /// <summary>
    /// A lexical hit and its <c>search_fts</c> rowid (the key of its vector), with the words expression that found it: its excerpt
    /// (FTS5's <c>snippet</c>, centred on those words) is made only if the hit is returned (<see cref="WithExcerptsAsync"/>).
    /// </summary>
    private sealed record IndexedHit(long RowId, SearchHit Hit, string Match);

    /// <summary>Whether the hits get excerpts: unless the caller shows none (<see cref="SearchTuning.ExcerptsOnlyWhenShown"/>).</summary>
    private bool Excerpted(SearchQuery query) => query.Excerpts || !database.SearchTuning.ExcerptsOnlyWhenShown;

    /// <summary>At most this many rows get their snippets by one MATCH lookup each; more, by one pass over the match.</summary>
    private const int SnippetLookups = 16;

    /// <summary>
    /// The hits (in their order) with their excerpts: FTS5's <c>snippet</c> of the body (40 tokens, "…" where cut) around the words that
    /// found each one. Made for the rows returned only, after the ranking (a probe on the benchmark file: 196 ranked rows read with their
    /// snippets in 27 ms, by rowid without them in 2–7 ms; three snippets 0.5 ms).
    /// </summary>
    private static async Task<List<SearchHit>> WithExcerptsAsync(SqliteConnection connection, IReadOnlyList<IndexedHit> hits,
        CancellationToken cancellationToken)
    {
        var excerpts = new Dictionary<(long, string), string>();
        foreach (var group in hits.GroupBy(h => h.Match, StringComparer.Ordinal))
        {
            var ids = group.Select(h => h.RowId).Distinct().ToList();
            // Few rows: one lookup per id (FTS5 seeks each); many: "+rowid" keeps the list out of the plan, one pass over the matches.
            var plus = ids.Count <= SnippetLookups ? "" : "+";
            var rows = await connection.QueryAsync(
                "SELECT rowid, snippet(search_fts, 1, '', '', '…', 40) FROM search_fts " +
                $"WHERE search_fts MATCH $match AND {plus}rowid IN (SELECT value FROM json_each($ids))",
                null, r => (RowId: r.GetInt64(0), Excerpt: r.GetString(1)), cancellationToken,
                ("$match", group.Key), ("$ids", "[" + string.Join(',', ids) + "]"));
            foreach (var (rowId, excerpt) in rows)
            {
                excerpts[(rowId, group.Key)] = excerpt;
            }
        }

        return hits.Select(h => h.Hit with { Excerpt = excerpts.GetValueOrDefault((h.RowId, h.Match), string.Empty) }).ToList();
    }

    /// <summary>
    /// A word found in more than this share of all documents says little about which one answers the question
    /// (1 in 200: in a 200,000-document index, words in over 1,000 documents). See <see cref="VeryCommonAbove"/>.
    /// </summary>
    internal const double VeryCommonShare = 0.005;

    /// <summary>
    /// A word in at most this many documents is never very common, however small the index. The rules that leave very common words
    /// out (no prefix widening, no any-word fallback) exist for their cost, which grows with the rows a word is in, not with its
    /// share: ~1.5–2 µs of BM25 per row (15,000–29,000 rows cost 22–62 ms at 100,000 + 100,000), so 500 rows are ~1 ms. By share
    /// alone, an index of 1,438 documents (the stackfaq <c>who knows</c> set) called a word in 8 documents very common and dropped
    /// the topic's own words from the fallback (docs/search.md, "`who knows` quality").
    /// </summary>
    internal const int VeryCommonFloor = 500;

    /// <summary>
    /// The document count above which a word is very common in an index of <paramref name="documents"/> documents:
    /// <see cref="VeryCommonShare"/> of them, but never under <see cref="VeryCommonFloor"/>.
    /// </summary>
    internal static double VeryCommonAbove(double documents) => Math.Max(documents * VeryCommonShare, VeryCommonFloor);

    /// <summary>
    /// The "any word" fallback ranks every row holding any of the words, and BM25 cannot stop early: a word in
    /// tens of thousands of rows makes it slow, while those rows score low for it anyway (BM25's IDF). So, like
    /// Lucene's common-terms query, very common words are left out of that fallback when the question has rarer
    /// ones; the all-words search before it still uses every word. The same holds for a typo's corrections
    /// (<paramref name="alternatives"/>): a very common correction is left out of the fallback (the all-words search with
    /// corrections before it used them all). Frequencies come from the index's own vocabulary (the in-memory
    /// <see cref="SearchVocabulary"/> when read, else <c>search_vocab</c>), with each word stemmed by the same tokenizer
    /// (through a small temp table). <c>OnlyCommon</c>: every word with a frequency is very common (only the rarest is returned).
    /// </summary>
    private static async Task<(IReadOnlyList<string> Words, IReadOnlyDictionary<string, IReadOnlyList<string>>? Alternatives, bool OnlyCommon)>
        WithoutVeryCommonWordsAsync(SqliteConnection connection, IReadOnlyList<string> words,
            IReadOnlyDictionary<string, IReadOnlyList<string>>? alternatives, Func<Task<SearchVocabulary.Snapshot?>> vocabulary,
            SearchTuning tuning, CancellationToken cancellationToken)
    {
        var documents = Convert.ToDouble(await connection.ScalarAsync("SELECT coalesce(max(rowid), 0) FROM search_fts", null, cancellationToken));
        if (documents < 1000)
        {
            return (words, alternatives, false); // a small index: the full fallback is cheap
        }

        var corrections = !tuning.LeaveOutCommonCorrections ? [] : alternatives?.SelectMany(a => a.Value).Distinct(StringComparer.Ordinal).ToList() ?? [];
        var frequencies = await FrequenciesAsync(connection, [.. words, .. corrections], await vocabulary(), cancellationToken);
        var common = VeryCommonAbove(documents);
        var rare = new List<string>();
        var rarest = (Word: words[0], Frequency: double.MaxValue);
        foreach (var word in words)
        {
            if (!frequencies.TryGetValue(word, out var frequency))
            {
                continue;
            }

            if (frequency <= common)
            {
                rare.Add(word);
            }

            if (frequency < rarest.Frequency)
            {
                rarest = (word, frequency);
            }
        }

        IReadOnlyDictionary<string, IReadOnlyList<string>>? rareAlternatives = !tuning.LeaveOutCommonCorrections ? alternatives : alternatives?
            .Select(a => (a.Key, Rare: (IReadOnlyList<string>)a.Value.Where(c => frequencies.GetValueOrDefault(c) <= common).ToList()))
            .Where(a => a.Rare.Count > 0)
            .ToDictionary(a => a.Key, a => a.Rare, StringComparer.Ordinal);

        // Only common words: the least common of them still points somewhere; all of them together point everywhere. A correction
        // counts as a rarer word (the all-words search with it found too little, so the fallback is the typo's only chance).
        var onlyCommon = rare.Count == 0 && rarest.Frequency < double.MaxValue && rareAlternatives is not { Count: > 0 };
        return (rare.Count > 0 ? rare : [rarest.Word], rareAlternatives, onlyCommon);
    }

    /// <summary>
    /// Documents per word, as the search matches it (stemmed; a prefix from 4 letters, so every term the prefix covers is counted:
    /// an upper bound). Words the tokenizer drops entirely are absent.
    /// </summary>
    private static async Task<Dictionary<string, double>> FrequenciesAsync(SqliteConnection connection, IReadOnlyList<string> words,
        SearchVocabulary.Snapshot? snapshot, CancellationToken cancellationToken)
    {
        var stemOf = await MatchPlan.StemsAsync(connection, words, cancellationToken);
        var frequencies = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            if (!stemOf.TryGetValue(words[i], out var stem) || frequencies.ContainsKey(words[i]))
            {
                continue;
            }

            frequencies[words[i]] = snapshot is not null
                ? words[i].Length >= 4 ? snapshot.DocumentsWithPrefix(stem) : snapshot.DocumentsOf(stem)
                : Convert.ToDouble(await connection.ScalarAsync(
                    words[i].Length >= 4
                        ? "SELECT coalesce(sum(doc), 0) FROM search_vocab WHERE term >= $stem AND term < $stem || char(1114111)"
                        : "SELECT coalesce(sum(doc), 0) FROM search_vocab WHERE term = $stem",
                    null, cancellationToken, ("$stem", stem)));
        }

        return frequencies;
    }

    /// <summary>
    /// The best <paramref name="query"/>.Limit rows for the words, in rank order. Ranking reads only the index;
    /// the stored columns (team id, kind, snippet) are read afterwards for the top rows alone. Filtering on them inside the
    /// ranking query made SQLite read, and snippet, every matching row before sorting: hundreds of milliseconds for a
    /// common word in a large team. Top rows that fail the team or kind check (kudos, say) are skipped and, if too few
    /// remain, a longer list is ranked, so the result is the same as filtering first.
    /// </summary>
    private static async Task<List<IndexedHit>> RunAsync(SqliteConnection connection, SearchQuery query, IReadOnlyList<string> words,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? alternatives, string joiner, MatchPlan plan, CancellationToken cancellationToken)
    {
        var teamMatch = MatchExpression(query.TeamId, words, joiner, alternatives, plan);
        var wordsMatch = WordsExpression(words, joiner, alternatives, plan);
        // bm25() first counts, for every phrase, the rows that contain it; for the team token that is every row of the
        // team. An AND match is small, so it is cheaper to narrow to the team in a sub-select and rank on the words
        // alone. The scores are identical: the team_key column has weight 0. An OR match is large, and there the
        // sub-select costs more than it saves.
        // A team that holds most of the index gains nothing from the team token (most matches are its own) and pays for intersecting
        // its long doclist: there the words alone are ranked and the loop below skips other teams' rows (MatchPlan).
        var rankSql = plan.RankOnWordsAlone
            ? $"SELECT rowid, {Rank} AS rank FROM search_fts WHERE search_fts MATCH $words ORDER BY rank LIMIT $limit"
            : joiner == "AND"
            ? $"""
               SELECT rowid, {Rank} AS rank FROM search_fts
               WHERE search_fts MATCH $words AND +rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH $match)
               ORDER BY rank LIMIT $limit
               """
            : $"SELECT rowid, {Rank} AS rank FROM search_fts WHERE search_fts MATCH $match ORDER BY rank LIMIT $limit";
        var kinds = query.Kinds.ToHashSet();
        for (var batch = Math.Max(query.Limit * 4, 16); ; batch *= 4)
        {
            var ranked = await connection.QueryAsync(
                rankSql, null, r => (RowId: r.GetInt64(0), Rank: r.GetDouble(1)), cancellationToken,
                ("$match", teamMatch), ("$words", wordsMatch), ("$limit", batch));
            if (ranked.Count == 0)
            {
                return [];
            }

            // The stored columns by rowid, without a MATCH: the snippets (which need one, and cost most) are made afterwards for the
            // rows returned only (WithExcerptsAsync), with the words alone (the team token is in another column).
            var details = (await connection.QueryAsync(
                    "SELECT rowid, team_id, kind, ref_id, person_id, title, created_at FROM search_fts WHERE rowid IN (SELECT value FROM json_each($ids))",
                    null,
                    r => (RowId: r.GetInt64(0), TeamId: r.GetString(1), Kind: (SearchKind)r.GetInt32(2), Id: r.GetString(3),
                        PersonId: r.GetString(4), Title: r.GetString(5), CreatedAt: r.GetInt64(6)),
                    cancellationToken, ("$ids", "[" + string.Join(',', ranked.Select(r => r.RowId)) + "]")))
                .ToDictionary(d => d.RowId);

            var hits = new List<IndexedHit>(query.Limit);
            foreach (var (rowId, rank) in ranked)
            {
                if (details.TryGetValue(rowId, out var d) && d.TeamId == query.TeamId && kinds.Contains(d.Kind))
                {
                    hits.Add(new IndexedHit(rowId, new SearchHit(d.Kind, d.Id, d.PersonId, d.Title, string.Empty,
                        DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedAt), -rank) { MatchedWords = true }, wordsMatch));
                    if (hits.Count == query.Limit)
                    {
                        return hits;
                    }
                }
            }

            if (ranked.Count < batch)
            {
                return hits; // every match was looked at
            }
        }
    }

    /// <summary>
    /// Every word becomes a quoted string (FTS5 string syntax: a quote is written twice), long words
    /// also match as a prefix, and the team token narrows the search inside the index. A word with typo
    /// <paramref name="alternatives"/> (<see cref="TypoAlternatives"/>) matches any of them too.
    /// </summary>
    /// <param name="plan">Which words match as prefixes; null: every word of 4+ letters (<see cref="MatchPlan.Unpruned"/>).</param>
    internal static string MatchExpression(string teamId, IReadOnlyList<string> words, string joiner,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? alternatives = null, MatchPlan? plan = null) =>
        $"team_key : {SearchDocuments.TeamKey(teamId)} AND {WordsExpression(words, joiner, alternatives, plan ?? MatchPlan.Unpruned)}";

    private static string WordsExpression(IReadOnlyList<string> words, string joiner, IReadOnlyDictionary<string, IReadOnlyList<string>>? alternatives,
        MatchPlan plan)
    {
        // Typo corrections are the index's own words, rare in the team by construction: they keep their prefix.
        var terms = words.Select(w => alternatives is not null && alternatives.TryGetValue(w, out var others)
            ? $"({string.Join(" OR ", others.Prepend(w).Select(o => Term(o, true)))})"
            : Term(w, plan.IsPrefix(w)));
        return $"({string.Join($" {joiner} ", terms)})";
    }

    private static string Term(string word, bool prefix) =>
        "\"" + word.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" + (prefix && word.Length >= 4 ? "*" : string.Empty);
}
