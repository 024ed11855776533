using Cronos;

namespace LearningBot.Core.Prompts;

/// <summary>
/// "These weekdays at this local time in this zone", evaluated by Cronos so daylight-saving days
/// neither skip nor double an occurrence (a skipped local time fires at the first valid instant,
/// an ambiguous one fires once).
/// </summary>
public sealed record Recurrence(IReadOnlyList<DayOfWeek> Days, TimeOnly At, string TimeZoneId)
{
    public DateTimeOffset? NextAfter(DateTimeOffset instant)
    {
        var days = string.Join(',', Days.Distinct().Order().Select(d => (int)d));
        var cron = CronExpression.Parse($"{At.Minute} {At.Hour} * * {days}");
        var next = cron.GetNextOccurrence(instant.UtcDateTime, Time.TeamClock.FindOrUtc(TimeZoneId), inclusive: false);
        return next is null ? null : new DateTimeOffset(next.Value, TimeSpan.Zero);
    }

    public string Describe() =>
        $"{string.Join(", ", Days.Distinct().Order().Select(d => d.ToString()[..3]))} at {At:HH\\:mm} ({TimeZoneId})";
}
