namespace LearningBot.Core.Time;

/// <summary>One week of a team's calendar as absolute instants: <c>[Start, End)</c>, Monday 00:00 to the next Monday 00:00 in
/// the team's time zone (167, 168 or 169 hours long around a DST change), or the part of it inside the streak horizon.</summary>
public sealed record WeekRange(DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// How many weeks in a row, ending this week, someone logged a learning. A streak stays alive through the current week until
/// it ends, so Monday morning never shows "0 weeks". Week boundaries come from <see cref="TeamClock.StartOfWeek"/> (Monday at
/// local midnight in the team's zone, DST included); this is the only place a streak is computed.
/// </summary>
/// <remarks>
/// The store is asked about whole weeks, newest first, in windows that grow only while the streak fills them (6 weeks, then
/// 24, then the rest of the horizon): a streak of s weeks costs one read when s &lt; 5 and at most three reads, each covering
/// at most 96 weeks, so what is read depends on the streak, never on older history (issue 18).
/// </remarks>
public static class WeeklyStreak
{
    /// <summary>
    /// Entries older than this (730 days before now) never count: a streak counts at most the weeks that reach into the
    /// horizon (105 or 106 with the current one), so someone with three unbroken years sees about "105 weeks in a row" (the cap).
    /// </summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(2 * 365);

    private const int FirstWindow = 6;
    private const int Growth = 4;

    /// <summary>
    /// The streak at <paramref name="now"/> in <paramref name="zone"/>. <paramref name="weeksWithEntries"/> answers, for
    /// weeks given newest first, whether the person logged anything in each (same order, same length); see
    /// <c>ILearningRepository.WeeksWithEntriesAsync</c>.
    /// </summary>
    public static async Task<int> CountAsync(
        Func<IReadOnlyList<WeekRange>, CancellationToken, Task<IReadOnlyList<bool>>> weeksWithEntries,
        DateTimeOffset now, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var oldest = now - Horizon;
        var start = TeamClock.StartOfWeek(now, zone);
        var end = NextWeek(start, zone); // entries later this week count too
        var streak = 0;
        var size = FirstWindow;
        var currentWeek = true;
        while (end > oldest)
        {
            var window = new List<WeekRange>(size);
            while (window.Count < size && end > oldest)
            {
                window.Add(new WeekRange(start > oldest ? start : oldest, end));
                end = start;
                start = PreviousWeek(start, zone);
            }

            var found = await weeksWithEntries(window, cancellationToken);
            for (var i = 0; i < window.Count; i++)
            {
                if (found[i])
                {
                    streak++;
                }
                else if (!currentWeek)
                {
                    return streak;
                }

                // Nothing yet this week: the streak is still alive and counts from last week.
                currentWeek = false;
            }

            size *= Growth;
        }

        return streak;
    }

    /// <summary>
    /// For stores that read the creation times inside the weeks' span (<c>[min Start, max End)</c>): which of
    /// <paramref name="weeks"/> hold at least one of <paramref name="times"/> (any order; sorted here). One binary search per
    /// week, no time-zone arithmetic per entry.
    /// </summary>
    public static IReadOnlyList<bool> WeeksHolding(IReadOnlyList<WeekRange> weeks, List<DateTimeOffset> times)
    {
        times.Sort();
        var found = new bool[weeks.Count];
        for (var i = 0; i < weeks.Count; i++)
        {
            // The first time at or after the week's start, if it is before the week's end.
            var at = times.BinarySearch(weeks[i].Start);
            at = at < 0 ? ~at : at;
            found[i] = at < times.Count && times[at] < weeks[i].End;
        }

        return found;
    }

    // Step into the neighbouring week and normalise: DST makes some weeks 167 or 169 hours.
    private static DateTimeOffset PreviousWeek(DateTimeOffset weekStart, TimeZoneInfo zone) => TeamClock.StartOfWeek(weekStart.AddDays(-3), zone);

    private static DateTimeOffset NextWeek(DateTimeOffset weekStart, TimeZoneInfo zone) => TeamClock.StartOfWeek(weekStart.AddDays(10), zone);
}
