using System.Text.RegularExpressions;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Commands;

/// <summary>
/// Finds the command word and hands the rest to the feature's <see cref="ICommandGrammar"/>. Adapters hand it text with
/// mentions already normalised to <c>&lt;@USERID&gt;</c>; it first folds what keyboards change (<see cref="CommandInput"/>),
/// refuses options the command does not know, and answers an unknown word with the closest command. It never touches
/// storage, so it can be tested (and fuzzed) on its own.
/// </summary>
public sealed partial class CommandParser
{
    public const int MaxTextLength = 4000;

    /// <summary>Words that make a Slack DM a command even when the rest is wrong (so the person sees the error).</summary>
    private static readonly HashSet<string> StrongKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "learned", "learnt", "til", "kudos", "thanks", "share", "ask", "digest", "settings", "help", "?", "nudge", "nudges",
    };

    private static readonly Dictionary<string, ICommandGrammar> ByKeyword = CommandCatalog.Grammars
        .SelectMany(g => g.Keywords.Select(k => (Keyword: k, Grammar: g)))
        .ToDictionary(x => x.Keyword, x => x.Grammar, StringComparer.OrdinalIgnoreCase);

    /// <summary>Command words a person types (not the buttons' hidden <c>show</c>/<c>helped</c>), for "did you mean".</summary>
    private static readonly string[] Suggestable = ByKeyword.Keys.Where(k => k is not ("show" or "helped" or "notit" or "?")).ToArray();

    /// <summary>
    /// True when the text is a command: it parses, or it starts with a word such as <c>learned</c> or <c>kudos</c> whose
    /// error the person should see. Adapters use it where free text has its own meaning, e.g. a DM to the bot that is
    /// not a command is a learning ("me and Bo fixed the build" is a learning, "nudge off" is a command).
    /// </summary>
    public static bool StartsWithCommand(string? text)
    {
        var normalised = CommandInput.Normalize(text).Trim();
        var (first, _) = SplitFirstWord(normalised);
        return ByKeyword.ContainsKey(first) && (StrongKeywords.Contains(first) || new CommandParser().Parse(normalised) is Parsed);
    }

    public ParseResult Parse(string? text)
    {
        var trimmed = CommandInput.Normalize(text).Trim();
        if (trimmed.Length == 0)
        {
            return Fail("That message was empty.", Help.HelpGrammar.Usage);
        }

        var (keyword, rest) = SplitFirstWord(trimmed);
        ByKeyword.TryGetValue(keyword, out var grammar);
        if ((grammar is null ? trimmed : rest).Length > MaxTextLength && TooLong(keyword, trimmed, grammar) is { } tooLong)
        {
            return tooLong;
        }

        if (grammar is null)
        {
            return UnknownCommand(keyword);
        }

        var lower = keyword.ToLowerInvariant();
        var (firstArgument, _) = SplitFirstWord(rest);
        if (IsUnknownOption(firstArgument, grammar))
        {
            return UnknownOption(lower, firstArgument, grammar);
        }

        return grammar.Parse(lower, rest);
    }

    private static ParseFailure UnknownCommand(string keyword)
    {
        var suggestion = Closest(keyword, Suggestable);
        if (suggestion is null)
        {
            return new ParseFailure($"I don't know the command \"{Shorten(keyword, 40)}\" yet.", "help", "help");
        }

        var usage = UsageOf(suggestion, ByKeyword[suggestion]);
        return new ParseFailure($"I don't know the command \"{Shorten(keyword, 40)}\". Did you mean \"{suggestion}\"?", usage.Usage, usage.Example);
    }

    /// <summary>
    /// The limit is on what the person wrote after the command's name ("ask " or "who knows " + a 4,000-character question fits),
    /// and the refusal shows the form of the command they typed; text that is no command is a learning (a Slack DM): learned's form.
    /// </summary>
    private static ParseFailure? TooLong(string keyword, string trimmed, ICommandGrammar? grammar)
    {
        var usage = grammar is null ? Learnings.LearnedGrammar.Usage : UsageOf(keyword, grammar);
        var written = grammar is null ? trimmed
            : trimmed.Length > usage.Name.Length && trimmed.StartsWith(usage.Name, StringComparison.OrdinalIgnoreCase)
                                                  && char.IsWhiteSpace(trimmed[usage.Name.Length])
                ? trimmed[usage.Name.Length..].Trim()
                : SplitFirstWord(trimmed).Remainder;
        return written.Length <= MaxTextLength
            ? null
            : new ParseFailure($"That's {written.Length:N0} characters; I can take up to {MaxTextLength:N0}. Could you shorten it?",
                usage.Usage, usage.Example);
    }

    /// <summary>The usage of the command <paramref name="keyword"/> starts (<c>who</c>: "who knows"), else the grammar's first.</summary>
    private static CommandUsage UsageOf(string keyword, ICommandGrammar grammar) =>
        grammar.Usages.FirstOrDefault(u => u.Name.StartsWith(keyword, StringComparison.OrdinalIgnoreCase)) ?? grammar.Usages[0];

    private static bool IsUnknownOption(string word, ICommandGrammar grammar)
    {
        if (!OptionRegex().IsMatch(word) || grammar.Options.Contains(word, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        // "--anything" is always meant as an option; "-private" only when it is close to one this command has.
        return word.StartsWith("--", StringComparison.Ordinal)
            || ClosestOption(word, grammar) is not null;
    }

    /// <summary>The option a mistyped one was meant to be: a few letters off ("--privte") or cut short ("--priv").</summary>
    private static string? ClosestOption(string word, ICommandGrammar grammar)
    {
        var typed = word.TrimStart('-');
        var names = grammar.Options.Select(o => o.TrimStart('-')).ToList();
        return Closest(typed, names)
            ?? (typed.Length >= 3 ? names.FirstOrDefault(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase)) : null);
    }

    /// <summary>A mistyped option ("--privte") must never be stored and shown as text, least of all publicly.</summary>
    private static ParseFailure UnknownOption(string keyword, string option, ICommandGrammar grammar)
    {
        var usage = grammar.Usages[0];
        var suggestion = ClosestOption(option, grammar);
        var problem = suggestion is null
            ? $"\"{keyword}\" has no option \"{Shorten(option, 30)}\", so I didn't save anything. If it is part of your text, start with a word: {keyword} that {Shorten(option, 30)} …"
            : $"\"{Shorten(option, 30)}\" isn't an option; did you mean \"--{suggestion}\"? I didn't save anything.";
        return new ParseFailure(problem, usage.Usage, usage.Example);
    }

    /// <summary>
    /// Shaped like an option: <c>--word</c>, or one dash and a word (<c>-private</c>).
    /// </summary>
    [GeneratedRegex(@"^--?\p{L}[\p{L}\p{N}-]*$")]
    private static partial Regex OptionRegex();
}
