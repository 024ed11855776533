using System.Globalization;
using LearningBot.Core.Commands;
using LearningBot.Core.Time;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Settings;

/// <summary>
/// <c>settings</c> shows the team's settings; <c>settings budget|leaderboard|timezone &lt;value&gt;</c> changes one (admins);
/// <c>settings answers on|off</c> changes the channel it is typed in (admins).
/// </summary>
public sealed class SettingsGrammar : ICommandGrammar
{
    public static readonly CommandUsage Usage = new("settings",
        "settings [budget <1-100> | leaderboard on|off | timezone <Area/City> | answers on|off]",
        "settings budget 8",
        "Show team settings; admins can change them (answers on|off: for the channel you type it in).");

    private static readonly string[] Names = ["budget", "leaderboard", "timezone", "answers"];

    public IReadOnlyList<string> Keywords { get; } = ["settings"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [Usage];

    public ParseResult Parse(string keyword, string arguments)
    {
        if (arguments.Length == 0)
        {
            return new Parsed(new SettingsCommand(null));
        }

        var (name, value) = SplitFirstWord(arguments);
        switch (name.ToLowerInvariant())
        {
            case "budget":
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var budget) && budget is >= 1 and <= 100
                    ? new Parsed(new SettingsCommand(new KudosBudgetChange(budget)))
                    : Fail("The weekly kudos budget should be a whole number from 1 to 100.", Usage);
            case "leaderboard":
                return value.ToLowerInvariant() switch
                {
                    "on" => new Parsed(new SettingsCommand(new LeaderboardChange(true))),
                    "off" => new Parsed(new SettingsCommand(new LeaderboardChange(false))),
                    _ => Fail("Leaderboard can be \"on\" or \"off\".", Usage),
                };
            case "answers":
                return value.ToLowerInvariant() switch
                {
                    "on" => new Parsed(new SettingsCommand(new AnswersInChannelChange(true))),
                    "off" => new Parsed(new SettingsCommand(new AnswersInChannelChange(false))),
                    _ => Fail("Answers can be \"on\" or \"off\" (for the channel you type it in).", Usage),
                };
            case "timezone" or "tz":
                return TeamClock.TryFindTimeZone(value, out _)
                    ? new Parsed(new SettingsCommand(new TimeZoneChange(value)))
                    : Fail($"I don't know the time zone \"{Shorten(value, 60)}\"; use an IANA name like Europe/Berlin.", Usage);
            default:
                var suggestion = Closest(name, Names);
                return Fail($"There's no setting called \"{Shorten(name, 40)}\"." + (suggestion is null ? "" : $" Did you mean \"{suggestion}\"?"), Usage);
        }
    }
}
