using System.Text;

namespace LearningBot.Core.Commands;

/// <summary>
/// Undoes what keyboards, phones and chat clients do to typed text before the grammar reads it, in one place for
/// every platform: macOS/iOS "smart punctuation" turns <c>--</c> into an em dash and quotes into curly quotes,
/// some keyboards type no-break or ideographic spaces, and East Asian input methods type full-width Latin letters
/// (<c>ｋｕｄｏｓ</c>). Control characters become spaces.
/// </summary>
/// <remarks>
/// Only the shapes that change what a command means are folded: a dash run is turned into <c>--</c> only at the start of a
/// word and before a letter (<c>—private</c>), so a dash inside a sentence ("fast — really") is kept as typed.
/// </remarks>
public static class CommandInput
{
    /// <summary>Returns <paramref name="text"/> with spaces, dashes before options, quotes and full-width forms folded to ASCII.</summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (!NeedsWork(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\n' or '\t')
            {
                builder.Append(c);
            }
            else if (char.IsControl(c) || IsSpace(c))
            {
                builder.Append(' ');
            }
            else if (IsInvisible(c))
            {
                // zero-width space, word joiner, byte-order mark: invisible, and they split words the reader sees as one
            }
            else if (c is >= '\uFF01' and <= '\uFF5E')
            {
                builder.Append((char)(c - 0xFEE0)); // full-width ASCII block → ASCII
            }
            else if (IsDash(c) && AtWordStart(text, i))
            {
                var end = i;
                while (end < text.Length && (IsDash(text[end]) || text[end] == '-'))
                {
                    end++;
                }

                if (end < text.Length && char.IsLetter(text[end]) && end - i <= 2)
                {
                    builder.Append("--"); // "—private", "–private", "−−private" as typed for "--private"
                    i = end - 1;
                }
                else
                {
                    builder.Append(c);
                }
            }
            else
            {
                builder.Append(c switch
                {
                    '\u201C' or '\u201D' or '\u201E' or '\u201F' or '\u2033' or '\u00AB' or '\u00BB' => '"',
                    '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u2032' => '\'',
                    _ => c,
                });
            }
        }

        return builder.ToString();
    }

    private static bool NeedsWork(string text)
    {
        foreach (var c in text)
        {
            if (c > '\u007E' || (char.IsControl(c) && c is not '\n' and not '\t'))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AtWordStart(string text, int index) => index == 0 || char.IsWhiteSpace(text[index - 1]) || IsSpace(text[index - 1]);

    /// <summary>Dashes other than ASCII hyphen-minus: figure, en, em, horizontal bar, minus sign, small/full-width hyphen-minus.</summary>
    private static bool IsDash(char c) => c is '\u2012' or '\u2013' or '\u2014' or '\u2015' or '\u2212' or '\uFE63' or '\u2010' or '\u2011';

    private static bool IsSpace(char c) => c is '\u00A0' or '\u2007' or '\u202F' or '\u3000' or '\u1680' or '\u205F'
        || c is >= '\u2000' and <= '\u200A' || c is '\u2028' or '\u2029';

    private static bool IsInvisible(char c) => c is '\u200B' or '\u2060' or '\uFEFF';
}
