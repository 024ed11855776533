using LearningBot.Core.Kudos;

namespace LearningBot.Core.Settings;

/// <summary>Per-team settings. <see cref="Version"/> is the store's opaque concurrency token (null before the first save).</summary>
/// <param name="KudosWeeklyBudget">How many kudos a person may give per <see cref="KudosBudgetPeriod"/> (the name is historical: weekly was the only period).</param>
public sealed record TeamSettings(string TeamId, int KudosWeeklyBudget, bool LeaderboardEnabled, string TimeZoneId)
{
    public const int DefaultKudosWeeklyBudget = 5;

    public string? Version { get; init; }

    /// <summary>The period the kudos budget refills in (default a week, the behaviour before periods existed).</summary>
    public KudosPeriod KudosBudgetPeriod { get; init; } = KudosPeriod.Week;

    /// <summary>
    /// The team's kudos emoji as a Slack-style short name without colons (<c>tada</c>): <c>@bo :tada: thanks</c> in a channel
    /// and, in Slack, this reaction on someone's message give kudos (<see cref="KudosEmoji"/>).
    /// </summary>
    public string KudosEmoji { get; init; } = Kudos.KudosEmoji.Default;

    /// <summary>The team's values (lower case, without <c>#</c>), in the order they were added; empty: any <c>#value</c> is accepted.</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>Days after sharing or confirming when a shared answer's owner is asked to review it (<c>settings review-after</c>).</summary>
    public int ReviewAfterDays { get; init; } = DefaultReviewAfterDays;

    public const int DefaultReviewAfterDays = 180;

    /// <summary>The range <c>settings review-after</c> accepts: at least a week (no weekly nagging), at most two years.</summary>
    public const int MinReviewAfterDays = 7, MaxReviewAfterDays = 730;

    public static TeamSettings Default(string teamId) => new(teamId, DefaultKudosWeeklyBudget, true, "UTC");
}

public interface ITeamSettingsRepository
{
    /// <summary>The team's settings, or <see cref="TeamSettings.Default"/> when none were saved.</summary>
    Task<TeamSettings> GetAsync(string teamId, CancellationToken cancellationToken);

    /// <summary>Saves if the stored version still equals <c>settings.Version</c>; otherwise throws <see cref="Storage.ConcurrencyConflictException"/>.</summary>
    Task<TeamSettings> SaveAsync(TeamSettings settings, CancellationToken cancellationToken);
}
