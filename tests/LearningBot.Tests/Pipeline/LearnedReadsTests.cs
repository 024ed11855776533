using LearningBot.Core.Learnings;
using LearningBot.Core.Storage;
using LearningBot.Core.Time;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Learnings;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Pipeline;

/// <summary>
/// Issue 18: <c>learned</c>'s confirmation and <c>me</c> read what they show, not the person's history. The real pipeline on a
/// real SQLite file, with the learning repository counted on the way: someone with two years behind them costs exactly the
/// reads of someone who started last week.
/// </summary>
public sealed class LearnedReadsTests
{
    private PipelineHarness _bot = null!;
    private CountingLearnings _learnings = null!;

    [SetUp]
    public async Task Start()
    {
        _bot = await PipelineHarness.StartAsync(services => services.AddSingleton<ILearningRepository>(sp =>
            new CountingLearnings(new SqliteLearningRepository(sp.GetRequiredService<SqliteDatabase>()))));
        _learnings = (CountingLearnings)_bot.Services.GetRequiredService<ILearningRepository>();
    }

    [TearDown]
    public async Task Stop() => await _bot.DisposeAsync();

    [Test]
    public async Task Learned_reads_the_same_for_a_long_history_as_for_none()
    {
        // ann: 300 learnings from 10 to 100 weeks ago, then a gap, then last week and the week before; bo: only those two.
        var now = _bot.Clock.GetUtcNow();
        await SeedAsync("ann", Enumerable.Range(0, 300).Select(i => now.AddDays(-70 - i * 2.1)));
        await SeedAsync("ann", [now.AddDays(-7), now.AddDays(-14)]);
        await SeedAsync("bo", [now.AddDays(-7), now.AddDays(-14)]);

        var ann = await ReadsOfAsync(() => _bot.SendTextAsync("ann", "learned how the planner picks an index #sqlite 20m"));
        var bo = await ReadsOfAsync(() => _bot.SendTextAsync("bo", "learned how the planner picks an index #sqlite 20m"));

        Assert.That(ann.Reply, Does.Contain("Streak: 3 weeks in a row").And.Contain("This week: 1 learning · 20m"));
        Assert.That(bo.Reply, Does.Contain("Streak: 3 weeks in a row").And.Contain("This week: 1 learning · 20m"));
        Assert.That(ann.Reads, Is.EqualTo(new Reads(Tallies: 1, WeekReads: 1, WeeksAsked: 6, Lists: 0)));
        Assert.That(bo.Reads, Is.EqualTo(ann.Reads));
    }

    [Test]
    public async Task Me_counts_in_the_store_and_never_lists_the_persons_learnings()
    {
        var now = _bot.Clock.GetUtcNow(); // Wednesday 25 November
        await SeedAsync("ann", Enumerable.Range(0, 250).Select(i => now.AddDays(-30 - i * 2)));
        await _bot.SendAsync("ann", "learned --private how my own notes are organised 15m");
        await _bot.SendAsync("ann", "learned the VACUUM INTO command #sqlite 30m");

        var me = await ReadsOfAsync(() => _bot.SendTextAsync("ann", "me"));

        Assert.That(me.Reply, Does.Contain("Learnings: 252 in all · 2 this month (1 private)"));
        Assert.That(me.Reply, Does.Contain("Streak: 1 week in a row"));
        Assert.That(me.Reply, Does.Contain("Time this month: 45m"));
        // One aggregate for "in all" and "this month" (two before 2026-11-30's ftscost).
        Assert.That(me.Reads, Is.EqualTo(new Reads(Tallies: 1, WeekReads: 1, WeeksAsked: 6, Lists: 0)));
    }

    private async Task SeedAsync(string user, IEnumerable<DateTimeOffset> times)
    {
        foreach (var at in times)
        {
            await _learnings.AddAsync(new LearningEntry(Guid.NewGuid().ToString("N"), "acme", user, "older learning", [], 10, at,
                Guid.NewGuid().ToString("N")), default);
        }
    }

    private async Task<(string Reply, Reads Reads)> ReadsOfAsync(Func<Task<string>> send)
    {
        _learnings.Reset();
        var reply = await send();
        return (reply, _learnings.Snapshot());
    }

    private sealed record Reads(int Tallies, int WeekReads, int WeeksAsked, int Lists);

    /// <summary>The real repository, counting the reads a command makes of it.</summary>
    private sealed class CountingLearnings(ILearningRepository inner) : ILearningRepository
    {
        private int _tallies, _weekReads, _weeksAsked, _lists;

        public void Reset() => _tallies = _weekReads = _weeksAsked = _lists = 0;

        public Reads Snapshot() => new(_tallies, _weekReads, _weeksAsked, _lists);

        public Task<WriteResult<LearningEntry>> AddAsync(LearningEntry entry, CancellationToken cancellationToken) => inner.AddAsync(entry, cancellationToken);

        public Task<IReadOnlyList<LearningEntry>> ListAsync(LearningQuery query, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _lists);
            return inner.ListAsync(query, cancellationToken);
        }

        public Task<LearningTally> TallyAsync(string teamId, string userId, DateTimeOffset? since, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _tallies);
            return inner.TallyAsync(teamId, userId, since, cancellationToken);
        }

        public Task<LearningTallies> TallyAllTimeAndSinceAsync(string teamId, string userId, DateTimeOffset since, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _tallies);
            return inner.TallyAllTimeAndSinceAsync(teamId, userId, since, cancellationToken);
        }

        public Task<IReadOnlyList<bool>> WeeksWithEntriesAsync(string teamId, string userId, IReadOnlyList<WeekRange> weeks,
            CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _weekReads);
            Interlocked.Add(ref _weeksAsked, weeks.Count);
            return inner.WeeksWithEntriesAsync(teamId, userId, weeks, cancellationToken);
        }

        public Task<LearningEntry?> GetAsync(string teamId, string id, CancellationToken cancellationToken) => inner.GetAsync(teamId, id, cancellationToken);

        public Task<LearningEntry?> FindBySourceAsync(string teamId, string sourceMessage, CancellationToken cancellationToken) =>
            inner.FindBySourceAsync(teamId, sourceMessage, cancellationToken);

        public Task<LearningEntry?> UpdateAsync(LearningEntry entry, CancellationToken cancellationToken) => inner.UpdateAsync(entry, cancellationToken);

        public Task<bool> DeleteAsync(string teamId, string id, CancellationToken cancellationToken) => inner.DeleteAsync(teamId, id, cancellationToken);
    }
}
