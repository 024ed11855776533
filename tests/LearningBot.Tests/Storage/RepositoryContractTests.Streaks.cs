using LearningBot.Core.Learnings;
using LearningBot.Core.Time;

namespace LearningBot.Tests.Storage;

/// <summary>
/// learned's streak and this-week numbers, and me's counts, from the store's bounded reads (issue 18): identical on every
/// engine to what the handlers computed before, from every mark of the person in two years (<see cref="Before"/>).
/// </summary>
public abstract partial class RepositoryContractTests
{
    private static readonly TimeZoneInfo Berlin = TeamClock.FindOrUtc("Europe/Berlin");

    [Test]
    public async Task Tally_counts_one_persons_entries_since_an_instant_with_private_ones_and_minutes()
    {
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "a", Monday.AddDays(-8)), default);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "b", Monday.AddDays(-2)) with { Minutes = 45 }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "p", Monday.AddDays(-1)) with { IsPrivate = true, Minutes = null }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "bo", "c", Monday), default);
        await Store.Learnings.AddAsync(Learning(TeamB, "ann", "d", Monday), default);

        Assert.That(await Store.Learnings.TallyAsync(TeamA, "ann", Monday.AddDays(-7), default), Is.EqualTo(new LearningTally(2, 1, 45)));
        Assert.That(await Store.Learnings.TallyAsync(TeamA, "ann", null, default), Is.EqualTo(new LearningTally(3, 1, 60)));
        Assert.That(await Store.Learnings.TallyAsync(TeamA, "ann", Monday.AddDays(-1), default), Is.EqualTo(new LearningTally(1, 1, 0)),
            "an instant equal to an entry's time includes it");
        Assert.That(await Store.Learnings.TallyAsync(TeamA, "cy", null, default), Is.EqualTo(new LearningTally(0, 0, 0)));
    }

    [Test]
    public async Task Tally_all_time_and_since_counts_both_periods_in_one_read_without_older_others_or_other_teams_entries()
    {
        // me's "N in all · M this month (P private)" and "Time this month": the month starts at `since`.
        var since = Monday.AddDays(-2);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "last month", since.AddDays(-20)) with { Minutes = 100 }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "last month, private", since.AddDays(-3)) with { IsPrivate = true, Minutes = 7 }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "a millisecond before", since.AddMilliseconds(-1)) with { Minutes = 1000 }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "at the start", since) with { Minutes = 30 }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "this month, private", Monday) with { IsPrivate = true, Minutes = 20 }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "this month, no time", Monday.AddHours(1)) with { Minutes = null }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "bo", "someone else this month", Monday) with { Minutes = 500 }, default);
        await Store.Learnings.AddAsync(Learning(TeamB, "ann", "same id, other team", Monday) with { IsPrivate = true, Minutes = 400 }, default);

        var tallies = await Store.Learnings.TallyAllTimeAndSinceAsync(TeamA, "ann", since, default);

        Assert.That(tallies.AllTime, Is.EqualTo(new LearningTally(6, 2, 1157)));
        Assert.That(tallies.Since, Is.EqualTo(new LearningTally(3, 1, 50)), "from `since` on, inclusive: older, bo's and team B's entries are out");
        Assert.That(tallies, Is.EqualTo(new LearningTallies(await Store.Learnings.TallyAsync(TeamA, "ann", null, default),
            await Store.Learnings.TallyAsync(TeamA, "ann", since, default))), "the same as the two separate tallies");
        Assert.That(await Store.Learnings.TallyAllTimeAndSinceAsync(TeamA, "cy", since, default),
            Is.EqualTo(new LearningTallies(new LearningTally(0, 0, 0), new LearningTally(0, 0, 0))));
        Assert.That(await Store.Learnings.TallyAllTimeAndSinceAsync(TeamA, "ann", Monday.AddDays(1), default),
            Is.EqualTo(new LearningTallies(new LearningTally(6, 2, 1157), new LearningTally(0, 0, 0))), "nothing since: zeros, not nulls");
    }

    [Test]
    public async Task Weeks_with_entries_answer_each_week_in_the_order_asked_with_half_open_bounds()
    {
        var week = new WeekRange(Monday, Monday.AddDays(7));
        var before = new WeekRange(Monday.AddDays(-7), Monday);
        var empty = new WeekRange(Monday.AddDays(-14), Monday.AddDays(-7));
        var older = new WeekRange(Monday.AddDays(-21), Monday.AddDays(-14));
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "at the start", Monday), default); // week's, not before's
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "at the end", Monday.AddDays(-7)), default); // before's, not empty's
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "private", Monday.AddDays(-17)) with { IsPrivate = true }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "bo", "someone else", Monday.AddDays(-10)), default);
        await Store.Learnings.AddAsync(Learning(TeamB, "ann", "other team", Monday.AddDays(-10)), default);

        var found = await Store.Learnings.WeeksWithEntriesAsync(TeamA, "ann", [empty, week, older, before], default);

        Assert.That(found, Is.EqualTo(new[] { false, true, true, true }), "half-open weeks; a private entry counts for its owner");
        Assert.That(await Store.Learnings.WeeksWithEntriesAsync(TeamA, "ann", [], default), Is.Empty);
    }

    // Each shape: the person's entries (days and hours after a Monday 09:00 UTC, negative = earlier), the time zone, and
    // the expected (streak, this week's count, this week's minutes) at "now".
    private static IEnumerable<TestCaseData> StreakShapes()
    {
        yield return new TestCaseData("no learnings", "UTC", Array.Empty<double>(), 0, 0, 0);
        yield return new TestCaseData("only this week", "UTC", new[] { 0.0, 0.1, 1.0 }, 1, 3, 45);
        yield return new TestCaseData("last week only: alive until the week ends", "UTC", new[] { -5.0 }, 1, 0, 0);
        yield return new TestCaseData("a gap week", "UTC", new[] { 0.0, -7.0, -21.0, -28.0, -35.0 }, 2, 1, 15);
        yield return new TestCaseData("nothing for two weeks", "UTC", new[] { -8.0, -15.0 }, 0, 0, 0);
        yield return new TestCaseData("Sunday night in UTC is already this week in Berlin", "Europe/Berlin", new[] { -0.39, -7.0 }, 2, 1, 15);
        yield return new TestCaseData("Sunday night in UTC is still last week in New York", "America/New_York", new[] { -0.39, -21.0 }, 1, 0, 0);
    }

    [TestCaseSource(nameof(StreakShapes))]
    public async Task Streak_and_this_week_match_the_computation_over_every_mark(string shape, string zoneId, double[] days,
        int streak, int count, int minutes)
    {
        var zone = TeamClock.FindOrUtc(zoneId);
        var now = Monday.AddHours(3);
        var times = days.Select(d => Monday.AddDays(d)).ToList();
        await AddAllAsync(TeamA, "ann", times);
        await AddAllAsync(TeamA, "bo", [Monday.AddDays(-14), Monday.AddDays(-7), Monday]); // another person's weeks fill the gaps
        await AddAllAsync(TeamB, "ann", [Monday.AddDays(-14), Monday.AddDays(-7), Monday]); // and so do the same person's in another team

        var actual = await StreakAndWeekAsync(TeamA, "ann", now, zone);

        Assert.That(actual, Is.EqualTo((streak, count, minutes)), shape);
        Assert.That(actual, Is.EqualTo(Before(times.Select(t => (t, (int?)15)), now, zone)), shape + ": same as before");
    }

    [Test]
    public async Task A_streak_across_both_dst_changes_in_berlin_counts_every_week_once()
    {
        // Weekly at 00:30 local on Mondays (Sunday evening in UTC) from February to November 2026, across 29 March (spring
        // forward) and 25 October (fall back), when weeks are 167 and 169 hours long: a week boundary off by the DST hour
        // would put an entry in the week before and break the streak.
        var now = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1));
        var times = new List<DateTimeOffset>();
        for (var week = TeamClock.StartOfWeek(now, Berlin); week.Year == 2026 && week.Month >= 2; week = TeamClock.StartOfWeek(week.AddDays(-3), Berlin))
        {
            var local = week.DateTime.Date.AddMinutes(30);
            times.Add(new DateTimeOffset(local, Berlin.GetUtcOffset(local)));
        }

        await AddAllAsync(TeamA, "ann", times);
        var actual = await StreakAndWeekAsync(TeamA, "ann", now, Berlin);

        Assert.That(actual, Is.EqualTo((times.Count, 1, 15)), "every week since February, this one included");
        Assert.That(actual.Streak, Is.GreaterThan(30), "longer than the first two windows (6 + 24 weeks)");
        Assert.That(actual, Is.EqualTo(Before(times.Select(t => (t, (int?)15)), now, Berlin)));
    }

    [Test]
    public async Task A_streak_longer_than_the_horizon_stops_at_it_like_before()
    {
        var now = Monday.AddHours(3);
        // Every week for three years, two learnings a week, one of them private with no time.
        var times = Enumerable.Range(0, 3 * 52).SelectMany(w => new[] { Monday.AddDays(-7 * w + 1), Monday.AddDays(-7 * w + 2) })
            .Where(t => t <= now).ToList();
        await AddAllAsync(TeamA, "ann", times, privateEvery: 2);

        var actual = await StreakAndWeekAsync(TeamA, "ann", now, TimeZoneInfo.Utc);

        var weeksInHorizon = (int)Math.Ceiling((now - (now - WeeklyStreak.Horizon)).TotalDays / 7) + 1;
        Assert.That(actual.Streak, Is.InRange(104, weeksInHorizon), "the cap: only weeks reaching into the last 730 days count");
        Assert.That(actual, Is.EqualTo(Before(times.Select((t, i) => (t, i % 2 == 1 ? (int?)null : 15)), now, TimeZoneInfo.Utc)));
    }

    private async Task AddAllAsync(string team, string user, IReadOnlyList<DateTimeOffset> times, int privateEvery = 0)
    {
        for (var i = 0; i < times.Count; i++)
        {
            var isPrivate = privateEvery > 0 && i % privateEvery == privateEvery - 1;
            await Store.Learnings.AddAsync(Learning(team, user, $"entry {i}", times[i]) with
            {
                IsPrivate = isPrivate,
                Minutes = isPrivate ? null : 15,
            }, default);
        }
    }

    private async Task<(int Streak, int Count, int Minutes)> StreakAndWeekAsync(string team, string user, DateTimeOffset now, TimeZoneInfo zone)
    {
        var week = await Store.Learnings.TallyAsync(team, user, TeamClock.StartOfWeek(now, zone), default);
        var streak = await WeeklyStreak.CountAsync((weeks, token) => Store.Learnings.WeeksWithEntriesAsync(team, user, weeks, token), now, zone,
            default);
        return (streak, week.Count, week.Minutes);
    }

    /// <summary>
    /// What LogLearningHandler computed before issue 18, verbatim in effect: every mark of the person in the last 730 days,
    /// the weeks they fall in, walked back from this week (or last week when this one is still empty).
    /// </summary>
    private static (int Streak, int Count, int Minutes) Before(IEnumerable<(DateTimeOffset At, int? Minutes)> entries, DateTimeOffset now,
        TimeZoneInfo zone)
    {
        var marks = entries.Where(e => e.At >= now - TimeSpan.FromDays(2 * 365)).ToList();
        var weeks = marks.Select(m => TeamClock.StartOfWeek(m.At, zone).UtcDateTime.Date).ToHashSet();
        var week = TeamClock.StartOfWeek(now, zone);
        if (!weeks.Contains(week.UtcDateTime.Date))
        {
            week = TeamClock.StartOfWeek(week.AddDays(-3), zone);
        }

        var streak = 0;
        while (weeks.Contains(week.UtcDateTime.Date))
        {
            streak++;
            week = TeamClock.StartOfWeek(week.AddDays(-3), zone);
        }

        var weekStart = TeamClock.StartOfWeek(now, zone);
        var thisWeek = marks.Where(m => m.At >= weekStart).ToList();
        return (streak, thisWeek.Count, thisWeek.Sum(m => m.Minutes ?? 0));
    }
}
