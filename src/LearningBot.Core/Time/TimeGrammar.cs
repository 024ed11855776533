using System.Globalization;
using System.Text.RegularExpressions;
using LearningBot.Core.Commands;

namespace LearningBot.Core.Time;

/// <summary>How people write days, times of day, durations and periods in commands.</summary>
public static partial class TimeGrammar
{
    /// <summary>
    /// Days as <c>mon,thu</c>, ranges <c>mon-fri</c> (wrapping: <c>fri-mon</c>), <c>weekdays</c>, <c>daily</c>; names of at
    /// least three letters (<c>mon</c>, <c>monday</c>) or the two-letter forms <c>mo</c>…<c>su</c>, any case.
    /// </summary>
    public static bool TryParseDays(string text, out IReadOnlyList<DayOfWeek> days)
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

    /// <summary>
    /// A time of day: 24-hour <c>9:30</c>, <c>09:30</c>, <c>9.30</c>, or 12-hour <c>4pm</c>, <c>4:30pm</c>, <c>4:30 p.m.</c>,
    /// <c>12am</c> (midnight), <c>12pm</c> (noon). Use <see cref="JoinMeridiem"/> first when the text may say <c>4 pm</c>.
    /// </summary>
    public static bool TryParseTime(string text, out TimeOnly time)
    {
        if (TimeOnly.TryParseExact(text, ["H:mm", "HH:mm", "H.mm", "HH.mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time))
        {
            return true;
        }

        var match = TwelveHourRegex().Match(text);
        if (match.Success && int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture) is >= 1 and <= 12 and var hour)
        {
            var minute = match.Groups["m"].Success ? int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
            var pm = match.Groups["ampm"].Value.StartsWith('p') || match.Groups["ampm"].Value.StartsWith('P');
            if (minute < 60)
            {
                time = new TimeOnly(hour % 12 + (pm ? 12 : 0), minute);
                return true;
            }
        }

        time = default;
        return false;
    }

    /// <summary>Writes <c>4 pm</c> as <c>4pm</c>, so a time is one word for grammars that split on spaces.</summary>
    public static string JoinMeridiem(string text) => SpacedMeridiemRegex().Replace(text, "${time}${ampm}");

    /// <summary><c>week</c>, <c>month</c> or <c>all</c>, any case.</summary>
    public static bool TryParsePeriod(string word, out Period period)
    {
        switch (word.Trim().ToLowerInvariant())
        {
            case "week": period = Period.Week; return true;
            case "month": period = Period.Month; return true;
            case "all": period = Period.All; return true;
            default: period = default; return false;
        }
    }

    /// <summary>
    /// A time frame as people say it: <c>week</c>/<c>this week</c>, <c>month</c>/<c>this month</c>, <c>all</c>/<c>all time</c>/<c>ever</c>.
    /// </summary>
    public static bool TryParseTimeFrame(string text, out Period period)
    {
        var words = string.Join(' ', text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        switch (words)
        {
            case "this week": period = Period.Week; return true;
            case "this month": period = Period.Month; return true;
            case "all time" or "of all time" or "ever": period = Period.All; return true;
            default: return TryParsePeriod(words, out period);
        }
    }

    /// <summary>
    /// A duration at the very end of <paramref name="text"/>: <c>30m</c>, <c>45 min</c>, <c>90 minutes</c>, <c>2h</c>,
    /// <c>1.5h</c>, <c>1,5 hours</c>, <c>1h30</c>, <c>1h 30m</c>, <c>2 hrs</c>. Spelled-out units after "every", "per",
    /// "than", "within" or "after" describe the subject, not time spent, and are left in the text.
    /// </summary>
    /// <returns>The match (its index is where the text before it ends) and the minutes, rounded; null when there is none.</returns>
    public static (int Index, int Minutes)? TrailingDuration(string text)
    {
        var match = TrailingDurationRegex().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var hours = match.Groups["hours"].Success
            ? double.Parse(match.Groups["hours"].Value.Replace(',', '.'), CultureInfo.InvariantCulture)
            : 0;
        var minutes = match.Groups["minutes"].Success ? int.Parse(match.Groups["minutes"].Value, CultureInfo.InvariantCulture) : 0;
        var total = Math.Round(hours * 60 + minutes);
        return (match.Index, total > int.MaxValue ? int.MaxValue : (int)total);
    }

    [GeneratedRegex(@"^(?<h>\d{1,2})(?::(?<m>\d{2}))?\s?(?<ampm>am|pm|a\.m\.|p\.m\.)$", RegexOptions.IgnoreCase)]
    private static partial Regex TwelveHourRegex();

    [GeneratedRegex(@"(?<time>\b\d{1,2}(?::\d{2})?)\s+(?<ampm>am|pm|a\.m\.|p\.m\.)(?=\s|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SpacedMeridiemRegex();

    [GeneratedRegex(
        @"(?:^|(?<!\b(?:every|per|than|within|after))\s)(?:(?<hours>\d{1,4}(?:[.,]\d{1,2})?)\s?(?:h|hr|hrs|hour|hours)(?:\s?(?<minutes>\d{1,2})\s?(?:m|min|mins|minute|minutes)?)?|(?<minutes>\d{1,5})\s?(?:m|min|mins|minute|minutes))$",
        RegexOptions.IgnoreCase)]
    private static partial Regex TrailingDurationRegex();
}
