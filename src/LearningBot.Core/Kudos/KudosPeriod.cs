using LearningBot.Core.Time;

namespace LearningBot.Core.Kudos;

/// <summary>How often a team's kudos budget refills: at local midnight, on Monday, or on the 1st (in the team's time zone).</summary>
public enum KudosPeriod { Day, Week, Month }

/// <summary>Names and boundaries of <see cref="KudosPeriod"/>s.</summary>
public static class KudosPeriods
{
    /// <summary>The start of the budget period containing <paramref name="instant"/>, in <paramref name="zone"/>.</summary>
    public static DateTimeOffset StartOf(KudosPeriod period, DateTimeOffset instant, TimeZoneInfo zone) => period switch
    {
        KudosPeriod.Day => TeamClock.StartOfDay(instant, zone),
        KudosPeriod.Month => TeamClock.StartOfMonth(instant, zone),
        _ => TeamClock.StartOfWeek(instant, zone),
    };

    /// <summary><c>today</c>, <c>this week</c>, <c>this month</c>.</summary>
    public static string Current(KudosPeriod period) => period switch
    {
        KudosPeriod.Day => "today",
        KudosPeriod.Month => "this month",
        _ => "this week",
    };

    /// <summary><c>day</c>, <c>week</c>, <c>month</c>: as in "5 per person per week".</summary>
    public static string Unit(KudosPeriod period) => period.ToString().ToLowerInvariant();

    /// <summary>When the budget refills, for the over-budget reply.</summary>
    public static string Refills(KudosPeriod period) => period switch
    {
        KudosPeriod.Day => "tomorrow",
        KudosPeriod.Month => "on the 1st",
        _ => "on Monday",
    };

    /// <summary>Reads <c>day|daily|week|weekly|month|monthly</c> (any case).</summary>
    public static bool TryParse(string word, out KudosPeriod period)
    {
        switch (word.Trim().ToLowerInvariant())
        {
            case "day" or "daily" or "today": period = KudosPeriod.Day; return true;
            case "week" or "weekly": period = KudosPeriod.Week; return true;
            case "month" or "monthly": period = KudosPeriod.Month; return true;
            default: period = KudosPeriod.Week; return false;
        }
    }
}
