using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using LearningBot.Core.Time;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Prompts;

/// <summary>
/// <c>prompt set &lt;days&gt; &lt;time&gt; [Area/City] ["question"]</c> and <c>prompt show|pause|resume|skip next|now|off</c>:
/// the channel's standing-meeting prompt.
/// </summary>
public sealed partial class PromptGrammar : ICommandGrammar
{
    public static readonly CommandUsage Usage = new("prompt",
        "prompt set <days> <HH:mm> [Area/City] [\"question\"] | prompt show|pause|resume|skip next|now|off | prompt remind on|off",
        "prompt set mon,thu 09:30 Europe/Berlin",
        "Post the standing-meeting question in this channel and collect the answers.");

    private static readonly string[] Verbs = ["show", "pause", "resume", "now", "off", "skip", "set", "remind"];

    public IReadOnlyList<string> Keywords { get; } = ["prompt"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [Usage];

    public ParseResult Parse(string keyword, string arguments)
    {
        var (verb, rest) = SplitFirstWord(arguments);
        switch (verb.ToLowerInvariant())
        {
            case "show" or "": return new Parsed(new PromptActionCommand(PromptAction.Show));
            case "pause": return new Parsed(new PromptActionCommand(PromptAction.Pause));
            case "resume": return new Parsed(new PromptActionCommand(PromptAction.Resume));
            case "now": return new Parsed(new PromptActionCommand(PromptAction.Now));
            case "off": return new Parsed(new PromptActionCommand(PromptAction.Off));
            case "skip" when rest.Length == 0 || rest.Equals("next", StringComparison.OrdinalIgnoreCase):
                return new Parsed(new PromptActionCommand(PromptAction.SkipNext));
            case "set": return ParseSet(rest);
            case "remind":
                return rest.ToLowerInvariant() switch
                {
                    "on" => new Parsed(new PromptActionCommand(PromptAction.RemindOn)),
                    "off" => new Parsed(new PromptActionCommand(PromptAction.RemindOff)),
                    _ => Fail("Say \"prompt remind on\" or \"prompt remind off\".", Usage),
                };
            default:
                var suggestion = Closest(verb, Verbs);
                return Fail($"\"prompt {Shorten(verb, 20)}\" isn't something I can do." + (suggestion is null ? "" : $" Did you mean \"prompt {suggestion}\"?"), Usage);
        }
    }

    private static ParseResult ParseSet(string arguments)
    {
        var question = QuotedRegex().Match(arguments);
        var settings = question.Success ? arguments[..question.Index] + arguments[(question.Index + question.Length)..] : arguments;
        var words = TimeGrammar.JoinMeridiem(settings).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !w.Equals("at", StringComparison.OrdinalIgnoreCase)).ToArray();
        if (words.Length is < 2 or > 3)
        {
            return Fail("Tell me the days and the time, e.g. mon,thu 09:30.", Usage);
        }

        if (!TimeGrammar.TryParseDays(words[0], out var days))
        {
            return Fail($"\"{Shorten(words[0], 30)}\" isn't a list of days: use mon,tue,…, mon-fri, weekdays or daily.", Usage);
        }

        if (!TimeGrammar.TryParseTime(words[1], out var at))
        {
            return Fail($"\"{Shorten(words[1], 20)}\" isn't a time: use 09:30 or 9:30am.", Usage);
        }

        if (words.Length == 3 && !TeamClock.TryFindTimeZone(words[2], out _))
        {
            return Fail($"I don't know the time zone \"{Shorten(words[2], 60)}\"; use an IANA name like Europe/Berlin.", Usage);
        }

        var text = question.Success ? question.Groups["text"].Value.Trim() : null;
        if (question.Success && !ContainsWordCharacter(text!))
        {
            return Fail("The question in quotes is empty.", Usage);
        }

        return new Parsed(new SetPromptCommand(days, at, words.Length == 3 ? words[2] : null, text));
    }

    /// <summary>A question in straight quotes (curly ones are folded to straight by <see cref="CommandInput"/>).</summary>
    [GeneratedRegex("\"(?<text>[^\"]*)\"")]
    private static partial Regex QuotedRegex();
}
