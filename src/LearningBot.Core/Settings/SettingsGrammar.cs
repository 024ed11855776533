using System.Globalization;
using LearningBot.Core.Commands;
using LearningBot.Core.Kudos;
using LearningBot.Core.Time;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Settings;

/// <summary>
/// <c>settings</c> shows the team's settings; <c>settings budget &lt;n&gt; [per day|week|month] | leaderboard on|off |
/// timezone &lt;Area/City&gt; | kudos-emoji &lt;name&gt; | values [add|remove &lt;name&gt;]</c> changes one (admins).
/// <c>settings answers on|off</c> changes the channel it is typed in (admins).
/// </summary>
public sealed class SettingsGrammar : ICommandGrammar
{
    public static readonly CommandUsage Usage = new("settings",
        "settings [budget <1-100> [per day|week|month] | leaderboard on|off | timezone <Area/City> | kudos-emoji <name> | values add|remove <name> | answers on|off | review-after <7-730> | ask-me on|off]",
        "settings budget 8 per week",
        "Show team settings; admins can change them (answers on|off: for the channel you type it in). ask-me is yours: repeated unanswered questions on your topics are sent to you.");

    private static readonly string[] Names = ["budget", "leaderboard", "timezone", "kudos-emoji", "values", "kudos-budget", "answers", "review-after", "ask-me"];

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
            case "budget" or "kudos-budget":
                return ParseBudget(value);
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
            case "kudos-emoji" or "emoji":
                return KudosEmoji.TryParse(value, out var emoji)
                    ? new Parsed(new SettingsCommand(new KudosEmojiChange(emoji)))
                    : Fail($"\"{Shorten(value, 40)}\" isn't an emoji name I can use: give its short name, like tada or :raised_hands:.", Usage);
            case "values" or "value":
                return ParseValues(value);
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

    /// <summary><c>8</c>, <c>8 per week</c>, <c>8 a day</c>, <c>8/month</c>, <c>8 monthly</c>.</summary>
    private static ParseResult ParseBudget(string value)
    {
        var words = value.Replace("/", " per ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const string problem = "The kudos budget should be a whole number from 1 to 100, optionally per day, week or month (e.g. 3 per day).";
        if (words.Length == 0 || !int.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out var budget) || budget is < 1 or > 100)
        {
            return Fail(problem, Usage);
        }

        KudosPeriod? period = null;
        var rest = words.Skip(1).Where(w => !w.Equals("per", StringComparison.OrdinalIgnoreCase) && !w.Equals("a", StringComparison.OrdinalIgnoreCase)
                                            && !w.Equals("each", StringComparison.OrdinalIgnoreCase) && !w.Equals("every", StringComparison.OrdinalIgnoreCase)).ToList();
        if (rest.Count == 1 && KudosPeriods.TryParse(rest[0], out var parsed))
        {
            period = parsed;
        }
        else if (rest.Count > 0 || words.Length > 1)
        {
            return Fail(problem, Usage);
        }

        return new Parsed(new SettingsCommand(new KudosBudgetChange(budget, period)));
    }

    /// <summary><c>values</c> (show), <c>values add ownership</c>, <c>values remove #ownership</c>.</summary>
    private static ParseResult ParseValues(string value)
    {
        var (verb, name) = SplitFirstWord(value);
        if (verb.Length == 0 || verb.Equals("list", StringComparison.OrdinalIgnoreCase))
        {
            return new Parsed(new SettingsCommand(null));
        }

        var add = verb.ToLowerInvariant() switch { "add" => true, "remove" or "delete" or "rm" => false, _ => (bool?)null };
        if (add is null)
        {
            return Fail($"Values can be added or removed: settings values add <name> (not \"{Shorten(verb, 20)}\").", Usage);
        }

        var normalised = KudosValues.Normalise(name);
        return normalised.Length is >= 1 and <= 40 && normalised.All(c => char.IsLetterOrDigit(c) || c is '_' or '-')
            ? new Parsed(new SettingsCommand(new KudosValueChange(normalised, add.Value)))
            : Fail("A value is one word of up to 40 letters, digits, '-' or '_' (like ownership or customer-first).", Usage);
    }
}
