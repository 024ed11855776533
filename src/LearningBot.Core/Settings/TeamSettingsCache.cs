using System.Collections.Concurrent;
using LearningBot.Core.Storage;

namespace LearningBot.Core.Settings;

/// <summary>
/// Every command needs its team's settings, which change a few times a year, so the pipeline reads them
/// through this short-lived cache: one store read per team per <see cref="Lifetime"/> instead of one per
/// command (on Cosmos DB, a request unit saved on every command). A change saved through this cache is seen
/// at once on this instance, and on other instances within <see cref="Lifetime"/>.
/// </summary>
public sealed class TeamSettingsCache(ITeamSettingsRepository store, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private const int MaxTeams = 10_000;
    private readonly ConcurrentDictionary<string, (TeamSettings Settings, long ReadAt)> _entries = new(StringComparer.Ordinal);

    public async Task<TeamSettings> GetAsync(string teamId, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(teamId, out var entry) && time.GetElapsedTime(entry.ReadAt) < Lifetime)
        {
            return entry.Settings;
        }

        var readAt = time.GetTimestamp();
        var settings = await store.GetAsync(teamId, cancellationToken);
        Remember(settings, readAt);
        return settings;
    }

    /// <summary>Saves through the store's version check; a conflict drops the cached copy so the retry rereads the store.</summary>
    public async Task<TeamSettings> SaveAsync(TeamSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var saved = await store.SaveAsync(settings, cancellationToken);
            Remember(saved, time.GetTimestamp());
            return saved;
        }
        catch (ConcurrencyConflictException)
        {
            _entries.TryRemove(settings.TeamId, out _);
            throw;
        }
    }

    private void Remember(TeamSettings settings, long readAt)
    {
        if (_entries.Count >= MaxTeams)
        {
            _entries.Clear(); // Bounded memory: forgetting costs one read per team.
        }

        _entries[settings.TeamId] = (settings, readAt);
    }
}
