using System.Collections.Concurrent;

namespace LearningBot.Core.Members;

/// <summary>
/// The members this instance stored recently, with the name it stored: a command from someone whose name has not changed
/// skips the member upsert, which on SQLite was a write (the writer lock) on every command although it changed nothing
/// (issue 18). An entry is trusted for <see cref="FreshFor"/>, so a change made elsewhere (another instance's "forget me",
/// a rename seen there) is picked up within that time; this instance's "forget me" drops the entry at once.
/// </summary>
public sealed class KnownMembers(TimeProvider time)
{
    /// <summary>How long a stored name is trusted without writing it again.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(10);

    /// <summary>A bound on memory: past it the cache starts over (the next commands upsert again).</summary>
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<(string TeamId, string UserId), (string Name, DateTimeOffset Until)> _stored = new();

    /// <summary>Whether <paramref name="member"/> was stored here with this very name less than <see cref="FreshFor"/> ago.</summary>
    public bool IsStored(Member member) =>
        _stored.TryGetValue((member.TeamId, member.UserId), out var entry)
        && entry.Name == member.DisplayName && entry.Until > time.GetUtcNow();

    /// <summary>Call after the member's upsert.</summary>
    public void Stored(Member member)
    {
        if (_stored.Count >= MaxEntries)
        {
            _stored.Clear();
        }

        _stored[(member.TeamId, member.UserId)] = (member.DisplayName, time.GetUtcNow() + FreshFor);
    }

    /// <summary>The person's member row is gone (forget me): the next command must store it again.</summary>
    public void Forget(string teamId, string userId) => _stored.TryRemove((teamId, userId), out _);
}
