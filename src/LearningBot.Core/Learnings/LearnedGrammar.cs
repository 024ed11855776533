using LearningBot.Core.Commands;
using LearningBot.Core.Time;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Learnings;

/// <summary>
/// <c>learned [--private] &lt;text&gt; [#tag …] [30m|2h]</c> and <c>learned [list] [me|@person|team] [week|month|all]</c>.
/// Tags and a duration are read from the end, so "#rust" or "2h" inside a sentence stays in it.
/// </summary>
public sealed class LearnedGrammar : ICommandGrammar
{
    public const int MaxMinutes = 24 * 60;
    private const string PrivateOption = "--private";

    public static readonly CommandUsage Usage = new("learned",
        "learned [--private] <what you learned> [#tag …] [30m|2h]",
        "learned how to read EXPLAIN plans #postgres 30m",
        "Log something you learned, with optional tags and time spent.");

    public static readonly CommandUsage ListUsage = new("learned list",
        "learned list [me|@person|team] [week|month|all]",
        "learned list team week",
        "See recent learnings, newest first.");

    public static readonly CommandUsage UndoUsage = new("learned undo",
        "learned undo",
        "learned undo",
        "Take back your last learning (within a day).");

    public static readonly CommandUsage EditUsage = new("learned edit",
        "learned edit <id> <new text> [#tag …] [30m|2h] | learned delete <id>",
        "learned edit 0193f0c2a1b47c3d9e8f00112233aabb how to read EXPLAIN ANALYZE plans #postgres",
        "Change or delete one of your learnings (the id is on its confirmation).");

    public IReadOnlyList<string> Keywords { get; } = ["learned", "learnt", "til"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [Usage, ListUsage, UndoUsage, EditUsage];

    public IReadOnlyList<string> Options { get; } = [PrivateOption];

    public ParseResult Parse(string keyword, string arguments)
    {
        if (arguments.Length == 0)
        {
            return new Parsed(new ListLearningsCommand(LearningScope.Me, null, Period.All));
        }

        var (first, afterFirst) = SplitFirstWord(arguments);
        if (first.Equals("list", StringComparison.OrdinalIgnoreCase) && TryParseList(afterFirst, out var list))
        {
            return new Parsed(list);
        }

        if (first.Equals("undo", StringComparison.OrdinalIgnoreCase) && afterFirst.Length == 0)
        {
            return new Parsed(new UndoLearningCommand());
        }

        // "learned edit <id> …" / "learned delete <id>" only with an id: "learned edit distance is …" stays a learning.
        var (second, afterSecond) = SplitFirstWord(afterFirst);
        if (first.Equals("delete", StringComparison.OrdinalIgnoreCase) && LearningEdits.IsId(second) && afterSecond.Length == 0)
        {
            return new Parsed(new DeleteLearningCommand(second.ToLowerInvariant()));
        }

        if (first.Equals("edit", StringComparison.OrdinalIgnoreCase) && LearningEdits.IsId(second))
        {
            if (afterSecond.Length == 0)
            {
                return Fail("What should it say now? Put the new text after the id.", EditUsage);
            }

            return ParseLearning(afterSecond) switch
            {
                Parsed { Command: LogLearningCommand changed } => new Parsed(new EditLearningCommand(second.ToLowerInvariant(), changed)),
                ParseFailure failure => failure with { Usage = EditUsage.Usage, Example = EditUsage.Example },
                var other => other,
            };
        }

        return ParseLearning(arguments);
    }

    /// <summary>Reads <c>[--private] &lt;text&gt; [#tag …] [30m|2h]</c>: the body of <c>learned</c> and of <c>learned edit &lt;id&gt;</c>.</summary>
    private static ParseResult ParseLearning(string arguments)
    {
        var (first, afterFirst) = SplitFirstWord(arguments);
        var isPrivate = false;
        var rest = arguments;
        if (first.Equals(PrivateOption, StringComparison.OrdinalIgnoreCase))
        {
            (isPrivate, rest) = (true, afterFirst);
        }

        var text = rest;
        int? minutes = null;
        while (true)
        {
            if (TrailingTagRegex().Match(text) is { Success: true } tag)
            {
                text = text[..tag.Index].TrimEnd();
            }
            else if (!isPrivate && TrailingOptionIndex(text) is { } optionAt)
            {
                // "learned how to … --private": people put options last too, and a private entry must never go public.
                isPrivate = true;
                text = text[..optionAt].TrimEnd();
            }
            else if (minutes is null && TimeGrammar.TrailingDuration(text) is { } duration)
            {
                if (duration.Minutes is < 1 or > MaxMinutes)
                {
                    return Fail($"Time spent \"{text[duration.Index..].Trim()}\" should be between 1m and 24h.", Usage);
                }

                minutes = duration.Minutes;
                text = text[..duration.Index].TrimEnd();
            }
            else
            {
                break;
            }
        }

        if (!HasWords(text))
        {
            return Fail("Tell me what you learned in a few words, not only tags, emoji or mentions.", Usage);
        }

        return new Parsed(new LogLearningCommand(text, ExtractTags(rest), minutes) { IsPrivate = isPrivate });
    }

    private static int? TrailingOptionIndex(string text) =>
        text.EndsWith(PrivateOption, StringComparison.OrdinalIgnoreCase)
        && (text.Length == PrivateOption.Length || char.IsWhiteSpace(text[^(PrivateOption.Length + 1)]))
            ? text.Length - PrivateOption.Length
            : null;

    private static bool TryParseList(string arguments, out ListLearningsCommand command)
    {
        LearningScope? scope = null;
        string? personId = null;
        Period? period = null;
        foreach (var word in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var mention = MentionRegex().Match(word);
            if (scope is null && mention.Success && mention.Length == word.Length)
            {
                (scope, personId) = (LearningScope.Person, mention.Groups["id"].Value);
            }
            else if (scope is null && word.Equals("me", StringComparison.OrdinalIgnoreCase))
            {
                scope = LearningScope.Me;
            }
            else if (scope is null && word.Equals("team", StringComparison.OrdinalIgnoreCase))
            {
                scope = LearningScope.Team;
            }
            else if (period is null && TimeGrammar.TryParsePeriod(word, out var p))
            {
                period = p;
            }
            else
            {
                // Not list syntax: "learned list comprehensions in Python" is a learning.
                command = null!;
                return false;
            }
        }

        var resolvedScope = scope ?? LearningScope.Me;
        command = new ListLearningsCommand(resolvedScope, personId,
            period ?? (resolvedScope == LearningScope.Team ? Period.Week : Period.All));
        return true;
    }
}
