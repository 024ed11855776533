using LearningBot.Core.Time;

namespace LearningBot.Tests.Time;

public sealed class TeamClockTests
{
    private static TimeZoneInfo Zone(string id) => TeamClock.FindOrUtc(id);

    [Test]
    public void A_week_starts_at_local_midnight_on_monday()
    {
        var start = TeamClock.StartOfWeek(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero), Zone("Europe/Berlin"));

        Assert.That(start, Is.EqualTo(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(1))));
    }

    [Test]
    public void Sunday_evening_in_utc_can_already_be_next_week_in_the_team_zone()
    {
        var sundayUtc = new DateTimeOffset(2026, 11, 29, 20, 0, 0, TimeSpan.Zero);

        Assert.That(TeamClock.StartOfWeek(sundayUtc, Zone("Asia/Kolkata")).Day, Is.EqualTo(30));
        Assert.That(TeamClock.StartOfWeek(sundayUtc, Zone("America/New_York")).Day, Is.EqualTo(23));
    }

    [TestCase("Europe/Berlin", 2026, 3, 31, 2026, 3, 30, 2)] // the week after spring-forward starts in summer time
    [TestCase("Europe/Berlin", 2026, 10, 26, 2026, 10, 26, 1)] // the Monday after fall-back
    [TestCase("America/New_York", 2026, 3, 8, 2026, 3, 2, -5)] // DST starts on Sunday 8 March; that week began in winter time
    public void Week_starts_use_the_offset_in_force_on_that_monday(string zoneId, int y, int m, int d, int sy, int sm, int sd, int offsetHours)
    {
        var zone = Zone(zoneId);

        var start = TeamClock.StartOfWeek(new DateTimeOffset(y, m, d, 12, 0, 0, TimeSpan.Zero), zone);

        Assert.That(start, Is.EqualTo(new DateTimeOffset(sy, sm, sd, 0, 0, 0, TimeSpan.FromHours(offsetHours))));
    }

    [Test]
    public async Task A_streak_survives_a_dst_change_week()
    {
        var zone = Zone("Europe/Berlin");
        var entries = new[]
        {
            new DateTimeOffset(2026, 10, 19, 9, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 10, 30, 9, 0, 0, TimeSpan.Zero), // the week clocks went back
            new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero),
        };

        Assert.That(await Streak(entries, new DateTimeOffset(2026, 11, 4, 9, 0, 0, TimeSpan.Zero), zone), Is.EqualTo(3));
    }

    [Test]
    public async Task A_streak_stays_alive_until_the_current_week_ends()
    {
        var zone = TimeZoneInfo.Utc;
        var lastWeek = new DateTimeOffset(2026, 11, 18, 9, 0, 0, TimeSpan.Zero);

        Assert.That(await Streak([lastWeek], new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), zone), Is.EqualTo(1));
        Assert.That(await Streak([lastWeek], new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), zone), Is.EqualTo(0));
    }

    // Issue 18: the store is asked about whole weeks in windows of 6, 24 and 96 that grow only while the streak fills them,
    // so what is read depends on the streak's length, never on how much older history there is.
    [TestCase(0, 0, new[] { 6 })]
    [TestCase(3, 200, new[] { 6 })]
    [TestCase(5, 200, new[] { 6 })]
    [TestCase(6, 200, new[] { 6, 24 })] // this week and five before fill the first window: one more read to find the gap
    [TestCase(29, 0, new[] { 6, 24 })]
    [TestCase(40, 60, new[] { 6, 24, 75 })] // the last window stops at the 730-day horizon (105 weeks in all)
    public async Task A_streak_asks_about_weeks_in_growing_windows_bounded_by_the_streak_not_the_history(int streak, int olderWeeks, int[] windows)
    {
        var zone = Zone("Europe/Berlin");
        var now = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var week = TeamClock.StartOfWeek(now, zone);
        var entries = new List<DateTimeOffset>();
        for (var i = 0; i < streak + 1 + olderWeeks; i++, week = TeamClock.StartOfWeek(week.AddDays(-3), zone))
        {
            if (i != streak) // the gap
            {
                entries.Add(week.AddHours(30));
            }
        }

        var asked = new List<int>();
        var counted = await WeeklyStreak.CountAsync((weeks, _) =>
        {
            asked.Add(weeks.Count);
            return Task.FromResult<IReadOnlyList<bool>>(weeks.Select(w => entries.Any(e => e >= w.Start && e < w.End)).ToList());
        }, now, zone, default);

        Assert.That(counted, Is.EqualTo(streak));
        Assert.That(asked, Is.EqualTo(windows));
    }

    [Test]
    public async Task The_weeks_asked_about_are_contiguous_team_weeks_newest_first_and_end_at_the_horizon()
    {
        var zone = Zone("America/New_York");
        var now = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var asked = new List<WeekRange>();

        var counted = await WeeklyStreak.CountAsync((weeks, _) =>
        {
            asked.AddRange(weeks);
            return Task.FromResult<IReadOnlyList<bool>>(weeks.Select(_ => true).ToList());
        }, now, zone, default);

        Assert.That(asked[0], Is.EqualTo(new WeekRange(TeamClock.StartOfWeek(now, zone), new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.FromHours(-5)))));
        Assert.That(asked.Zip(asked.Skip(1)).All(p => p.Second.End == p.First.Start), "no week skipped or overlapping");
        Assert.That(asked.Skip(1).SkipLast(1).All(w => w.Start == TeamClock.StartOfWeek(w.Start, zone)), "each starts on a Monday at local midnight");
        Assert.That(asked.SkipLast(1).Select(w => (w.End - w.Start).TotalHours).Distinct(), Is.EquivalentTo(new[] { 167.0, 168.0, 169.0 }),
            "two DST changes a year in New York");
        Assert.That(asked[^1].Start, Is.EqualTo(now - WeeklyStreak.Horizon), "the oldest week is cut at the horizon");
        Assert.That(counted, Is.EqualTo(asked.Count));
    }

    private static Task<int> Streak(IEnumerable<DateTimeOffset> entries, DateTimeOffset now, TimeZoneInfo zone) =>
        WeeklyStreak.CountAsync((weeks, _) => Task.FromResult<IReadOnlyList<bool>>(weeks.Select(w => entries.Any(e => e >= w.Start && e < w.End)).ToList()),
            now, zone, default);

    [TestCase("Europe/Berlin", true)]
    [TestCase("America/New_York", true)]
    [TestCase("Mars/Olympus_Mons", false)]
    [TestCase("", false)]
    [TestCase("../../etc/passwd", false)]
    public void Time_zones_are_iana_names(string id, bool known) => Assert.That(TeamClock.TryFindTimeZone(id, out _), Is.EqualTo(known));
}
