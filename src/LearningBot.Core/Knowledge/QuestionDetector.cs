using System.Text.RegularExpressions;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// Whether a channel message reads as a question, so an answer may be offered (<see cref="ChannelAnswers"/>): it ends with
/// "?", or it opens like a question: a question word not followed by an exclamation ("how do I …", "who grants …", not
/// "what a day"), an auxiliary followed by its subject ("can I …", "does anyone …", not "can confirm"), or "anyone know …".
/// Needs at least three words; mentions, links and code are ignored. A false positive costs nothing visible: answers are
/// offered only when one matches with high confidence.
/// </summary>
public static partial class QuestionDetector
{
    private static readonly HashSet<string> QuestionWords = ["how", "what", "what's", "whats", "where", "where's", "who", "who's", "why", "when", "which"];

    private static readonly HashSet<string> Auxiliaries =
        ["can", "could", "does", "do", "did", "is", "are", "was", "should", "would", "will", "has", "have", "may", "must", "shall"];

    private static readonly HashSet<string> Subjects =
    [
        "i", "we", "you", "they", "he", "she", "it", "this", "that", "these", "those", "there", "anyone", "anybody", "someone",
        "somebody", "everyone", "the", "a", "an", "my", "our", "your", "their", "any", "some", "one",
    ];

    // "what a mess", "how cool is that", "how nice": exclamations that open with a question word.
    private static readonly HashSet<string> Exclamative =
        ["a", "an", "cool", "great", "nice", "lovely", "awesome", "amazing", "fun", "weird", "strange", "funny", "sad", "good", "bad", "kind"];

    private static readonly HashSet<string> Askers = ["anyone", "anybody", "someone", "somebody", "any"];

    public static bool IsQuestion(string text)
    {
        var plain = NoiseRegex().Replace(text, " ").Trim();
        var words = WordRegex().Matches(plain.ToLowerInvariant()).Select(m => m.Value.Replace('\u2019', '\'')).ToList();
        if (words.Count < 3)
        {
            return false;
        }

        if (plain.TrimEnd().EndsWith('?') || plain.TrimEnd().EndsWith('？'))
        {
            return true;
        }

        if (plain.TrimEnd().EndsWith('!'))
        {
            return false;
        }

        var (first, second) = (words[0], words[1]);
        return (QuestionWords.Contains(first) && !Exclamative.Contains(second))
               || (Auxiliaries.Contains(first) && Subjects.Contains(second))
               || (Askers.Contains(first) && second is "know" or "knows" or "idea" or "ideas" or "have" or "seen" or "tried");
    }

    // Slack mentions and links (<@U1>, <https://…|label>), Teams-normalised mentions, inline and block code.
    [GeneratedRegex(@"<[^>]*>|```[\s\S]*?```|`[^`]*`")]
    private static partial Regex NoiseRegex();

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’][\p{L}]+)?")]
    private static partial Regex WordRegex();
}
