namespace LearningBot.Core.Installations;

/// <summary>
/// The bot's credentials for one workspace, from an OAuth install. <see cref="ToString"/> never shows
/// the token, so logging the record (or an exception that contains it) cannot leak it.
/// </summary>
/// <param name="Platform">e.g. <c>slack</c>.</param>
/// <param name="TeamId">The workspace id (Slack <c>T…</c>).</param>
/// <param name="BotToken">The bot access token (Slack <c>xoxb-…</c>).</param>
/// <param name="IsActive">False after the app was uninstalled or its tokens were revoked.</param>
public sealed record Installation(
    string Platform,
    string TeamId,
    string TeamName,
    string BotUserId,
    string BotToken,
    string InstalledBy,
    DateTimeOffset InstalledAt,
    bool IsActive = true)
{
    public override string ToString() =>
        $"Installation {{ Platform = {Platform}, TeamId = {TeamId}, TeamName = {TeamName}, BotUserId = {BotUserId}, " +
        $"BotToken = [redacted], InstalledBy = {InstalledBy}, InstalledAt = {InstalledAt:O}, IsActive = {IsActive} }}";
}

public interface IInstallationRepository
{
    /// <summary>Stores the install, replacing an earlier one for the same workspace (a reinstall re-activates it).</summary>
    Task SaveAsync(Installation installation, CancellationToken cancellationToken);

    /// <summary>The workspace's install, active or not; null when it was never installed.</summary>
    Task<Installation?> GetAsync(string platform, string teamId, CancellationToken cancellationToken);

    /// <summary>Marks the install inactive (its token must no longer be used); true when there was an active one.</summary>
    Task<bool> DeactivateAsync(string platform, string teamId, DateTimeOffset at, CancellationToken cancellationToken);
}
