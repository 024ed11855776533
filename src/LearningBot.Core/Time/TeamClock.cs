using LearningBot.Core.Commands;

namespace LearningBot.Core.Time;

/// <summary>Calendar arithmetic in a team's time zone: weeks start on Monday at local midnight.</summary>
public static class TeamClock
{
    public static bool TryFindTimeZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64)
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    public static TimeZoneInfo FindOrUtc(string? id) => TryFindTimeZone(id, out var zone) ? zone : TimeZoneInfo.Utc;

    public static DateTimeOffset StartOfWeek(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var daysSinceMonday = ((int)local.DayOfWeek + 6) % 7;
        return AtLocalMidnight(local.Date.AddDays(-daysSinceMonday), zone);
    }

    /// <summary>Local midnight of the day containing <paramref name="instant"/> in <paramref name="zone"/>.</summary>
    public static DateTimeOffset StartOfDay(DateTimeOffset instant, TimeZoneInfo zone) =>
        AtLocalMidnight(TimeZoneInfo.ConvertTime(instant, zone).Date, zone);

    public static DateTimeOffset StartOfMonth(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return AtLocalMidnight(new DateTime(local.Year, local.Month, 1), zone);
    }

    /// <summary>The start of the period that contains <paramref name="now"/>; null for "all time".</summary>
    public static DateTimeOffset? StartOf(Period period, DateTimeOffset now, TimeZoneInfo zone) => period switch
    {
        Period.Week => StartOfWeek(now, zone),
        Period.Month => StartOfMonth(now, zone),
        _ => null,
    };

    /// <summary>Local midnight at the start of <paramref name="date"/> in <paramref name="zone"/> (later on days that skip midnight).</summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone) => AtLocalMidnight(date.ToDateTime(TimeOnly.MinValue), zone);

    private static DateTimeOffset AtLocalMidnight(DateTime localDate, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(localDate, DateTimeKind.Unspecified);
        // Some zones skip midnight on their DST day (e.g. America/Santiago); the day then starts an hour later.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
