namespace LearningBot.Storage.Sqlite.Knowledge;

/// <summary>
/// The SQLite search's cost rules in one place, each a switch with its measured reason (docs/performance.md, issue 14 sections;
/// docs/search.md, "What `ask` costs at 100,000 + 100,000"). Production always runs <see cref="Default"/> (every rule on); the
/// benchmark (<c>--semantic --compare lexcost|all</c>) sets <see cref="SqliteDatabase.SearchTuning"/> to <see cref="BeforeLexCost"/> or
/// <see cref="Before"/> to measure the rules against the same build in one run. None of these rules changes which team or kind a hit
/// comes from, or makes a private learning searchable. The in-memory vocabulary has its own switch (<see cref="SearchVocabulary.Enabled"/>,
/// which tests use too).
/// </summary>
internal sealed record SearchTuning
{
    /// <summary>Every rule on: what the product runs.</summary>
    public static SearchTuning Default { get; } = new();

    /// <summary>
    /// Every rule off: the search before issue 14's speed work (every 4+ letter word a prefix, ranked within the team token, the lexical
    /// half after the query embedding, every unknown word corrected and every correction in the any-word fallback, the fallback run for
    /// a question of very common words too).
    /// </summary>
    public static SearchTuning Before { get; } = new()
    {
        MatchPlan = false, OverlapEmbedding = false, LeaveOutCommonCorrections = false, CorrectedWordsCap = int.MaxValue,
        CommonWordsConjunction = false, ExcerptsOnlyWhenShown = false,
    };

    /// <summary>Every rule on but the two of the lexical worst-case work (branch <c>lexcost</c>): the search before it.</summary>
    public static SearchTuning BeforeLexCost { get; } = new() { CommonWordsConjunction = false, ExcerptsOnlyWhenShown = false };

    /// <summary>
    /// <see cref="Knowledge.MatchPlan"/>'s df rules: a word is matched as a prefix only while it is not very common, and a team
    /// holding most of the index is ranked on its words alone. False: <see cref="Knowledge.MatchPlan.Unpruned"/>.
    /// </summary>
    public bool MatchPlan { get; init; } = true;

    /// <summary>The hybrid's lexical half runs while the query is embedded on another thread. False: after the embedding.</summary>
    public bool OverlapEmbedding { get; init; } = true;

    /// <summary>A typo's very common corrections are left out of the any-word fallback. False: every correction is kept.</summary>
    public bool LeaveOutCommonCorrections { get; init; } = true;

    /// <summary>Unknown words corrected per question, the longest first (<see cref="TypoAlternatives.MaxCorrectedWords"/>).</summary>
    public int CorrectedWordsCap { get; init; } = TypoAlternatives.MaxCorrectedWords;

    /// <summary>
    /// In a hybrid search of a large index (1,000+ documents), a question whose every word is very common (in more than
    /// <see cref="SqliteSearchIndex.VeryCommonShare"/> of the documents, and in more than <see cref="SqliteSearchIndex.VeryCommonFloor"/>) is matched by all its words only: no any-word fallback.
    /// That fallback ranked every row holding the rarest of them (15,000–29,000 rows at 100,000 + 100,000, 22–62 ms of BM25, which
    /// cannot stop early), to add documents that share one common word with the question, the weakest lexical evidence there is;
    /// the semantic half supplies the candidates instead. The same rule as Lucene's <c>CommonTermsQuery</c> ("if the query only contains
    /// high-frequency terms the query is rewritten into a plain conjunction query";
    /// https://lucenenet.apache.org/docs/4.8.0-beta00017/api/queries/Lucene.Net.Queries.CommonTermsQuery.html). A lexical-only search
    /// (no model) keeps the fallback: it has nothing else. False: the fallback runs on the rarest word, as before.
    /// </summary>
    public bool CommonWordsConjunction { get; init; } = true;

    /// <summary>
    /// A query that shows no excerpts (<c>SearchQuery.Excerpts</c> false: <c>who knows</c> and its suggestion in <c>ask</c>, 200 hits)
    /// gets none made: FTS5's <c>snippet</c> for up to 200 hits walked the whole match again (~8 ms of the suggestion's ~70 at
    /// 100,000 + 100,000). False: excerpts are made for every query, as before.
    /// </summary>
    public bool ExcerptsOnlyWhenShown { get; init; } = true;
}
