using LearningBot.Core.Knowledge;
using LearningBot.Core.Learnings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using LearningBot.Storage.Sqlite.Learnings;

namespace LearningBot.Tests.Search;

/// <summary>
/// One command's searches before its first write share their BM25 rankings (<see cref="RankingMemo"/>): <c>ask</c>'s search and the
/// <c>who knows</c> suggestion after it rank the same words once. On a real SQLite file with another team beside: the shared ranking
/// gives the hits a fresh search gives, and a write (the command's own, or another connection's) is never hidden by it.
/// </summary>
public sealed class RankingMemoTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly SearchKind[] AskKinds = [SearchKind.Knowledge, SearchKind.Learning];
    private static readonly SearchKind[] WhoKnowsKinds = [SearchKind.Knowledge, SearchKind.Learning, SearchKind.Kudos];
    private TempDirectory _directory = null!;
    private SqliteDatabase _database = null!;
    private SqliteSearchIndex _search = null!;

    [SetUp]
    public async Task Create()
    {
        _directory = new TempDirectory();
        _database = new SqliteDatabase(_directory.File("memo.db"));
        await _database.InitializeAsync(default);
        _search = new SqliteSearchIndex(_database);
        var learnings = new SqliteLearningRepository(_database);
        for (var i = 0; i < 60; i++)
        {
            foreach (var team in new[] { "acme", "globex" })
            {
                var text = i % 3 == 0 ? $"deploy the billing service after review {i}" : $"deploy notes {i}: the canary waited an hour";
                await learnings.AddAsync(new LearningEntry($"{team}-{i}", team, $"u{i % 7}", text, [], null, At.AddMinutes(i), $"{team}-{i}"), default);
            }
        }
    }

    [TearDown]
    public void Remove() => _directory.Dispose();

    /// <summary>The command as <c>ask</c> runs it: its own search (50 candidates), then the suggestion's (200, kudos too).</summary>
    private Task<(IReadOnlyList<SearchHit> Ask, IReadOnlyList<SearchHit> WhoKnows, int Reused)> InOneCommandAsync(Func<Task>? between = null) =>
        _database.InOneTransactionAsync(async ct =>
        {
            var ask = await _search.SearchAsync(new SearchQuery("acme", "deploy billing service", AskKinds, 50), ct);
            if (between is not null)
            {
                await between();
            }

            var whoKnows = await _search.SearchAsync(new SearchQuery("acme", "deploy billing service", WhoKnowsKinds, 200) { Excerpts = false }, ct);
            var reused = _database.BeforeUnitWrites(() => new RankingMemo())?.Reused ?? -1;
            return ((ask, whoKnows, reused), Commit: true);
        }, default);

    [Test]
    public async Task The_suggestion_reuses_the_ask_ranking_and_gets_the_hits_a_fresh_search_gets()
    {
        var (ask, whoKnows, reused) = await InOneCommandAsync();
        var fresh = await _search.SearchAsync(new SearchQuery("acme", "deploy billing service", WhoKnowsKinds, 200) { Excerpts = false }, default);

        Assert.That(reused, Is.EqualTo(2), "both of the suggestion's rankings (all words, then the any-word fallback) came from the memo");
        Assert.That(whoKnows.Select(h => (h.Id, h.Score)), Is.EqualTo(fresh.Select(h => (h.Id, h.Score))), "the hits of a search outside the command");
        Assert.That(whoKnows, Has.Count.EqualTo(60), "acme's 20 notes with every word, then its 40 with one of them");
        Assert.That(whoKnows.Take(20).Select(h => h.Id), Is.All.Matches<string>(id => int.Parse(id["acme-".Length..]) % 3 == 0), "every word first");
        Assert.That(whoKnows.Concat(ask).Select(h => h.Id), Is.All.StartsWith("acme-"), "never another team's");
    }

    [Test]
    public async Task A_write_in_the_command_before_the_suggestion_is_seen_by_it()
    {
        var learnings = new SqliteLearningRepository(_database);

        var (_, whoKnows, reused) = await InOneCommandAsync(() => learnings.AddAsync(
            new LearningEntry("acme-new", "acme", "bo", "deploy the billing service with the new script", [], null, At, "acme-new"), default));

        Assert.That(whoKnows.Select(h => h.Id), Does.Contain("acme-new"), "ranked again after the command's own write");
        Assert.That(reused, Is.EqualTo(-1), "no memo once the command has written");
    }

    [Test]
    public async Task Another_connections_commit_before_the_suggestion_is_seen_by_it()
    {
        // A second process on the same file (its own pool), committing between the two searches.
        var other = new SqliteDatabase(_database.Path);
        var learnings = new SqliteLearningRepository(other);

        var (_, whoKnows, reused) = await InOneCommandAsync(() => learnings.AddAsync(
            new LearningEntry("acme-other", "acme", "cy", "deploy the billing service from the other instance", [], null, At, "acme-other"), default));

        Assert.That(whoKnows.Select(h => h.Id), Does.Contain("acme-other"), "the index changed: ranked again");
        Assert.That(reused, Is.Zero, "the stale ranking was not used");
    }
}
