using System.Globalization;
using LearningBot.Core.Commands;
using LearningBot.Core.Time;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Settings;

/// <summary><c>settings</c> shows the team's settings; <c>settings budget|leaderboard|timezone &lt;value&gt;</c> changes one (admins).</summary>
public sealed class SettingsGrammar : ICommandGrammar
{
    public static readonly CommandUsage Usage = new("settings",
        "settings [budget <1-100> | leaderboard on|off | timezone <Area/City> | review-after <7-730> | ask-me on|off]",
        "settings budget 8",
        "Show team settings; admins can change them. ask-me is yours: repeated unanswered questions on your topics are sent to you.");

    private static readonly string[] Names = ["budget", "leaderboard", "timezone", "review-after", "ask-me"];

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
            case "timezone" or "tz":
                return TeamClock.TryFindTimeZone(value, out _)
                    ? new Parsed(new SettingsCommand(new TimeZoneChange(value)))
                    : Fail($"I don't know the time zone \"{Shorten(value, 60)}\"; use an IANA name like Europe/Berlin.", Usage);
            case "review-after":
                return int.TryParse(value.Replace("days", "", StringComparison.OrdinalIgnoreCase).Trim(), NumberStyles.None, CultureInfo.InvariantCulture,
                           out var days) && days is >= TeamSettings.MinReviewAfterDays and <= TeamSettings.MaxReviewAfterDays
                    ? new Parsed(new SettingsCommand(new ReviewAfterChange(days)))
                    : Fail($"Shared answers are reviewed after {TeamSettings.MinReviewAfterDays} to {TeamSettings.MaxReviewAfterDays} days: give a whole number in that range.", Usage);
            case "ask-me":
                return value.ToLowerInvariant() switch
                {
                    "on" => new Parsed(new SettingsCommand(new AskMeChange(true))),
                    "off" => new Parsed(new SettingsCommand(new AskMeChange(false))),
                    _ => Fail("ask-me can be \"on\" or \"off\".", Usage),
                };
            default:
                var suggestion = Closest(name, Names);
                return Fail($"There's no setting called \"{Shorten(name, 40)}\"." + (suggestion is null ? "" : $" Did you mean \"{suggestion}\"?"), Usage);
        }
    }
}
