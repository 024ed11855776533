using LearningBot.Core.Learnings;
using LearningBot.Core.Storage;

namespace LearningBot.TestSupport;

/// <summary>
/// The real learning repository, then — on the first <see cref="AddAsync"/> only — an <see cref="IOException"/> after its write:
/// a command that fails part-way, for the "nothing of a failed command stays, its retry stores it once" tests
/// (SQLite delivery transaction and the Teams retry). Linked into test projects by tests/Directory.Build.props.
/// </summary>
public sealed class LearningsFailingAfterWrite(ILearningRepository inner) : ILearningRepository
{
    private int _adds;

    /// <summary>Whether the one failure has happened.</summary>
    public bool Failed => Volatile.Read(ref _adds) > 0;

    public async Task<WriteResult<LearningEntry>> AddAsync(LearningEntry entry, CancellationToken cancellationToken)
    {
        var result = await inner.AddAsync(entry, cancellationToken);
        if (Interlocked.Increment(ref _adds) == 1)
        {
            throw new IOException("disk went away after the write");
        }

        return result;
    }

    public Task<IReadOnlyList<LearningEntry>> ListAsync(LearningQuery query, CancellationToken cancellationToken) =>
        inner.ListAsync(query, cancellationToken);

    public Task<LearningTally> TallyAsync(string teamId, string userId, DateTimeOffset? since, CancellationToken cancellationToken) =>
        inner.TallyAsync(teamId, userId, since, cancellationToken);

    public Task<LearningTallies> TallyAllTimeAndSinceAsync(string teamId, string userId, DateTimeOffset since, CancellationToken cancellationToken) =>
        inner.TallyAllTimeAndSinceAsync(teamId, userId, since, cancellationToken);

    public Task<IReadOnlyList<bool>> WeeksWithEntriesAsync(string teamId, string userId, IReadOnlyList<LearningBot.Core.Time.WeekRange> weeks,
        CancellationToken cancellationToken) =>
        inner.WeeksWithEntriesAsync(teamId, userId, weeks, cancellationToken);

    public Task<LearningEntry?> GetAsync(string teamId, string id, CancellationToken cancellationToken) =>
        inner.GetAsync(teamId, id, cancellationToken);

    public Task<LearningEntry?> FindBySourceAsync(string teamId, string sourceMessage, CancellationToken cancellationToken) =>
        inner.FindBySourceAsync(teamId, sourceMessage, cancellationToken);

    public Task<LearningEntry?> UpdateAsync(LearningEntry entry, CancellationToken cancellationToken) =>
        inner.UpdateAsync(entry, cancellationToken);

    public Task<bool> DeleteAsync(string teamId, string id, CancellationToken cancellationToken) =>
        inner.DeleteAsync(teamId, id, cancellationToken);
}
