using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge;

/// <summary>
/// Typo tolerance for the lexical search: for a query word that finds nothing in the team, the nearest words the team did
/// write, as OR alternatives (<c>ask databse pasword rotaton</c> also searches "database", "password", "rotation").
/// <list type="bullet">
/// <item>Only words of at least <see cref="MinLength"/> letters (a-z): short words have too many neighbours. Damerau-Levenshtein
/// distance (insertion, deletion, substitution, transposition of neighbours) at most 1 for 5–7 letters, 2 from 8 letters, the
/// bounds Lucene's and Elasticsearch's fuzzy "AUTO" use for these lengths.</item>
/// <item>Only when the word itself finds nothing in the team, so a correctly spelled rare word is never "corrected" into a
/// common one.</item>
/// <item>Candidates come from the FTS vocabulary (<c>search_vocab</c>), which holds every team's words, so each candidate is
/// kept only if it finds something in this team: another team's words are never used (nor counted against the cap).</item>
/// <item>The vocabulary holds porter stems ("rotat", "databas"), so a stem is compared in the forms it stands for (stem plus a
/// common suffix: "rotation", "database") and the closest form is searched.</item>
/// <item>Candidates start with the word's first two letters, or with its first and third (an insertion or transposition at the
/// second letter), or its second and first (swapped first letters): three two-letter ranges of the vocabulary. A one-letter range
/// would also catch a wrong or missing first or second letter, but it reads about 1/20 of the vocabulary: 35–65 ms on a
/// 200,000-document index against 1.5–9 ms for a two-letter range (docs/search.md). At most <see cref="MaxAlternatives"/> per
/// word, the closest first, then the most common. The ranges come from the in-memory <see cref="SearchVocabulary"/> when it
/// has been read (binary searches), else from <c>search_vocab</c>.</item>
/// <item>At most <see cref="MaxCorrectedWords"/> words per question are corrected, the longest first (a long word carries more of
/// the question, and each costs up to <see cref="MaxTeamChecks"/> team checks); whether a word finds something in the team is
/// asked once per question, whether it is a question word or a candidate.</item>
/// </list>
/// </summary>
internal static class TypoAlternatives
{
    public const int MinLength = 5;

    public const int MaxAlternatives = 3;

    /// <summary>Unknown words corrected per question, the longest first.</summary>
    public const int MaxCorrectedWords = 3;

    /// <summary>How many vocabulary candidates (closest first) are checked against the team, per word.</summary>
    private const int MaxTeamChecks = 12;

    /// <summary>Endings the porter stemmer removes, to rebuild words from stems ("rotat" + "ion"); "" for stems that are words.</summary>
    private static readonly string[] Endings =
    [
        "", "e", "s", "es", "ed", "ing", "ion", "ions", "ation", "ations", "er", "ers", "y", "ly", "al", "ment", "ments", "ness", "ity",
        "ive", "ize", "ise", "able", "ible", "ic", "ical", "ication", "ous", "ful", "ance", "ence",
    ];

    private static readonly int LongestEnding = Endings.Max(e => e.Length);

    /// <summary>
    /// <paramref name="text"/> with each corrected word (a key of <paramref name="alternatives"/>, as <see cref="SearchTerms.Words"/>
    /// gives it: lower case) replaced, wherever it stands as a whole word in any case, by its closest alternative (the first).
    /// "How do I rotate the databse pasword?" → "How do I rotate the database password?".
    /// </summary>
    public static string Corrected(string text, IReadOnlyDictionary<string, IReadOnlyList<string>> alternatives)
    {
        foreach (var (word, candidates) in alternatives)
        {
            if (candidates.Count > 0)
            {
                text = Regex.Replace(text, $@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(word)}(?![\p{{L}}\p{{N}}])", candidates[0],
                    RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
        }

        return text;
    }

    /// <summary>The largest edit distance a word of this length may be corrected by: 0 below 5 letters, 1 up to 7, 2 from 8.</summary>
    public static int MaxDistance(int length) => length >= 8 ? 2 : length >= MinLength ? 1 : 0;

    /// <summary>
    /// For each of <paramref name="words"/> that finds nothing in the team and has near neighbours there: up to
    /// <see cref="MaxAlternatives"/> words to search as well (each finds something in the team). Words without a correction are
    /// absent from the result; so are unknown words past the <see cref="MaxCorrectedWords"/> longest.
    /// </summary>
    /// <param name="vocabulary">The in-memory vocabulary, or null: read the term ranges from <c>search_vocab</c>.</param>
    /// <param name="cap">Words corrected at most (<see cref="SearchTuning.CorrectedWordsCap"/>: <see cref="MaxCorrectedWords"/>).</param>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindAsync(SqliteConnection connection, string teamId,
        IReadOnlyList<string> words, SearchVocabulary.Snapshot? vocabulary, CancellationToken cancellationToken, int cap = MaxCorrectedWords)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var findsAnything = new Dictionary<string, bool>(StringComparer.Ordinal);
        async Task<bool> FindsAnything(string word)
        {
            if (!findsAnything.TryGetValue(word, out var found))
            {
                findsAnything[word] = found = await FindsAnythingAsync(connection, teamId, word, cancellationToken);
            }

            return found;
        }

        var corrected = 0;
        // The longest first; a stable sort keeps the question's order among equal lengths.
        foreach (var word in words.Distinct(StringComparer.Ordinal).OrderByDescending(w => w.Length))
        {
            var maxDistance = MaxDistance(word.Length);
            if (corrected >= cap || maxDistance == 0 || !word.All(char.IsAsciiLetterLower) || await FindsAnything(word))
            {
                continue;
            }

            corrected++;
            var candidates = new List<(string Form, int Distance, long Documents)>();
            var shortest = Math.Max(1, word.Length - maxDistance - LongestEnding);
            var longest = word.Length + maxDistance;
            foreach (var prefix in new[] { word[..2], $"{word[0]}{word[2]}", $"{word[1]}{word[0]}" }.Distinct())
            {
                var to = prefix[..1] + (char)(prefix[1] + 1);
                var terms = vocabulary is not null
                    ? vocabulary.Range(prefix, to).Where(t => t.Term.Length >= shortest && t.Term.Length <= longest).ToList()
                    // fts5vocab answers a term range from the index without reading other terms.
                    : await connection.QueryAsync(
                        "SELECT term, doc FROM search_vocab WHERE term >= $from AND term < $to AND length(term) BETWEEN $shortest AND $longest",
                        null, r => (Term: r.GetString(0), Documents: r.GetInt64(1)), cancellationToken,
                        ("$from", prefix), ("$to", to), ("$shortest", shortest), ("$longest", longest));
                foreach (var (term, documents) in terms)
                {
                    if (Closest(word, term, maxDistance) is { } form && form.Distance > 0)
                    {
                        candidates.Add((form.Form, form.Distance, documents));
                    }
                }
            }

            var kept = new List<string>(MaxAlternatives);
            foreach (var candidate in candidates
                         .OrderBy(c => c.Distance).ThenByDescending(c => c.Documents).ThenBy(c => c.Form, StringComparer.Ordinal)
                         .DistinctBy(c => c.Form)
                         .Take(MaxTeamChecks))
            {
                if (await FindsAnything(candidate.Form))
                {
                    kept.Add(candidate.Form);
                    if (kept.Count == MaxAlternatives)
                    {
                        break;
                    }
                }
            }

            if (kept.Count > 0)
            {
                result[word] = kept;
            }
        }

        return result;
    }

    /// <summary>The form of <paramref name="stem"/> (the stem itself or stem + an ending) closest to <paramref name="word"/>, if within <paramref name="maxDistance"/>.</summary>
    internal static (string Form, int Distance)? Closest(string word, string stem, int maxDistance)
    {
        (string Form, int Distance)? best = null;
        foreach (var form in Forms(stem))
        {
            if (Math.Abs(form.Length - word.Length) > maxDistance)
            {
                continue;
            }

            var distance = Distance(word, form, maxDistance);
            if (distance <= maxDistance && (best is null || distance < best.Value.Distance))
            {
                best = (form, distance);
            }
        }

        return best;
    }

    private static IEnumerable<string> Forms(string stem)
    {
        foreach (var ending in Endings)
        {
            yield return stem + ending;
        }

        // porter turns a final y into i ("policy" -> "polici")
        if (stem.Length > 2 && stem[^1] == 'i')
        {
            yield return stem[..^1] + "y";
            yield return stem[..^1] + "ies";
        }
    }

    /// <summary>
    /// Optimal-string-alignment Damerau-Levenshtein distance (insertions, deletions, substitutions, transpositions of neighbours),
    /// or <paramref name="max"/> + 1 as soon as it must exceed <paramref name="max"/>.
    /// </summary>
    internal static int Distance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }

        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            (previous2, previous, current) = (previous, current, previous2);
        }

        return Math.Min(previous[b.Length], max + 1);
    }

    /// <summary>Whether the word (as the search uses it: stemmed, a prefix from 4 letters) matches any document of the team.</summary>
    private static async Task<bool> FindsAnythingAsync(SqliteConnection connection, string teamId, string word, CancellationToken cancellationToken) =>
        await connection.ScalarAsync("SELECT 1 FROM search_fts WHERE search_fts MATCH $match LIMIT 1", null, cancellationToken,
            ("$match", SqliteSearchIndex.MatchExpression(teamId, [word], "AND"))) is not null;
}
