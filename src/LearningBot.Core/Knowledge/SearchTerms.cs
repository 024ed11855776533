using System.Text.RegularExpressions;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// The meaningful words of a question, lower-cased and lightly stemmed. Used to tell whether two
/// questions are the same question and whether a hit really answers one; the stores do their own
/// (stronger) stemming for ranking.
/// </summary>
public static partial class SearchTerms
{
    private static readonly HashSet<string> StopWords =
    [
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "in", "is", "it",
        "me", "my", "of", "on", "or", "our", "should", "so", "that", "the", "this", "to", "we", "what", "when", "where",
        "which", "who", "why", "with", "you", "your", "anyone", "know", "there", "any", "get", "use", "way",
    ];

    public static IReadOnlySet<string> Of(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match word in WordRegex().Matches(Commands.Grammar.WithoutMarkup(text).ToLowerInvariant()))
        {
            if (word.Value.Length > 1 && !StopWords.Contains(word.Value))
            {
                terms.Add(Stem(word.Value));
            }
        }

        return terms;
    }

    /// <summary>
    /// The content words of a search, unstemmed and in order (stores stem them their own way); all words if every one is a stop word.
    /// Mentions and emoji shortcodes are not words (<see cref="Commands.Grammar.WithoutMarkup"/>): a user id or "tada" matches nothing meant.
    /// </summary>
    public static IReadOnlyList<string> Words(string text, int max = 12)
    {
        var words = WordRegex().Matches(Commands.Grammar.WithoutMarkup(text).ToLowerInvariant()).Select(m => m.Value).Distinct().ToList();
        var content = words.Where(w => !StopWords.Contains(w)).ToList();
        return (content.Count > 0 ? content : words).Take(max).ToList();
    }

    /// <summary>
    /// Whether the text has a word that says what it is about: any word that is not a stop word ("how", "the", "what is it"), in
    /// any script (a German or Japanese word counts), mentions and emoji shortcodes left out. A question or topic without one
    /// matches everything a little and nothing in particular: every document holds "the", and its vector sits near all of them.
    /// </summary>
    public static bool HasContentWord(string text) =>
        WordRegex().Matches(Commands.Grammar.WithoutMarkup(text).ToLowerInvariant()).Any(m => !StopWords.Contains(m.Value));

    /// <summary>Jaccard similarity of two term sets: 1 for the same words, 0 for nothing in common.</summary>
    public static double Similarity(IReadOnlySet<string> a, IReadOnlySet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var shared = a.Count(b.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }

    /// <summary>Share of the question's terms that the text contains (0..1).</summary>
    public static double Coverage(IReadOnlySet<string> questionTerms, string text)
    {
        if (questionTerms.Count == 0)
        {
            return 0;
        }

        var textTerms = Of(text);
        return (double)questionTerms.Count(textTerms.Contains) / questionTerms.Count;
    }

    private static string Stem(string word)
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

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordRegex();
}
