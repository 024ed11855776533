using System.Collections.Concurrent;

namespace LearningBot.Core.Installations;

/// <summary>
/// Workspace installs read through a short-lived cache. The Slack adapter needs the install on every Web API call (which
/// token, and whether it was uninstalled) and on every users.info (who installed the app): without the cache that was one
/// store read per outbound Slack call, two per <c>/kudos</c> (issue 18, docs/performance.md). Installs change a few times
/// in a workspace's life, so an answer (also "not installed": the single-token mode asks for every call) is kept for
/// <see cref="Lifetime"/>. A change written through this cache is seen at once on this instance; a change made by another
/// instance (a reinstall, an uninstall) within <see cref="Lifetime"/> — Slack refuses a revoked token meanwhile
/// (<c>token_revoked</c>), so the worst case is a few failed posts, never another workspace's token: entries are keyed by
/// platform and workspace id.
/// </summary>
public sealed class InstallationCache(IInstallationRepository store, TimeProvider time)
{
    /// <summary>How long an install read from the store is trusted.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>A bound on memory: past it the cache starts over (one store read per workspace).</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(string Platform, string TeamId), (Installation? Installation, long ReadAt)> _entries = new();
    private long _writes;

    /// <summary>The workspace's install, active or not; null when it was never installed (see <see cref="IInstallationRepository.GetAsync"/>).</summary>
    public async Task<Installation?> GetAsync(string platform, string teamId, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue((platform, teamId), out var entry) && time.GetElapsedTime(entry.ReadAt) < Lifetime)
        {
            return entry.Installation;
        }

        var readAt = time.GetTimestamp();
        var writes = Volatile.Read(ref _writes);
        var installation = await store.GetAsync(platform, teamId, cancellationToken);
        if (Volatile.Read(ref _writes) == writes)
        {
            // Not when a write went through here meanwhile: this read may predate it.
            Remember(platform, teamId, installation, readAt);
        }

        return installation;
    }

    /// <summary>Stores the install (<see cref="IInstallationRepository.SaveAsync"/>); this instance uses it from now on.</summary>
    public async Task SaveAsync(Installation installation, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        _entries.TryRemove((installation.Platform, installation.TeamId), out _);
        await store.SaveAsync(installation, cancellationToken);
        Interlocked.Increment(ref _writes);
        _entries.TryRemove((installation.Platform, installation.TeamId), out _);
    }

    /// <summary>Marks the install inactive (<see cref="IInstallationRepository.DeactivateAsync"/>); this instance stops using its token at once.</summary>
    public async Task<bool> DeactivateAsync(string platform, string teamId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        _entries.TryRemove((platform, teamId), out _);
        var changed = await store.DeactivateAsync(platform, teamId, at, cancellationToken);
        Interlocked.Increment(ref _writes);
        _entries.TryRemove((platform, teamId), out _);
        return changed;
    }

    private void Remember(string platform, string teamId, Installation? installation, long readAt)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[(platform, teamId)] = (installation, readAt);
    }
}
