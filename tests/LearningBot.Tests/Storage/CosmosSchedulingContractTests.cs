using LearningBot.Core.Nudges;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Storage.Cosmos;
using LearningBot.Storage.Cosmos.Outbox;
using LearningBot.Storage.Cosmos.Prompts;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Tests.Storage;

/// <summary>
/// The scheduling contract against a Cosmos DB server. The outbox is global (not per team) and the suite
/// asserts exactly what is due, so every test gets its own database, deleted afterwards.
/// </summary>
[TestFixture]
public sealed class CosmosSchedulingContractTests : SchedulingContractTests
{
    private CosmosStore? _store;

    protected override async Task<(IPromptRepository Prompts, INudgeRepository Nudges, IOutbox Outbox)> CreateStoresAsync()
    {
        _store = await CosmosTestTarget.StartOwnDatabaseAsync("lbsched");
        return (new CosmosPromptRepository(_store), new CosmosNudgeRepository(_store), new CosmosOutbox(_store));
    }

    protected override async Task DisposeStoresAsync()
    {
        await CosmosTestTarget.StopOwnDatabaseAsync(_store);
        _store = null;
    }

    // Cosmos-specific: there is no transaction around a claim's writes (the local server has no batch, and
    // the design does not need one). These tests stop a claim after its first write, as a crash would, and
    // check that the next scheduler run finishes it, exactly once.
    private static readonly DateTimeOffset At = new(2026, 11, 26, 8, 30, 0, TimeSpan.Zero);
    private static readonly Recurrence Daily = new(Enum.GetValues<DayOfWeek>(), new TimeOnly(8, 30), "UTC");

    [Test]
    public async Task A_claim_that_crashed_after_its_create_is_finished_by_the_next_claimer()
    {
        var (prompts, _, outbox) = Stores();
        var (team, key) = NewChannel();
        await prompts.SaveScheduleAsync(new PromptSchedule(key, team, Daily, "q?", At), default);
        var occurrence = new PromptOccurrence(PromptOccurrence.IdFor(key, At), key, team, At, OccurrenceState.Claimed, At.AddHours(24));
        await CrashAfterCreateAsync(occurrence, Post("post-" + team, team, key), next: At.AddDays(1));

        var second = await prompts.ClaimOccurrenceAsync(occurrence, Post("post-again-" + team, team, key), At.AddDays(1), default);
        var third = await prompts.ClaimOccurrenceAsync(occurrence, Post("post-again-" + team, team, key), At.AddDays(1), default);

        Assert.That((second, third), Is.EqualTo((false, false)), "the occurrence was claimed by the crashed instance");
        Assert.That((await prompts.GetScheduleAsync(team, key, default))!.NextDueAt, Is.EqualTo(At.AddDays(1)), "the schedule moved on");
        var leased = await outbox.LeaseDueAsync(At, TimeSpan.FromMinutes(1), 10, default);
        Assert.That(leased.Select(m => m.Id), Is.EqualTo(new[] { "post-" + team }), "the crashed claimer's post, once");
        Assert.That(await ReadOccurrenceAsync(occurrence.Id), Has.Property(nameof(OccurrenceDocument.HasPendingWork)).False);
    }

    [Test]
    public async Task The_close_sweep_finishes_a_crashed_post_now_and_a_crashed_close()
    {
        var (prompts, _, outbox) = Stores();
        var (team, key) = NewChannel();
        var postNow = new PromptOccurrence(PromptOccurrence.IdFor(key, At), key, team, At, OccurrenceState.Claimed, At.AddHours(24));
        await CrashAfterCreateAsync(postNow, Post("now-" + team, team, key), next: null);

        var sweptEarly = await prompts.ListOccurrencesToCloseAsync(At.AddMinutes(1), 10, default);
        Assert.That(sweptEarly, Is.Empty, "a claimed (not yet posted) occurrence is not closed");
        Assert.That((await outbox.LeaseDueAsync(At.AddMinutes(1), TimeSpan.FromMinutes(1), 10, default)).Select(m => m.Id),
            Is.EqualTo(new[] { "now-" + team }), "the sweep queued the post the crashed claim left");

        await outbox.CompleteAsync("now-" + team, "ts-1", At.AddMinutes(1), default);
        await prompts.MarkPostedAsync(postNow.Id, "ts-1", default);
        var digest = Post("digest-" + team, team, key) with { Purpose = OutboxPurpose.PromptDigest };
        var document = await ReadOccurrenceAsync(postNow.Id);
        // A close that crashed after its one exactly-once write (Posted → Closed with the digest in it).
        await Store.Proactive.ReplaceItemAsync(
            (document with { State = nameof(OccurrenceState.Closed), PendingDigest = OutboxDocument.From(digest) }).WithDueAt(),
            document.Id, new PartitionKey(OccurrenceDocument.Partition), new ItemRequestOptions { IfMatchEtag = document.ETag });

        var swept = await prompts.ListOccurrencesToCloseAsync(At.AddDays(2), 10, default);
        var closedAgain = await prompts.CloseOccurrenceAsync(postNow.Id, digest with { Id = "digest-2-" + team }, default);

        Assert.That(swept, Is.Empty, "a closed occurrence is not listed again");
        Assert.That(closedAgain, Is.False);
        var leased = await outbox.LeaseDueAsync(At.AddDays(2), TimeSpan.FromMinutes(1), 10, default);
        Assert.That(leased.Select(m => m.Id), Is.EqualTo(new[] { "digest-" + team }));
        Assert.That((await ReadOccurrenceAsync(postNow.Id)).DueAt, Is.Null, "nothing left for the sweep");
    }

    [Test]
    public async Task A_nudge_claim_that_crashed_after_its_create_is_finished_once()
    {
        var (_, nudges, outbox) = Stores();
        var (team, _) = NewChannel();
        var weekly = new Recurrence([DayOfWeek.Friday], new TimeOnly(15, 0), "UTC");
        var friday = new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero);
        var subscription = new NudgeSubscription(team, "ann", weekly, friday);
        await nudges.SaveAsync(subscription, default);
        var dm = Post("nudge-" + team, team, $"test:{team}:D-ann") with { Purpose = OutboxPurpose.Nudge };
        await Store.Proactive.CreateItemAsync(new NudgeWeekDocument
        {
            Id = DocumentIds.NudgeWeek(team, "ann", "2026-11-23"),
            TeamId = team,
            UserId = "ann",
            WeekKey = "2026-11-23",
            PendingDm = OutboxDocument.From(dm),
            AdvanceFrom = friday.ToUnixTimeMilliseconds(),
            AdvanceTo = friday.AddDays(7).ToUnixTimeMilliseconds(),
        }, new PartitionKey(NudgeDocument.Partition));

        var due = await nudges.ListDueAsync(friday, 10, default);
        var again = await nudges.ClaimAsync(subscription, friday, "2026-11-23", dm with { Id = "nudge-2-" + team }, friday.AddDays(7), default);

        Assert.That(due.Select(s => s.UserId), Is.EqualTo(new[] { "ann" }), "still due: the crash came before the due time moved");
        Assert.That(again, Is.False);
        Assert.That((await nudges.GetAsync(team, "ann", default))!.NextDueAt, Is.EqualTo(friday.AddDays(7)));
        Assert.That((await outbox.LeaseDueAsync(friday, TimeSpan.FromMinutes(1), 10, default)).Select(m => m.Id), Is.EqualTo(new[] { "nudge-" + team }));
    }

    // What the scheduler costs: every instance polls every few seconds, so an idle poll must stay a few
    // single-partition queries (no fan-out, no query-plan round trip). Printed for docs/storage.md.
    [Test]
    public async Task An_idle_scheduler_poll_is_six_requests_and_a_claim_and_a_delivery_a_few_more()
    {
        var (prompts, nudges, outbox) = Stores();
        var reviews = new LearningBot.Storage.Cosmos.Knowledge.CosmosAnswerReviewRepository(Store);
        var conversations = new LearningBot.Storage.Cosmos.Conversations.CosmosConversationRepository(Store);
        var (team, key) = NewChannel();
        async Task PollAsync(DateTimeOffset now)
        {
            await prompts.ListDueSchedulesAsync(now, 50, default);
            await prompts.ListOccurrencesToCloseAsync(now, 50, default);
            await prompts.ListOccurrencesToRemindAsync(now, 50, default);
            await nudges.ListDueAsync(now, 50, default);
            await reviews.ListDueAsync(now, 50, default);
            await outbox.LeaseDueAsync(now, TimeSpan.FromMinutes(2), 50, default);
        }

        await PollAsync(At); // warm-up: container metadata
        await conversations.SaveAsync(new LearningBot.Core.Conversations.StoredConversation(key, "test", team,
            LearningBot.Core.Conversations.ConversationKind.Channel, null, "{}", true, At), default);
        await prompts.SaveScheduleAsync(new PromptSchedule(key, team, Daily, "q?", At.AddDays(1)), default);
        var idle = await MeasureAsync(() => PollAsync(At));
        var occurrence = new PromptOccurrence(PromptOccurrence.IdFor(key, At.AddDays(1)), key, team, At.AddDays(1), OccurrenceState.Claimed, At.AddDays(2));
        var claim = await MeasureAsync(() => prompts.ClaimOccurrenceAsync(occurrence, Post("p-" + team, team, key), At.AddDays(2), default));
        var deliver = await MeasureAsync(async () =>
        {
            var leased = await outbox.LeaseDueAsync(At.AddDays(1), TimeSpan.FromMinutes(2), 50, default);
            await conversations.GetAsync(leased.Single().ConversationKey, default);
            await outbox.CompleteAsync(leased[0].Id, "ts", At.AddDays(1), default);
            await prompts.MarkPostedAsync(occurrence.Id, "ts", default);
        });

        TestContext.Out.WriteLine($"idle poll: {idle.Requests} requests; claim with post and advance: {claim.Requests}; lease + send + complete + mark posted: {deliver.Requests}");
        Assert.That(idle.Requests, Is.EqualTo(6), "one query each for schedules, occurrences to close and to remind, nudges, answer reviews, outbox");
        Assert.That(claim.Requests, Is.LessThanOrEqualTo(5), "create occurrence, create post, read + replace schedule, clear the occurrence");
        Assert.That(deliver.Requests, Is.LessThanOrEqualTo(7));
    }

    private async Task<CosmosCharge> MeasureAsync(Func<Task> action)
    {
        var before = Store.Meter.Total;
        await action();
        return Store.Meter.Total - before;
    }

    private CosmosStore Store => _store ?? throw new InvalidOperationException("no store");

    private (CosmosPromptRepository, CosmosNudgeRepository, CosmosOutbox) Stores() =>
        (new CosmosPromptRepository(Store), new CosmosNudgeRepository(Store), new CosmosOutbox(Store));

    private static (string Team, string Key) NewChannel()
    {
        var team = "team-" + Guid.NewGuid().ToString("N");
        return (team, $"test:{team}:C1");
    }

    private static OutboxMessage Post(string id, string team, string key) =>
        new(id, team, key, OutboxPurpose.PromptPost, "occ", PromptMessages.Question("q"), At);

    /// <summary>Writes only the claim's first step: the occurrence with its pending writes, as a claimer that then died leaves it.</summary>
    private Task CrashAfterCreateAsync(PromptOccurrence occurrence, OutboxMessage post, DateTimeOffset? next) =>
        Store.Proactive.CreateItemAsync(new OccurrenceDocument
        {
            Id = DocumentIds.Occurrence(occurrence.Id),
            RecordId = occurrence.Id,
            ConversationKey = occurrence.ConversationKey,
            TeamId = occurrence.TeamId,
            ScheduledAt = occurrence.ScheduledAt.ToUnixTimeMilliseconds(),
            State = occurrence.State.ToString(),
            CloseAt = occurrence.CloseAt.ToUnixTimeMilliseconds(),
            PendingPost = OutboxDocument.From(post),
            AdvanceFrom = next is null ? null : occurrence.ScheduledAt.ToUnixTimeMilliseconds(),
            AdvanceTo = next?.ToUnixTimeMilliseconds(),
        }.WithDueAt(), new PartitionKey(OccurrenceDocument.Partition));

    private async Task<OccurrenceDocument> ReadOccurrenceAsync(string occurrenceId) =>
        (await Store.Proactive.ReadItemAsync<OccurrenceDocument>(DocumentIds.Occurrence(occurrenceId), new PartitionKey(OccurrenceDocument.Partition)))
        .Resource;
}
