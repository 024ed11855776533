using System.Globalization;
using System.Text.RegularExpressions;
using LearningBot.Core.Time;

namespace LearningBot.Core.Commands;

/// <summary>
/// The one grammar every platform shares. Adapters hand it text with mentions already normalised to
/// <c>&lt;@USERID&gt;</c>; it never touches storage, so it can be tested (and fuzzed) on its own.
/// </summary>
public sealed partial class CommandParser
{
    public const int MaxTextLength = 4000;
    public const int MaxMinutes = 24 * 60;

    /// <summary>The words that start a command (keep in step with the switch in <see cref="Parse"/>).</summary>
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "learned", "learnt", "til", "kudos", "thanks", "share", "ask", "who", "digest", "settings", "help", "?", "helped",
    };

    /// <summary>
    /// True when the text starts with a command word. Adapters use it where free text has its own meaning,
    /// e.g. a DM to the bot that is not a command is a learning.
    /// </summary>
    public static bool StartsWithCommand(string? text) =>
        Keywords.Contains(SplitFirstWord(CleanControlCharacters(text ?? string.Empty).Trim()).First);

    public ParseResult Parse(string? text)
    {
        var trimmed = CleanControlCharacters(text ?? string.Empty).Trim();
        if (trimmed.Length == 0)
        {
            return Fail("That message was empty.", CommandCatalog.Help);
        }

        if (trimmed.Length > MaxTextLength)
        {
            return new ParseFailure(
                $"That's {trimmed.Length:N0} characters; I can take up to {MaxTextLength:N0}. Could you shorten it?",
                CommandCatalog.Learned.Usage, CommandCatalog.Learned.Example);
        }

        var (keyword, rest) = SplitFirstWord(trimmed);
        return keyword.ToLowerInvariant() switch
        {
            "learned" or "learnt" or "til" => ParseLearned(rest),
            "kudos" or "thanks" => ParseKudos(rest),
            "share" => ParseShare(rest),
            "ask" => ParseAsk(rest),
            "who" => ParseWho(rest),
            "digest" => ParseDigest(rest),
            "settings" => ParseSettings(rest),
            "help" or "?" => new Parsed(new HelpCommand()),
            "helped" => ParseHelped(rest),
            "show" => PostIdRegex().IsMatch(rest)
                ? new Parsed(new ShowAnswerCommand(rest))
                : Fail("That button points at an answer I can't find.", CommandCatalog.Ask),
            "prompt" => ParsePrompt(rest),
            "me" when rest.Length == 0 => new Parsed(new MeCommand()),
            "insights" => rest.Length == 0 ? new Parsed(new InsightsCommand(Period.Week))
                : TryParsePeriod(rest, out var insightsPeriod) && insightsPeriod != Period.All ? new Parsed(new InsightsCommand(insightsPeriod))
                : Fail("Insights cover a week or a month.", CommandCatalog.Insights),
            "export" => rest.ToLowerInvariant() switch
            {
                "me" => new Parsed(new ExportCommand(ExportScope.Me)),
                "team" => new Parsed(new ExportCommand(ExportScope.Team)),
                _ => Fail("Export \"me\" or \"team\".", CommandCatalog.Export),
            },
            "forget" => rest.ToLowerInvariant() switch
            {
                "me" => new Parsed(new ForgetMeCommand(ForgetAnswers.Ask)),
                "me keep-answers" => new Parsed(new ForgetMeCommand(ForgetAnswers.Keep)),
                "me delete-answers" => new Parsed(new ForgetMeCommand(ForgetAnswers.Delete)),
                _ => Fail("I can only forget you: \"forget me\".", CommandCatalog.Forget),
            },
            "nudge" or "nudges" => ParseNudge(rest),
            _ => new ParseFailure($"I don't know the command \"{Shorten(keyword, 40)}\" yet.",
                "help", "help"),
        };
    }

    private static ParseResult ParseLearned(string rest)
    {
        if (rest.Length == 0)
        {
            return new Parsed(new ListLearningsCommand(LearningScope.Me, null, Period.All));
        }

        var (first, afterFirst) = SplitFirstWord(rest);
        if (first.Equals("list", StringComparison.OrdinalIgnoreCase) && TryParseListArguments(afterFirst, out var list))
        {
            return new Parsed(list);
        }

        var isPrivate = false;
        if (first.Equals("--private", StringComparison.OrdinalIgnoreCase))
        {
            (isPrivate, rest) = (true, afterFirst);
        }

        var text = rest;
        int? minutes = null;
        // Tags and a duration are taken from the end, so "#rust" or "2h" inside a sentence stays in it.
        while (true)
        {
            var trailing = TrailingTokenRegex().Match(text);
            if (!trailing.Success)
            {
                break;
            }

            var token = trailing.Groups["token"].Value;
            if (!token.StartsWith('#'))
            {
                if (minutes is not null)
                {
                    break; // only the last duration counts; an earlier one is part of the text
                }

                var parsedMinutes = ParseDuration(token);
                if (parsedMinutes is < 1 or > MaxMinutes)
                {
                    return Fail($"Time spent \"{token}\" should be between 1m and 24h.", CommandCatalog.Learned);
                }

                minutes = parsedMinutes;
            }

            text = text[..trailing.Index].TrimEnd();
        }

        if (!ContainsWordCharacter(text))
        {
            return Fail("Tell me what you learned, not only the tags.", CommandCatalog.Learned);
        }

        return new Parsed(new LogLearningCommand(text, ExtractTags(rest), minutes) { IsPrivate = isPrivate });
    }

    private static bool TryParseListArguments(string arguments, out ListLearningsCommand command)
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
            else if (period is null && TryParsePeriod(word, out var p))
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

    private static ParseResult ParseKudos(string rest)
    {
        if (rest.Length == 0)
        {
            return Fail("Who would you like to thank?", CommandCatalog.Kudos);
        }

        var (first, afterFirst) = SplitFirstWord(rest);
        if (first.Equals("top", StringComparison.OrdinalIgnoreCase) || first.Equals("leaderboard", StringComparison.OrdinalIgnoreCase))
        {
            if (afterFirst.Length == 0)
            {
                return new Parsed(new KudosLeaderboardCommand(Period.Week));
            }

            return TryParsePeriod(afterFirst, out var period)
                ? new Parsed(new KudosLeaderboardCommand(period))
                : Fail($"\"{Shorten(afterFirst, 40)}\" isn't a time frame I know: use week, month or all.", CommandCatalog.KudosTop);
        }

        var receivers = MentionRegex().Matches(rest).Select(m => m.Groups["id"].Value).Distinct(StringComparer.Ordinal).ToList();
        if (receivers.Count == 0)
        {
            return Fail("Mention the people you're thanking with @name.", CommandCatalog.Kudos);
        }

        var reason = LeadingMentionsRegex().Replace(rest, string.Empty);
        reason = LeadingForRegex().Replace(reason, string.Empty).Trim();
        string? value = null;
        var trailingTag = TrailingTagRegex().Match(reason);
        if (trailingTag.Success)
        {
            value = trailingTag.Groups["tag"].Value.ToLowerInvariant();
            reason = reason[..trailingTag.Index].TrimEnd();
        }

        if (!ContainsWordCharacter(MentionRegex().Replace(reason, string.Empty)))
        {
            return Fail("Say what the kudos are for: recognising the effort is the point.", CommandCatalog.Kudos);
        }

        return new Parsed(new GiveKudosCommand(receivers, reason, value));
    }

    private static ParseResult ParseShare(string rest)
    {
        var separator = rest.IndexOf("::", StringComparison.Ordinal);
        if (separator < 0)
        {
            return Fail("Put \" :: \" between the question and the answer.", CommandCatalog.Share);
        }

        var question = rest[..separator].Trim();
        var answer = rest[(separator + 2)..].Trim();
        var tags = ExtractTags(rest);
        while (TrailingTagRegex().Match(answer) is { Success: true } trailing)
        {
            answer = answer[..trailing.Index].TrimEnd();
        }

        if (!ContainsWordCharacter(question))
        {
            return Fail("The question part is empty.", CommandCatalog.Share);
        }

        if (!ContainsWordCharacter(answer))
        {
            return Fail("The answer part is empty.", CommandCatalog.Share);
        }

        return new Parsed(new ShareCommand(question, answer, tags));
    }

    private static ParseResult ParseAsk(string rest) =>
        ContainsWordCharacter(rest)
            ? new Parsed(new AskCommand(rest))
            : Fail("What would you like to know?", CommandCatalog.Ask);

    private static ParseResult ParseWho(string rest)
    {
        var (second, topic) = SplitFirstWord(rest);
        if (!second.Equals("knows", StringComparison.OrdinalIgnoreCase))
        {
            return new ParseFailure("I don't know the command \"who\" on its own.", CommandCatalog.WhoKnows.Usage,
                CommandCatalog.WhoKnows.Example);
        }

        topic = topic.TrimEnd('?', ' ');
        return ContainsWordCharacter(topic)
            ? new Parsed(new WhoKnowsCommand(topic))
            : Fail("Which topic should I look for?", CommandCatalog.WhoKnows);
    }

    private static ParseResult ParseHelped(string rest) =>
        PostIdRegex().IsMatch(rest)
            ? new Parsed(new MarkHelpfulCommand(rest))
            : Fail("That button points at an answer I can't find.", CommandCatalog.Ask);

    private static ParseResult ParseDigest(string rest) =>
        rest.Length == 0 || rest.Equals("week", StringComparison.OrdinalIgnoreCase)
            ? new Parsed(new DigestCommand())
            : Fail($"The digest covers this week; \"{Shorten(rest, 40)}\" isn't an option yet.", CommandCatalog.Digest);

    private static ParseResult ParseSettings(string rest)
    {
        if (rest.Length == 0)
        {
            return new Parsed(new SettingsCommand(null));
        }

        var (name, value) = SplitFirstWord(rest);
        switch (name.ToLowerInvariant())
        {
            case "budget":
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var budget) && budget is >= 1 and <= 100
                    ? new Parsed(new SettingsCommand(new KudosBudgetChange(budget)))
                    : Fail("The weekly kudos budget should be a whole number from 1 to 100.", CommandCatalog.Settings);
            case "leaderboard":
                return value.ToLowerInvariant() switch
                {
                    "on" => new Parsed(new SettingsCommand(new LeaderboardChange(true))),
                    "off" => new Parsed(new SettingsCommand(new LeaderboardChange(false))),
                    _ => Fail("Leaderboard can be \"on\" or \"off\".", CommandCatalog.Settings),
                };
            case "timezone" or "tz":
                return TeamClock.TryFindTimeZone(value, out _)
                    ? new Parsed(new SettingsCommand(new TimeZoneChange(value)))
                    : Fail($"I don't know the time zone \"{Shorten(value, 60)}\"; use an IANA name like Europe/Berlin.", CommandCatalog.Settings);
            default:
                return Fail($"There's no setting called \"{Shorten(name, 40)}\".", CommandCatalog.Settings);
        }
    }

    private static ParseResult ParsePrompt(string rest)
    {
        var (verb, arguments) = SplitFirstWord(rest);
        switch (verb.ToLowerInvariant())
        {
            case "show" or "": return new Parsed(new PromptActionCommand(PromptAction.Show));
            case "pause": return new Parsed(new PromptActionCommand(PromptAction.Pause));
            case "resume": return new Parsed(new PromptActionCommand(PromptAction.Resume));
            case "now": return new Parsed(new PromptActionCommand(PromptAction.Now));
            case "off": return new Parsed(new PromptActionCommand(PromptAction.Off));
            case "skip" when arguments.Length == 0 || arguments.Equals("next", StringComparison.OrdinalIgnoreCase):
                return new Parsed(new PromptActionCommand(PromptAction.SkipNext));
            case "set": break;
            default: return Fail($"\"prompt {Shorten(verb, 20)}\" isn't something I can do.", CommandCatalog.Prompt);
        }

        var question = QuotedRegex().Match(arguments);
        var settings = question.Success ? arguments[..question.Index] + arguments[(question.Index + question.Length)..] : arguments;
        var words = settings.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is < 2 or > 3)
        {
            return Fail("Tell me the days and the time, e.g. mon,thu 09:30.", CommandCatalog.Prompt);
        }

        if (!TryParseDays(words[0], out var days))
        {
            return Fail($"\"{Shorten(words[0], 30)}\" isn't a list of days: use mon,tue,…, mon-fri, weekdays or daily.", CommandCatalog.Prompt);
        }

        if (!TryParseTime(words[1], out var at))
        {
            return Fail($"\"{Shorten(words[1], 20)}\" isn't a time: use 24-hour HH:mm like 09:30.", CommandCatalog.Prompt);
        }

        if (words.Length == 3 && !TeamClock.TryFindTimeZone(words[2], out _))
        {
            return Fail($"I don't know the time zone \"{Shorten(words[2], 60)}\"; use an IANA name like Europe/Berlin.", CommandCatalog.Prompt);
        }

        var text = question.Success ? question.Groups["text"].Value.Trim() : null;
        if (question.Success && !ContainsWordCharacter(text!))
        {
            return Fail("The question in quotes is empty.", CommandCatalog.Prompt);
        }

        return new Parsed(new SetPromptCommand(days, at, words.Length == 3 ? words[2] : null, text));
    }

    private static ParseResult ParseNudge(string rest)
    {
        var (verb, arguments) = SplitFirstWord(rest);
        if (verb.Equals("off", StringComparison.OrdinalIgnoreCase) && arguments.Length == 0)
        {
            return new Parsed(new NudgeCommand(false, null, null));
        }

        if (!verb.Equals("on", StringComparison.OrdinalIgnoreCase))
        {
            return Fail("Say \"nudge on\" or \"nudge off\".", CommandCatalog.Nudge);
        }

        if (arguments.Length == 0)
        {
            return new Parsed(new NudgeCommand(true, null, null));
        }

        var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 2 || !TryParseDays(words[0], out var days) || days.Count != 1 || !TryParseTime(words[1], out var at))
        {
            return Fail("Give one day and a time, e.g. fri 15:00.", CommandCatalog.Nudge);
        }

        return new Parsed(new NudgeCommand(true, days[0], at));
    }

    private static bool TryParseDays(string text, out IReadOnlyList<DayOfWeek> days)
    {
        var result = new SortedSet<DayOfWeek>();
        days = [];
        switch (text.ToLowerInvariant())
        {
            case "daily" or "everyday":
                days = Enum.GetValues<DayOfWeek>();
                return true;
            case "weekdays":
                days = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
                return true;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            if (range.Length == 1 && TryParseDay(range[0], out var day))
            {
                result.Add(day);
            }
            else if (range.Length == 2 && TryParseDay(range[0], out var from) && TryParseDay(range[1], out var to))
            {
                for (var d = (int)from; ; d = (d + 1) % 7)
                {
                    result.Add((DayOfWeek)d);
                    if (d == (int)to)
                    {
                        break;
                    }
                }
            }
            else
            {
                return false;
            }
        }

        days = result.ToList();
        return result.Count > 0;
    }

    private static bool TryParseDay(string text, out DayOfWeek day)
    {
        var key = text.Trim().ToLowerInvariant();
        foreach (var candidate in Enum.GetValues<DayOfWeek>())
        {
            var name = candidate.ToString().ToLowerInvariant();
            if (key.Length >= 2 && name.StartsWith(key, StringComparison.Ordinal) && (key.Length >= 3 || key is "mo" or "tu" or "we" or "th" or "fr" or "sa" or "su"))
            {
                day = candidate;
                return true;
            }
        }

        day = default;
        return false;
    }

    private static bool TryParseTime(string text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    private static bool TryParsePeriod(string word, out Period period)
    {
        switch (word.Trim().ToLowerInvariant())
        {
            case "week": period = Period.Week; return true;
            case "month": period = Period.Month; return true;
            case "all": period = Period.All; return true;
            default: period = default; return false;
        }
    }

    private static int? ParseDuration(string token)
    {
        var match = DurationRegex().Match(token);
        if (!match.Success)
        {
            return null;
        }

        var hours = match.Groups["hours"].Success ? double.Parse(match.Groups["hours"].Value, CultureInfo.InvariantCulture) : 0;
        var minutes = match.Groups["minutes"].Success ? int.Parse(match.Groups["minutes"].Value, CultureInfo.InvariantCulture) : 0;
        var total = hours * 60 + minutes;
        return total > int.MaxValue ? int.MaxValue : (int)Math.Round(total);
    }

    private static List<string> ExtractTags(string text) =>
        TagRegex().Matches(text).Select(m => m.Groups["tag"].Value.ToLowerInvariant()).Distinct().Take(10).ToList();

    private static (string First, string Remainder) SplitFirstWord(string text)
    {
        var end = 0;
        while (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        return (text[..end], text[end..].Trim());
    }

    private static bool ContainsWordCharacter(string text) => text.Any(char.IsLetterOrDigit);

    private static string CleanControlCharacters(string text) =>
        text.Any(c => char.IsControl(c) && c is not '\n' and not '\t')
            ? new string(text.Select(c => char.IsControl(c) && c is not '\n' and not '\t' ? ' ' : c).ToArray())
            : text;

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    private static ParseFailure Fail(string problem, CommandUsage usage) => new(problem, usage.Usage, usage.Example);

    /// <summary>A normalised mention; the optional <c>|name</c> part is what Slack sends.</summary>
    [GeneratedRegex(@"<@(?<id>[^<>|\s]+)(?:\|[^<>]*)?>")]
    internal static partial Regex MentionRegex();

    [GeneratedRegex(@"#(?<tag>[\p{L}\p{N}_\-]{1,40})(?![\p{L}\p{N}_\-])")]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"(?:^|\s)(?<token>#[\p{L}\p{N}_\-]{1,40}|\d{1,4}(?:\.\d{1,2})?h(?:\d{1,2}m)?|\d{1,5}(?:m|min|mins)|\d{1,4}(?:\.\d{1,2})?(?:hr|hrs))$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingTokenRegex();

    [GeneratedRegex(@"(?:^|\s)#(?<tag>[\p{L}\p{N}_\-]{1,40})$")]
    private static partial Regex TrailingTagRegex();

    [GeneratedRegex(@"^(?:(?<hours>\d{1,4}(?:\.\d{1,2})?)(?:h|hr|hrs))?(?:(?<minutes>\d{1,5})(?:m|min|mins))?$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationRegex();

    [GeneratedRegex(@"^(?:\s*(?:<@[^<>|\s]+(?:\|[^<>]*)?>|and|&|,|to)(?=\s|,|$|<))+\s*,?", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingMentionsRegex();

    [GeneratedRegex(@"^[A-Za-z0-9\-]{1,64}$")]
    private static partial Regex PostIdRegex();

    [GeneratedRegex("[\"“”](?<text>[^\"“”]*)[\"“”]")]
    private static partial Regex QuotedRegex();

    [GeneratedRegex(@"^for\s+", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingForRegex();
}
