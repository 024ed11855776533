using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Learnings;
using LearningBot.Storage.Sqlite.Members;
using LearningBot.TestSupport;
using LearningBot.Tests.Pipeline;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Storage;

/// <summary>
/// A delivery as the Slack and Teams adapters run it on SQLite (issue 18): the command's writes and the delivery's
/// record are one write transaction (<see cref="IDeliveryLog.RunAndRecordAsync{T}"/>), through the real pipeline on a
/// real file. Exactly once: committed together, nothing of a failed command stays (and it is not recorded, so the
/// retry runs), a delivery recorded elsewhere first leaves no second effect.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class SqliteDeliveryTransactionTests
{
    private const string Scope = "slack:T1";

    [Test]
    public async Task A_command_and_its_delivery_record_commit_together_and_the_reply_sees_the_commands_own_write()
    {
        await using var bot = await PipelineHarness.StartAsync();
        await bot.SendAsync("ann", "learned an earlier thing", key: "earlier");

        var run = await RunAsync(bot, "command:trigger-1", "learned how savepoints nest #sqlite", "slack:command:trigger-1");

        Assert.That(run.Record, Is.EqualTo(DeliveryRecord.Recorded));
        // The confirmation counts the learning just written: reads inside the transaction see its uncommitted writes.
        Assert.That(PlainTextRenderer.Render(run.Value), Does.Contain("2 learnings"));
        Assert.That(await Deliveries(bot).WasRecordedAsync(Scope, "command:trigger-1", default), Is.True);
        Assert.That(await CountAsync(bot, "SELECT COUNT(*) FROM learnings WHERE idempotency_key = 'slack:command:trigger-1'"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_delivery_recorded_elsewhere_first_rolls_this_ones_writes_back()
    {
        await using var bot = await PipelineHarness.StartAsync();
        // Another instance took the same delivery and recorded it (its own writes carry another key here, so a second
        // effect would show as a second row).
        Assert.That(await Deliveries(bot).TryRecordAsync(Scope, "event:Ev1", null, bot.Clock.GetUtcNow(), default), Is.True);

        var run = await RunAsync(bot, "event:Ev1", "learned how retries double count", "slack:message:D1:1.1");

        Assert.That(run.Record, Is.EqualTo(DeliveryRecord.AlreadyRecorded));
        Assert.That(await CountAsync(bot, "SELECT COUNT(*) FROM learnings"), Is.Zero, "nothing of the second delivery stayed");
    }

    [Test]
    public async Task A_delivery_known_by_two_ids_records_both_with_its_writes_or_neither_when_one_was_recorded_first()
    {
        await using var bot = await PipelineHarness.StartAsync();
        string[] first = ["event:EvA", "message:D1:1.1"];
        string[] second = ["event:EvB", "message:D1:1.1"]; // the same message under another event id (app_mention + message.im)
        string[] many = ["event:EvC", "message:D2:2.1", "event:EvC2", "event:EvC3", "event:EvC4", "event:EvC5"];

        var stored = await RunAsync(bot, first, "learned one message two events", "slack:message:D1:1.1");
        var again = await RunAsync(bot, second, "learned one message two events, again", "slack:message:D1:1.1-b");
        var six = await RunAsync(bot, many, "learned six ids at once", "slack:message:D2:2.1");

        Assert.That(stored.Record, Is.EqualTo(DeliveryRecord.Recorded));
        Assert.That(again.Record, Is.EqualTo(DeliveryRecord.AlreadyRecorded));
        Assert.That(six.Record, Is.EqualTo(DeliveryRecord.Recorded));
        Assert.That(await CountAsync(bot, "SELECT COUNT(*) FROM learnings WHERE text LIKE 'one message two events%'"), Is.EqualTo(1),
            "the second delivery's learning was rolled back");
        Assert.That(await Deliveries(bot).WasRecordedAsync(Scope, "event:EvB", default), Is.False, "nor was its other id kept");
        Assert.That(await CountAsync(bot, "SELECT COUNT(*) FROM deliveries WHERE delivery_id IN ('event:EvA', 'message:D1:1.1')"), Is.EqualTo(2));
        Assert.That(await CountAsync(bot, "SELECT COUNT(*) FROM deliveries WHERE delivery_id LIKE 'event:EvC%' OR delivery_id = 'message:D2:2.1'"),
            Is.EqualTo(6));
        Assert.That(await CountAsync(bot, "SELECT COUNT(*) FROM deliveries WHERE delivery_id = 'event:EvA' AND user_id = 'ann' AND team_id = 'acme'"),
            Is.EqualTo(1), "the sender is recorded with every id");
    }

    [Test]
    public async Task A_command_that_fails_part_way_keeps_none_of_its_writes_is_not_recorded_and_its_retry_stores_it_once()
    {
        await using var bot = await PipelineHarness.StartAsync(services => services.AddSingleton<ILearningRepository>(sp =>
            new LearningsFailingAfterWrite(new SqliteLearningRepository(sp.GetRequiredService<SqliteDatabase>()))));

        var failed = await RunAsync(bot, "command:trigger-2", "learned how half-done writes vanish", "slack:command:trigger-2");

        Assert.That(failed.Value.NothingSaved, Is.True, PlainTextRenderer.Render(failed.Value));
        Assert.That(failed.Record, Is.EqualTo(DeliveryRecord.NotRecorded));
        Assert.That(await Deliveries(bot).WasRecordedAsync(Scope, "command:trigger-2", default), Is.False, "the record does not claim it was done");
        Assert.That(await CountAsync(bot, "SELECT COUNT(*) FROM learnings"), Is.Zero, "the learning written before the failure was rolled back");

        var retried = await RunAsync(bot, "command:trigger-2", "learned how half-done writes vanish", "slack:command:trigger-2");

        Assert.That(retried.Record, Is.EqualTo(DeliveryRecord.Recorded));
        Assert.That(retried.Value.Kind, Is.EqualTo(ReplyKind.Confirmation), PlainTextRenderer.Render(retried.Value));
        Assert.That(await CountAsync(bot, "SELECT COUNT(*) FROM learnings"), Is.EqualTo(1), "stored once, by the retry");
    }

    [Test]
    public async Task Work_that_throws_leaves_neither_its_writes_nor_a_record()
    {
        await using var bot = await PipelineHarness.StartAsync();
        var learnings = bot.Services.GetRequiredService<ILearningRepository>();

        Assert.ThrowsAsync<InvalidOperationException>(() => Deliveries(bot).RunAndRecordAsync<int>(Scope, ["command:trigger-3"], async ct =>
        {
            await learnings.AddAsync(new LearningEntry("l-1", "acme", "ann", "how crashes look", [], null, bot.Clock.GetUtcNow(), "k-3"), ct);
            throw new InvalidOperationException("the process dies here");
        }, bot.Clock.GetUtcNow(), default));

        Assert.That(await CountAsync(bot, "SELECT COUNT(*) FROM learnings"), Is.Zero);
        Assert.That(await Deliveries(bot).WasRecordedAsync(Scope, "command:trigger-3", default), Is.False);
        // The writer is free again: the next delivery goes through.
        Assert.That((await RunAsync(bot, "command:trigger-4", "learned to release locks", "slack:command:trigger-4")).Record,
            Is.EqualTo(DeliveryRecord.Recorded));
    }

    [Test]
    public async Task Forget_me_inside_a_delivery_deletes_and_checkpoints_the_log_after_the_commit()
    {
        await using var bot = await PipelineHarness.StartAsync();
        await bot.SendAsync("ann", "learned something only ann knows", key: "a1");

        var run = await RunAsync(bot, "command:trigger-5", "forget me delete-answers", "slack:command:trigger-5", user: "ann");

        Assert.That(run.Record, Is.EqualTo(DeliveryRecord.Recorded), PlainTextRenderer.Render(run.Value));
        Assert.That(await CountAsync(bot, "SELECT COUNT(*) FROM learnings"), Is.Zero);
        var wal = bot.Services.GetRequiredService<SqliteDatabase>().Path + "-wal";
        Assert.That(new FileInfo(wal).Length, Is.Zero, "the WAL was checkpointed (TRUNCATE) once the transaction committed");
    }

    [Test]
    public async Task A_person_is_stored_once_while_their_name_is_unchanged_and_again_after_forget_me()
    {
        var upserts = new List<Member>();
        await using var bot = await PipelineHarness.StartAsync(services => services.AddSingleton<IMemberRepository>(sp =>
            new CountingMembers(new SqliteMemberRepository(sp.GetRequiredService<SqliteDatabase>()), upserts)));

        await bot.SendAsync("ann", "learned one thing");
        await bot.SendAsync("ann", "learned another thing");
        Assert.That(upserts.Count(m => m.UserId == "ann"), Is.EqualTo(1), "the second command had nothing new to store about ann");

        await bot.SendAsync("ann", "forget me delete-answers");
        Assert.That(await CountAsync(bot, "SELECT COUNT(*) FROM members WHERE user_id = 'ann'"), Is.Zero);
        await bot.SendAsync("ann", "learned after starting over");

        Assert.That(await CountAsync(bot, "SELECT COUNT(*) FROM members WHERE user_id = 'ann'"), Is.EqualTo(1), "ann is a member again");
    }

    private static IDeliveryLog Deliveries(PipelineHarness bot) => bot.Services.GetRequiredService<IDeliveryLog>();

    /// <summary>What the Slack adapter does with a delivery: the pipeline inside <see cref="IDeliveryLog.RunAndRecordAsync{T}"/>.</summary>
    private static Task<DeliveryRun<BotReply>> RunAsync(PipelineHarness bot, string deliveryId, string text, string key, string user = "ann") =>
        RunAsync(bot, [deliveryId], text, key, user);

    private static Task<DeliveryRun<BotReply>> RunAsync(PipelineHarness bot, string[] deliveryIds, string text, string key, string user = "ann") =>
        Deliveries(bot).RunAndRecordAsync(Scope, deliveryIds, async ct =>
        {
            var reply = await bot.SendAsync(user, text, key);
            return new DeliveryWork<BotReply>(reply, !reply.NothingSaved, new DeliverySender("acme", user));
        }, bot.Clock.GetUtcNow(), default);

    private static async Task<long> CountAsync(PipelineHarness bot, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={bot.Services.GetRequiredService<SqliteDatabase>().Path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class CountingMembers(IMemberRepository inner, List<Member> upserts) : IMemberRepository
    {
        public Task UpsertAsync(Member member, CancellationToken cancellationToken)
        {
            lock (upserts)
            {
                upserts.Add(member);
            }

            return inner.UpsertAsync(member, cancellationToken);
        }

        public Task<IReadOnlyList<Member>> ListAsync(string teamId, CancellationToken cancellationToken) => inner.ListAsync(teamId, cancellationToken);

        public Task<IReadOnlyDictionary<string, string>> GetDisplayNamesAsync(string teamId, IReadOnlyCollection<string> userIds,
            CancellationToken cancellationToken) => inner.GetDisplayNamesAsync(teamId, userIds, cancellationToken);
    }
}
