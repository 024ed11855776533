namespace LearningBot.Core.Settings;

/// <summary>One person's own settings in a team (no admin needed to change them).</summary>
/// <param name="AskMe">
/// <c>settings ask-me on</c>: when a question on a topic the person knows best is asked three times with no written answer,
/// the bot sends it to them once. Off by default: nobody gets questions they did not ask for.
/// </param>
public sealed record PersonSettings(string TeamId, string UserId, bool AskMe)
{
    public static PersonSettings Default(string teamId, string userId) => new(teamId, userId, AskMe: false);
}

public interface IPersonSettingsRepository
{
    /// <summary>The person's settings, or <see cref="PersonSettings.Default"/> when none were saved.</summary>
    Task<PersonSettings> GetAsync(string teamId, string userId, CancellationToken cancellationToken);

    /// <summary>Saves (last write wins: only the person changes their own settings).</summary>
    Task SaveAsync(PersonSettings settings, CancellationToken cancellationToken);
}
