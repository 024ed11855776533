using LearningBot.Core.Prompts;

namespace LearningBot.Tests.Prompts;

/// <summary>Occurrences across daylight-saving changes: none skipped, none doubled.</summary>
public sealed class RecurrenceTests
{
    private static List<DateTimeOffset> Occurrences(Recurrence recurrence, DateTimeOffset from, int count)
    {
        var result = new List<DateTimeOffset>();
        var cursor = from;
        for (var i = 0; i < count; i++)
        {
            cursor = recurrence.NextAfter(cursor)!.Value;
            result.Add(cursor);
        }

        return result;
    }

    [Test]
    public void Berlin_monday_0930_keeps_local_time_across_the_spring_change()
    {
        var recurrence = new Recurrence([DayOfWeek.Monday], new TimeOnly(9, 30), "Europe/Berlin");

        var occurrences = Occurrences(recurrence, new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero), 2);

        Assert.That(occurrences, Is.EqualTo(new[]
        {
            new DateTimeOffset(2026, 3, 23, 8, 30, 0, TimeSpan.Zero), // CET, UTC+1
            new DateTimeOffset(2026, 3, 30, 7, 30, 0, TimeSpan.Zero), // CEST, UTC+2
        }));
    }

    [Test]
    public void A_time_that_does_not_exist_on_the_change_day_fires_once_at_the_next_valid_instant()
    {
        // Berlin skips 02:00–03:00 on Sunday 29 March 2026.
        var recurrence = new Recurrence([DayOfWeek.Sunday], new TimeOnly(2, 30), "Europe/Berlin");

        var occurrences = Occurrences(recurrence, new DateTimeOffset(2026, 3, 28, 0, 0, 0, TimeSpan.Zero), 2);

        Assert.That(occurrences[0], Is.EqualTo(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero))); // 03:00 CEST
        Assert.That(occurrences[1], Is.EqualTo(new DateTimeOffset(2026, 4, 5, 0, 30, 0, TimeSpan.Zero)));
    }

    [Test]
    public void A_time_that_happens_twice_on_the_change_day_fires_once()
    {
        // New York repeats 01:00–02:00 on Sunday 1 November 2026.
        var recurrence = new Recurrence([DayOfWeek.Sunday], new TimeOnly(1, 30), "America/New_York");

        var occurrences = Occurrences(recurrence, new DateTimeOffset(2026, 10, 31, 0, 0, 0, TimeSpan.Zero), 2);

        Assert.That(occurrences[0], Is.EqualTo(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero))); // 01:30 EDT
        Assert.That(occurrences[1], Is.EqualTo(new DateTimeOffset(2026, 11, 8, 6, 30, 0, TimeSpan.Zero))); // 01:30 EST
    }

    [Test]
    public void New_york_weekday_mornings_shift_in_utc_when_dst_starts()
    {
        var recurrence = new Recurrence([DayOfWeek.Friday, DayOfWeek.Monday], new TimeOnly(9, 0), "America/New_York");

        var occurrences = Occurrences(recurrence, new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.Zero), 3);

        Assert.That(occurrences, Is.EqualTo(new[]
        {
            new DateTimeOffset(2026, 3, 6, 14, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 3, 9, 13, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 3, 13, 13, 0, 0, TimeSpan.Zero),
        }));
    }

    [Test]
    public void Kolkata_has_no_dst_and_never_shifts()
    {
        var recurrence = new Recurrence([DayOfWeek.Monday], new TimeOnly(10, 0), "Asia/Kolkata");

        var occurrences = Occurrences(recurrence, new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), 10);

        Assert.That(occurrences.Select(o => o.TimeOfDay).Distinct(), Is.EqualTo(new[] { new TimeSpan(4, 30, 0) }));
        Assert.That(occurrences.Zip(occurrences.Skip(1), (a, b) => b - a).Distinct(), Is.EqualTo(new[] { TimeSpan.FromDays(7) }));
    }
}
