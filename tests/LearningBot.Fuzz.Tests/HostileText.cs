using FsCheck;
using FsCheck.Fluent;

namespace LearningBot.Fuzz.Tests;

/// <summary>
/// Generators for text an attacker (or an unlucky paste) sends: command words mixed with FTS5 query syntax,
/// markup of every platform, control characters, right-to-left and emoji text, lone surrogates and random Unicode.
/// </summary>
public static class HostileText
{
    /// <summary>Fragments with a meaning somewhere in the stack: grammar, FTS5, mrkdwn, markdown, HTML, Unicode.</summary>
    public static readonly string[] Fragments =
    [
        // grammar
        "learned", "learnt", "til", "kudos", "thanks", "share", "ask", "who", "knows", "helped", "prompt", "set", "settings",
        "digest", "help", "list", "me", "team", "week", "month", "all", "top", "budget", "leaderboard", "timezone", "nudge",
        "on", "off", "insights", "export", "forget", "--private", "::", "#", "#tag", "#", "30m", "2h", "0m", "25h", "1.5h",
        "mon,thu", "mon-fri", "weekdays", "09:30", "25:99", "Europe/Berlin", "Mars/Olympus", "-1", "0", "99999999999999999999",
        "<@U123>", "<@UANN>", "<@", "<@>", "@bo", "@", "\"a question\"", "\"",
        // FTS5 query syntax
        "\"", "*", "NEAR", "NEAR(", "NEAR(a b, 2)", "-", "^", "(", ")", "OR", "AND", "NOT", "title:", "text:", "team_id:",
        "{title text}:", "+", "a*", "\"unbalanced", "((((", "))))", ":", "'", "''", "\\", ";", "--", "/*", "%", "_",
        // markup
        "<!channel>", "<!here>", "<!everyone>", "<@U123|x>", "<http://evil|click>", "*bold*", "_it_", "~s~", "`code`", "```",
        "[x](http://evil)", "![i](http://evil/i.png)", "<at>x</at>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "&amp;", "&lt;", "**", "# heading", "- item", "1. item", "> quote", "|", "=cmd|' /C calc'!A0",
        // control, whitespace, bidi, emoji, odd Unicode
        "\0", "\u0001", "\u0007", "\u001b[31m", "\r\n", "\r", "\n", "\t", "\u0085", "\u2028", "\u00a0", "\u200b", "\ufeff",
        "\u202e", "\u200f", "\u2066", "שלום", "مرحبا بالعالم", "😀", "👩‍💻", "🏳️‍🌈", "\ud83d", "\ude00", "Ǆ", "ß", "İ", "ﬁ",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "e\u0301", "\uffff", " ", "  ",
    ];

    private static readonly Gen<string> Fragment = Gen.Elements(Fragments);

    private static readonly Gen<string> AnyUnicode = ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty);

    private static readonly Gen<string> Word = Gen.Elements("rust", "postgres", "review", "kubernetes", "deploy", "keys", "how", "the");

    /// <summary>One piece: mostly fragments with meaning, some plain words, some random Unicode.</summary>
    private static readonly Gen<string> Piece = Gen.Frequency((6, Fragment), (3, Word), (2, AnyUnicode));

    /// <summary>Up to about 12 pieces joined by spaces or nothing.</summary>
    public static readonly Gen<string> Text =
        from count in Gen.Choose(0, 12)
        from pieces in Gen.ArrayOf(Piece, count)
        from glue in Gen.Elements(" ", "", "  ")
        select string.Join(glue, pieces);

    /// <summary>Text that starts with a command word, so the parser goes past the keyword switch most of the time.</summary>
    public static readonly Gen<string> Command =
        from keyword in Gen.Elements("learned", "kudos", "share", "ask", "who knows", "helped", "prompt", "prompt set", "settings",
            "digest", "nudge", "insights", "export", "forget", "learned list", "kudos top", "me", "help", "")
        from rest in Text
        select keyword + " " + rest;

    /// <summary>Names and reasons a person could choose to break a renderer.</summary>
    public static readonly Gen<string> Name =
        Gen.Frequency((5, Gen.Elements("<!channel>", "<@U123>", "*bold*", "[x](http://evil)", "<at>x</at>", "<script>x</script>",
            "_x_", "~x~", "`x`", "# h", "- li", "a|b>c", "&lt;", "\\*", "<http://evil|x>", "<!subteam^S1>", "\u202eevil")), (3, Text));

    public static Arbitrary<string> TextArb() => Text.ToArbitrary();

    public static Arbitrary<string> CommandArb() => Command.ToArbitrary();

    public static Arbitrary<string> NameArb() => Name.ToArbitrary();

    /// <summary>A fixed-seed sample for async tests, where FsCheck's runner cannot await.</summary>
    public static IReadOnlyList<string> Sample(Gen<string> gen, int count, int seed)
    {
        return gen.Sample(30, new Rnd((ulong)seed, 0x9E3779B97F4A7C15UL), count).ToList();
    }
}
