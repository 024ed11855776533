namespace LearningBot.Core.Settings;

/// <summary>Per-team settings. <see cref="Version"/> is the store's opaque concurrency token (null before the first save).</summary>
public sealed record TeamSettings(string TeamId, int KudosWeeklyBudget, bool LeaderboardEnabled, string TimeZoneId)
{
    public const int DefaultKudosWeeklyBudget = 5;

    public string? Version { get; init; }

    public static TeamSettings Default(string teamId) => new(teamId, DefaultKudosWeeklyBudget, true, "UTC");
}

public interface ITeamSettingsRepository
{
    /// <summary>The team's settings, or <see cref="TeamSettings.Default"/> when none were saved.</summary>
    Task<TeamSettings> GetAsync(string teamId, CancellationToken cancellationToken);

    /// <summary>Saves if the stored version still equals <c>settings.Version</c>; otherwise throws <see cref="Storage.ConcurrencyConflictException"/>.</summary>
    Task<TeamSettings> SaveAsync(TeamSettings settings, CancellationToken cancellationToken);
}
