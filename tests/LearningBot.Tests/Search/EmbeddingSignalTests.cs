using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Learnings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Learnings;

namespace LearningBot.Tests.Search;

/// <summary>
/// The store's "a document changed" hint to the background embedder (issue 18): with nobody waiting (the embedder busy, or
/// <c>Search:Embeddings:Provider=None</c>) every write used to throw and catch a <see cref="SemaphoreFullException"/>. Writes
/// go through a real SQLite learning repository, as the chat path does.
/// </summary>
[TestFixture]
public sealed class EmbeddingSignalTests
{
    private static readonly AsyncLocal<bool> InThisTest = new();
    private TempDirectory _directory = null!;
    private SqliteDatabase _database = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _directory = new TempDirectory();
        _database = new SqliteDatabase(_directory.File("signal.db"));
        await _database.InitializeAsync(default);
    }

    [TearDown]
    public void Remove()
    {
        SqliteDatabase.ClearPools();
        _directory.Dispose();
    }

    private static LearningEntry Learning(int i) =>
        new($"0193f0c2a1b47c3d9e8f0011223{i:D5}", "slack:T0001", "U0ANN", $"how retries back off, part {i}", ["ops"], 30,
            new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero).AddMinutes(i), $"slack:command:trigger-{i}");

    [Test]
    public async Task Writes_with_nobody_waiting_throw_nothing()
    {
        var signal = new EmbeddingSignal();
        var learnings = new SqliteLearningRepository(_database, signal);
        var thrown = 0;
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (InThisTest.Value && e.Exception is SemaphoreFullException)
            {
                Interlocked.Increment(ref thrown);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            InThisTest.Value = true;
            for (var i = 0; i < 50; i++)
            {
                await learnings.AddAsync(Learning(i), default);
            }
        }
        finally
        {
            InThisTest.Value = false;
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        Assert.That(thrown, Is.Zero, "an exception per write while the embedder was not waiting");
    }

    [Test]
    public async Task Many_writes_wake_the_embedder_once_and_a_later_write_wakes_it_again()
    {
        var signal = new EmbeddingSignal();
        var learnings = new SqliteLearningRepository(_database, signal);
        for (var i = 0; i < 5; i++)
        {
            await learnings.AddAsync(Learning(i), default);
        }

        Assert.That(await signal.WaitAsync(TimeSpan.Zero, default), Is.True, "signalled by the writes");
        Assert.That(await signal.WaitAsync(TimeSpan.Zero, default), Is.False, "one wake-up covers all five");

        var waiting = signal.WaitAsync(TimeSpan.FromSeconds(10), default);
        await learnings.AddAsync(Learning(5), default);
        Assert.That(await waiting, Is.True, "a write while the embedder waits wakes it");
    }
}
