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
    public void A_streak_survives_a_dst_change_week()
    {
        var zone = Zone("Europe/Berlin");
        var entries = new[]
        {
            new DateTimeOffset(2026, 10, 19, 9, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 10, 30, 9, 0, 0, TimeSpan.Zero), // the week clocks went back
            new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero),
        };

        Assert.That(WeeklyStreak.Count(entries, new DateTimeOffset(2026, 11, 4, 9, 0, 0, TimeSpan.Zero), zone), Is.EqualTo(3));
    }

    [Test]
    public void A_streak_stays_alive_until_the_current_week_ends()
    {
        var zone = TimeZoneInfo.Utc;
        var lastWeek = new DateTimeOffset(2026, 11, 18, 9, 0, 0, TimeSpan.Zero);

        Assert.That(WeeklyStreak.Count([lastWeek], new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), zone), Is.EqualTo(1));
        Assert.That(WeeklyStreak.Count([lastWeek], new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), zone), Is.EqualTo(0));
    }

    [TestCase("Europe/Berlin", true)]
    [TestCase("America/New_York", true)]
    [TestCase("Mars/Olympus_Mons", false)]
    [TestCase("", false)]
    [TestCase("../../etc/passwd", false)]
    public void Time_zones_are_iana_names(string id, bool known) => Assert.That(TeamClock.TryFindTimeZone(id, out _), Is.EqualTo(known));
}
