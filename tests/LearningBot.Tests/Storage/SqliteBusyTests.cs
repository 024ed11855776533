using System.Diagnostics;
using LearningBot.Core.Replies;
using LearningBot.Storage.Sqlite;
using LearningBot.Tests.Pipeline;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Storage;

/// <summary>
/// Another connection holds SQLite's write lock on the real database file (as a second instance, a backup tool or
/// a long "forget me" would): a command waits for it within <see cref="SqliteBusyPolicy"/>, and past the policy the
/// person is told nothing was saved — and nothing was.
/// </summary>
[TestFixture]
public sealed class SqliteBusyTests
{
    private TempDirectory _directory = null!;
    private string _path = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = new TempDirectory();
        _path = _directory.File("busy.db");
    }

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [Test]
    public async Task A_command_waits_for_a_held_write_lock_and_succeeds_once_it_is_released()
    {
        await using var bot = await PipelineHarness.StartAsync(databasePath: _path);
        await using var blocker = await HoldWriteLockAsync();

        var sending = bot.SendAsync("ann", "learned how WAL checkpoints work", key: "k1");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var finishedWhileLocked = sending.IsCompleted;
        await blocker.ReleaseAsync();
        var reply = await sending.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(finishedWhileLocked, Is.False, "the command waited for the lock instead of failing at once");
        Assert.That(reply.Kind, Is.EqualTo(ReplyKind.Confirmation), PlainTextRenderer.Render(reply));
        Assert.That(await CountAsync("learnings"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_lock_held_past_the_policy_gets_a_clear_not_saved_reply_and_writes_nothing()
    {
        var policy = new SqliteBusyPolicy { LockWaitSeconds = 1, Retries = 2, FirstPause = TimeSpan.FromMilliseconds(100) };
        await using var bot = await PipelineHarness.StartAsync(
            services => services.AddSqliteStorage(_path, policy), // the last registration wins: the short policy
            databasePath: _path);
        await bot.SendAsync("ann", "learned something earlier", key: "earlier"); // the people are known, rows exist
        var before = await CountAllTablesAsync();

        BotReply reply;
        var watch = Stopwatch.StartNew();
        await using (var blocker = await HoldWriteLockAsync())
        {
            reply = await bot.SendAsync("ann", "kudos <@bob> <@cy> for pairing on the outage #teamwork", key: "k2")
                .WaitAsync(TimeSpan.FromSeconds(60));
            watch.Stop();
            await blocker.ReleaseAsync();
        }

        var text = PlainTextRenderer.Render(reply);
        Assert.That(reply.Kind, Is.EqualTo(ReplyKind.Error));
        Assert.That(text, Does.Contain("nothing was saved. Please try again"));
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2.5)),
            "three attempts, each waiting about a second for the lock, before giving up");
        Assert.That(await CountAllTablesAsync(), Is.EqualTo(before), "no table gained or lost a row");

        var retried = await bot.SendAsync("ann", "kudos <@bob> <@cy> for pairing on the outage #teamwork", key: "k2");
        Assert.That(PlainTextRenderer.Render(retried), Does.Contain("Ann gave kudos to @Bob and @Cy"));
        Assert.That(await CountAsync("kudos_receipts"), Is.EqualTo(2), "the person's retry stored it, once");
    }

    /// <summary>A second connection in BEGIN EXCLUSIVE: no other connection can write until it ends.</summary>
    private async Task<WriteLock> HoldWriteLockAsync()
    {
        var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE";
        await begin.ExecuteNonQueryAsync();
        return new WriteLock(connection);
    }

    private sealed class WriteLock(SqliteConnection connection) : IAsyncDisposable
    {
        public async Task ReleaseAsync()
        {
            await using var end = connection.CreateCommand();
            end.CommandText = "ROLLBACK";
            await end.ExecuteNonQueryAsync();
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    private async Task<long> CountAsync(string table)
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<Dictionary<string, long>> CountAllTablesAsync()
    {
        var counts = new Dictionary<string, long>();
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var tables = connection.CreateCommand();
        tables.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        var names = new List<string>();
        await using (var reader = await tables.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            counts[name] = await CountAsync(name);
        }

        return counts;
    }
}
