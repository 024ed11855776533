namespace LearningBot.Core.Away;

/// <summary>
/// A person's time away (<c>away until …</c>), one per person: a new <c>away</c> replaces it, <c>back</c> ends it early
/// (kept, so past weeks' participation still knows). Away from <see cref="From"/> (inclusive) to <see cref="Until"/>
/// (exclusive: midnight after the last day away, in the person's time zone), so it ends by itself.
/// </summary>
/// <param name="LastDay">The last day away as the person said it (for "away until 24 Dec 2026").</param>
public sealed record AwayPeriod(string TeamId, string UserId, DateTimeOffset From, DateTimeOffset Until, DateOnly LastDay)
{
    /// <summary>Away at <paramref name="instant"/>.</summary>
    public bool IsAwayAt(DateTimeOffset instant) => From <= instant && instant < Until;

    /// <summary>Away at some time in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public bool Overlaps(DateTimeOffset start, DateTimeOffset end) => From < end && start < Until;
}

/// <summary>Where away periods are kept: one record per person and team.</summary>
public interface IAwayRepository
{
    /// <summary>Stores the person's away period, replacing an earlier one.</summary>
    Task SaveAsync(AwayPeriod period, CancellationToken cancellationToken);

    /// <summary>The person's latest away period (it may have ended); null when they never said <c>away</c>.</summary>
    Task<AwayPeriod?> GetAsync(string teamId, string userId, CancellationToken cancellationToken);

    /// <summary>Every away period of the team that ends after <paramref name="endsAfter"/> (still running, or ended since).</summary>
    Task<IReadOnlyList<AwayPeriod>> ListAsync(string teamId, DateTimeOffset endsAfter, CancellationToken cancellationToken);
}

/// <summary>
/// The one rule for who counts in a participation denominator: a member away at any time in the window who logged
/// nothing in it is left out; everyone who took part counts (so participation never exceeds 100%).
/// Used by <c>insights</c>, the dashboard and everything built on <see cref="Insights.InsightsCalculator"/>.
/// </summary>
public static class AwayRules
{
    /// <param name="members">Everyone the team knows (the usual denominator).</param>
    /// <param name="participants">Who logged at least one learning in the window.</param>
    /// <returns>The members who count in the window's denominator.</returns>
    public static IReadOnlySet<string> CountedMembers(IEnumerable<string> members, IReadOnlySet<string> participants,
        IEnumerable<AwayPeriod> away, DateTimeOffset start, DateTimeOffset end)
    {
        var awayInWindow = away.Where(a => a.Overlaps(start, end)).Select(a => a.UserId).ToHashSet(StringComparer.Ordinal);
        return members.Where(m => participants.Contains(m) || !awayInWindow.Contains(m)).ToHashSet(StringComparer.Ordinal);
    }
}
