using System.Text.RegularExpressions;

namespace LearningBot.Core.Commands;

/// <summary>The pieces every feature's grammar shares: words, mentions, tags, friendly failures.</summary>
public static partial class Grammar
{
    /// <summary>Splits off the first whitespace-separated word; the remainder is trimmed.</summary>
    public static (string First, string Remainder) SplitFirstWord(string text)
    {
        var end = 0;
        while (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        return (text[..end], text[end..].Trim());
    }

    public static bool ContainsWordCharacter(string text) => text.Any(char.IsLetterOrDigit);

    /// <summary>
    /// Whether <paramref name="text"/> says something in words: a letter or digit outside user mentions (<c>&lt;@U123&gt;</c>) and
    /// emoji shortcodes (<c>:tada:</c>, <c>:+1::skin-tone-2:</c>). Slack sends emoji in message and slash-command text as
    /// shortcodes (https://api.slack.com/reference/surfaces/formatting#emoji), Teams as the characters themselves (never letters),
    /// so without this ":tada: :rocket:" from Slack would count as words where "🎉🚀" from Teams does not.
    /// </summary>
    public static bool HasWords(string text) => ContainsWordCharacter(WithoutMarkup(text));

    /// <summary><paramref name="text"/> with user mentions and emoji shortcodes replaced by a space (see <see cref="HasWords"/>).</summary>
    public static string WithoutMarkup(string text) =>
        text.Contains('<', StringComparison.Ordinal) || text.Contains(':', StringComparison.Ordinal)
            ? EmojiShortcodeRegex().Replace(MentionRegex().Replace(text, " "), " ")
            : text;

    /// <summary>Cuts <paramref name="text"/> to <paramref name="max"/> characters with an ellipsis, for echoing input in errors.</summary>
    public static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    public static ParseFailure Fail(string problem, CommandUsage usage) => new(problem, usage.Usage, usage.Example);

    /// <summary>Up to ten distinct tags (<c>#word</c>, lower case) anywhere in the text.</summary>
    public static List<string> ExtractTags(string text) =>
        TagRegex().Matches(text).Select(m => m.Groups["tag"].Value.ToLowerInvariant()).Distinct().Take(10).ToList();

    /// <summary>A normalised mention; the optional <c>|name</c> part is what Slack sends.</summary>
    [GeneratedRegex(@"<@(?<id>[^<>|\s]+)(?:\|[^<>]*)?>")]
    public static partial Regex MentionRegex();

    /// <summary>
    /// A Slack emoji shortcode: lower-case letters, digits, <c>_ - + '</c> between colons, optionally with a skin tone, not glued to
    /// a word or number before it (so <c>10:30:45</c> and <c>a::b</c> are left alone).
    /// </summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}:]):[a-z0-9_+'\-]{1,100}:(?::skin-tone-[2-6]:)?")]
    private static partial Regex EmojiShortcodeRegex();

    [GeneratedRegex(@"#(?<tag>[\p{L}\p{N}_\-]{1,40})(?![\p{L}\p{N}_\-])")]
    private static partial Regex TagRegex();

    /// <summary>A tag at the very end of the text.</summary>
    [GeneratedRegex(@"(?:^|\s)#(?<tag>[\p{L}\p{N}_\-]{1,40})$")]
    public static partial Regex TrailingTagRegex();

    /// <summary>Restricted Damerau–Levenshtein distance (an adjacent swap counts as one edit), for "did you mean".</summary>
    public static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>
    /// The closest of <paramref name="candidates"/> to a mistyped <paramref name="word"/>: at most one edit for words of up
    /// to four letters, two for longer ones; null when nothing is that close.
    /// </summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        if (word.Length is < 2 or > 40)
        {
            return null;
        }

        var lower = word.ToLowerInvariant();
        var allowed = lower.Length <= 4 ? 1 : 2;
        return candidates
            .Select(c => (Candidate: c, Distance: EditDistance(lower, c)))
            .Where(x => x.Distance <= allowed)
            .OrderBy(x => x.Distance)
            .Select(x => x.Candidate)
            .FirstOrDefault();
    }
}
