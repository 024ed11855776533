using System.Globalization;
using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Away;

/// <summary><c>away until 2026-12-24</c> (the last day away): no nudges meanwhile, and not counted in participation.</summary>
public sealed record AwayCommand(DateOnly? LastDay, int? Days) : BotCommand;

/// <summary><c>back</c>: ends the away time now.</summary>
public sealed record BackCommand : BotCommand;

/// <summary>
/// <c>away until &lt;YYYY-MM-DD&gt;</c>, <c>away for &lt;n&gt; days|weeks</c> and <c>back</c>. Whether the date is in the past
/// or too far ahead depends on "now", so <see cref="AwayHandler"/> checks it.
/// </summary>
public sealed partial class AwayGrammar : ICommandGrammar
{
    public static readonly CommandUsage Usage = new("away",
        "away until <YYYY-MM-DD> | away for <n> days|weeks",
        "away until 2026-12-24",
        "Time off: no nudges, and you don't count in participation until you're back.");

    public static readonly CommandUsage BackUsage = new("back",
        "back",
        "back",
        "End your time away early.");

    public IReadOnlyList<string> Keywords { get; } = ["away", "back"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [Usage, BackUsage];

    public ParseResult Parse(string keyword, string arguments)
    {
        if (keyword == "back")
        {
            return arguments.Length == 0 || arguments.Equals("again", StringComparison.OrdinalIgnoreCase)
                ? new Parsed(new BackCommand())
                : Fail("Just say \"back\" to end your time away.", BackUsage);
        }

        var (word, rest) = SplitFirstWord(arguments);
        if (word.Equals("until", StringComparison.OrdinalIgnoreCase) || word.Equals("till", StringComparison.OrdinalIgnoreCase))
        {
            return DateOnly.TryParseExact(rest, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? new Parsed(new AwayCommand(date, null))
                : Fail(rest.Length == 0 ? "Until when? Give your last day away." : $"\"{Shorten(rest, 30)}\" isn't a date I can read: write it as YYYY-MM-DD.", Usage);
        }

        if (word.Equals("for", StringComparison.OrdinalIgnoreCase) && ForRegex().Match(rest) is { Success: true } match)
        {
            var count = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            var days = match.Groups["unit"].Value.StartsWith("w", StringComparison.OrdinalIgnoreCase) ? count * 7 : count;
            return count == 0 ? Fail("Away for zero days is not away.", Usage) : new Parsed(new AwayCommand(null, days));
        }

        return Fail(arguments.Length == 0 ? "Until when are you away?" : "Say until which day, or for how long.", Usage);
    }

    [GeneratedRegex(@"^(?<n>\d{1,3})\s*(?<unit>d|days?|w|wks?|weeks?)$", RegexOptions.IgnoreCase)]
    private static partial Regex ForRegex();
}
