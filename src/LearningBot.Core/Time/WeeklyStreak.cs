namespace LearningBot.Core.Time;

/// <summary>
/// How many weeks in a row, ending this week, someone logged a learning. A streak stays alive
/// through the current week until it ends, so Monday morning never shows "0 weeks".
/// </summary>
public static class WeeklyStreak
{
    public static int Count(IEnumerable<DateTimeOffset> entryTimes, DateTimeOffset now, TimeZoneInfo zone)
    {
        var weeks = entryTimes.Select(t => TeamClock.StartOfWeek(t, zone).UtcDateTime.Date).ToHashSet();
        var week = TeamClock.StartOfWeek(now, zone);
        if (!weeks.Contains(week.UtcDateTime.Date))
        {
            week = TeamClock.StartOfWeek(week.AddDays(-3), zone);
        }

        var streak = 0;
        while (weeks.Contains(week.UtcDateTime.Date))
        {
            streak++;
            // Step back into the previous week and normalise: DST makes some weeks 167 or 169 hours.
            week = TeamClock.StartOfWeek(week.AddDays(-3), zone);
        }

        return streak;
    }
}
