using LearningBot.Core.Commands;
using LearningBot.Core.Time;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Nudges;

/// <summary><c>nudge on [&lt;day&gt; &lt;time&gt;]</c> / <c>nudge off</c>: the weekly "what did you learn?" DM.</summary>
public sealed class NudgeGrammar : ICommandGrammar
{
    public static readonly CommandUsage Usage = new("nudge",
        "nudge on [<day> <HH:mm>] | nudge off",
        "nudge on fri 15:00",
        "A weekly DM asking what you learned; your reply is logged.");

    public IReadOnlyList<string> Keywords { get; } = ["nudge", "nudges"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [Usage];

    public ParseResult Parse(string keyword, string arguments)
    {
        var (verb, rest) = SplitFirstWord(arguments);
        if (verb.Equals("off", StringComparison.OrdinalIgnoreCase) && rest.Length == 0)
        {
            return new Parsed(new NudgeCommand(false, null, null));
        }

        if (!verb.Equals("on", StringComparison.OrdinalIgnoreCase))
        {
            return Fail("Say \"nudge on\" or \"nudge off\".", Usage);
        }

        if (rest.Length == 0)
        {
            return new Parsed(new NudgeCommand(true, null, null));
        }

        // "fri 4pm", "Friday at 4 pm", "fri 16:00"
        var words = TimeGrammar.JoinMeridiem(rest).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !w.Equals("at", StringComparison.OrdinalIgnoreCase)).ToArray();
        if (words.Length != 2 || !TimeGrammar.TryParseDays(words[0], out var days) || days.Count != 1)
        {
            return Fail("Give one day and a time, e.g. fri 15:00 or fri 3pm.", Usage);
        }

        return TimeGrammar.TryParseTime(words[1], out var at)
            ? new Parsed(new NudgeCommand(true, days[0], at))
            : Fail($"\"{Shorten(words[1], 20)}\" isn't a time: use 15:00 or 3pm.", Usage);
    }
}
