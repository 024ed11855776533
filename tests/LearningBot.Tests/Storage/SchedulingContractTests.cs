using LearningBot.Core.Nudges;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Core.Storage;

namespace LearningBot.Tests.Storage;

/// <summary>What every engine's prompt, nudge and outbox stores must do: the conditional writes exactly-once depends on.</summary>
public abstract class SchedulingContractTests
{
    protected static readonly DateTimeOffset Due = new(2026, 11, 26, 8, 30, 0, TimeSpan.Zero);
    private static readonly Recurrence Daily = new(Enum.GetValues<DayOfWeek>(), new TimeOnly(9, 30), "Europe/Berlin");

    protected abstract Task<(IPromptRepository Prompts, INudgeRepository Nudges, IOutbox Outbox)> CreateStoresAsync();

    protected virtual Task DisposeStoresAsync() => Task.CompletedTask;

    private IPromptRepository _prompts = null!;
    private INudgeRepository _nudges = null!;
    private IOutbox _outbox = null!;
    private string _team = null!;
    private string _channel = null!;

    [SetUp]
    public async Task Create()
    {
        (_prompts, _nudges, _outbox) = await CreateStoresAsync();
        _team = "team-" + Guid.NewGuid().ToString("N");
        _channel = $"test:{_team}:C1";
    }

    [TearDown]
    public Task Dispose() => DisposeStoresAsync();

    private OutboxMessage Message(string id, DateTimeOffset notBefore, string? conversation = null) =>
        new(id, _team, conversation ?? _channel, OutboxPurpose.PromptPost, "occ", PromptMessages.Question("q " + id), notBefore);

    private PromptOccurrence Occurrence(DateTimeOffset at, OccurrenceState state = OccurrenceState.Claimed) =>
        new(PromptOccurrence.IdFor(_channel, at), _channel, _team, at, state, at.AddHours(24));

    [Test]
    public async Task Schedules_save_with_a_version_and_reject_stale_writes()
    {
        var saved = await _prompts.SaveScheduleAsync(new PromptSchedule(_channel, _team, Daily, "q?", Due), default);
        var read = await _prompts.GetScheduleAsync(_team, _channel, default);

        Assert.That(read!.Recurrence.Days, Is.EquivalentTo(Daily.Days));
        Assert.That(read.Recurrence.At, Is.EqualTo(Daily.At));
        Assert.That(read.Recurrence.TimeZoneId, Is.EqualTo("Europe/Berlin"));
        Assert.That(read.NextDueAt, Is.EqualTo(Due));
        Assert.That(read.Version, Is.EqualTo(saved.Version));
        Assert.ThrowsAsync<ConcurrencyConflictException>(() => _prompts.SaveScheduleAsync(new PromptSchedule(_channel, _team, Daily, "again", Due), default));

        await _prompts.SaveScheduleAsync(read with { Paused = true, SkipOccurrenceAt = Due }, default);
        Assert.ThrowsAsync<ConcurrencyConflictException>(() => _prompts.SaveScheduleAsync(read with { Question = "stale" }, default));
        var updated = await _prompts.GetScheduleAsync(_team, _channel, default);
        Assert.That((updated!.Paused, updated.SkipOccurrenceAt, updated.Question), Is.EqualTo((true, (DateTimeOffset?)Due, "q?")));
        Assert.That(await _prompts.DeleteScheduleAsync(_team, _channel, default), Is.True);
        Assert.That(await _prompts.GetScheduleAsync(_team, _channel, default), Is.Null);
    }

    /// <summary>
    /// Issue 12, item 2: a schedule is read, changed and deleted only by its own team. A conversation key is the platform's
    /// id, so a second team naming the same key (a forged or colliding id) must neither see nor delete nor overwrite it.
    /// </summary>
    [Test]
    public async Task Another_team_naming_the_same_conversation_key_can_neither_read_change_nor_delete_the_schedule()
    {
        var saved = await _prompts.SaveScheduleAsync(new PromptSchedule(_channel, _team, Daily, "q?", Due), default);
        var intruder = _team + "-other";

        var read = await _prompts.GetScheduleAsync(intruder, _channel, default);
        var deleted = await _prompts.DeleteScheduleAsync(intruder, _channel, default);
        Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            _prompts.SaveScheduleAsync(saved with { TeamId = intruder, Question = "taken over" }, default));

        Assert.That((read, deleted), Is.EqualTo(((PromptSchedule?)null, false)));
        Assert.That((await _prompts.GetScheduleAsync(_team, _channel, default))?.Question, Is.EqualTo("q?"), "the owner's schedule is intact");
    }

    [Test]
    public async Task An_occurrence_is_claimed_once_and_its_claim_moves_the_schedule_and_queues_the_post()
    {
        await _prompts.SaveScheduleAsync(new PromptSchedule(_channel, _team, Daily, "q?", Due) { SkipOccurrenceAt = Due }, default);
        var due = await _prompts.ListDueSchedulesAsync(Due, 10, default);
        Assert.That(due.Select(s => s.ConversationKey), Does.Contain(_channel));

        var first = await _prompts.ClaimOccurrenceAsync(Occurrence(Due), Message("post-1", Due), Due.AddDays(1), default);
        var second = await _prompts.ClaimOccurrenceAsync(Occurrence(Due), Message("post-2", Due), Due.AddDays(1), default);

        Assert.That((first, second), Is.EqualTo((true, false)));
        var schedule = await _prompts.GetScheduleAsync(_team, _channel, default);
        Assert.That(schedule!.NextDueAt, Is.EqualTo(Due.AddDays(1)));
        Assert.That(schedule.SkipOccurrenceAt, Is.Null, "a consumed skip is cleared");
        var leased = await _outbox.LeaseDueAsync(Due, TimeSpan.FromMinutes(1), 10, default);
        Assert.That(leased.Where(m => m.ConversationKey == _channel).Select(m => m.Id), Is.EqualTo(new[] { "post-1" }));
        Assert.That((await _prompts.ListDueSchedulesAsync(Due, 100, default)).Select(s => s.ConversationKey), Does.Not.Contain(_channel));
    }

    [Test]
    public async Task Posted_occurrences_are_found_by_their_message_and_closed_once()
    {
        await _prompts.ClaimOccurrenceAsync(Occurrence(Due), null, null, default);
        Assert.That(await _prompts.ListOccurrencesToCloseAsync(Due.AddDays(2), 100, default), Has.None.Matches<PromptOccurrence>(o => o.ConversationKey == _channel),
            "an occurrence that was never posted is not closed");

        await _prompts.MarkPostedAsync(Occurrence(Due).Id, "ts-1", default);
        var found = await _prompts.FindOccurrenceByPostAsync(_channel, "ts-1", default);
        var toClose = await _prompts.ListOccurrencesToCloseAsync(Due.AddHours(24), 100, default);
        var closed = await _prompts.CloseOccurrenceAsync(found!.Id, Message("digest-1", Due.AddHours(24)), default);
        var closedAgain = await _prompts.CloseOccurrenceAsync(found.Id, Message("digest-2", Due.AddHours(24)), default);

        Assert.That(found.State, Is.EqualTo(OccurrenceState.Posted));
        Assert.That(toClose.Select(o => o.Id), Does.Contain(found.Id));
        Assert.That((closed, closedAgain), Is.EqualTo((true, false)));
        Assert.That((await _prompts.GetOccurrenceAsync(found.Id, default))!.State, Is.EqualTo(OccurrenceState.Closed));
        var leased = await _outbox.LeaseDueAsync(Due.AddDays(1), TimeSpan.FromMinutes(1), 10, default);
        Assert.That(leased.Where(m => m.ConversationKey == _channel).Select(m => m.Id), Is.EqualTo(new[] { "digest-1" }));
        Assert.That(await _prompts.FindOccurrenceByPostAsync(_channel, "ts-other", default), Is.Null);
    }

    [Test]
    public async Task A_reminder_is_due_only_once_posted_and_is_taken_once_even_by_two_instances_at_the_same_moment()
    {
        var remindAt = Due.AddHours(23);
        var occurrence = Occurrence(Due) with { RemindAt = remindAt };
        await _prompts.SaveScheduleAsync(new PromptSchedule(_channel, _team, Daily, "q?", Due) { Remind = true }, default);
        await _prompts.ClaimOccurrenceAsync(occurrence, null, null, default);
        Assert.That((await _prompts.GetScheduleAsync(_team, _channel, default))!.Remind, Is.True);
        Assert.That(await _prompts.ListOccurrencesToRemindAsync(remindAt, 100, default), Has.None.Matches<PromptOccurrence>(o => o.Id == occurrence.Id),
            "not posted yet: nothing to remind in");

        await _prompts.MarkPostedAsync(occurrence.Id, "ts-1", default);
        Assert.That(await _prompts.ListOccurrencesToRemindAsync(remindAt.AddSeconds(-1), 100, default),
            Has.None.Matches<PromptOccurrence>(o => o.Id == occurrence.Id), "not before its time");
        var due = await _prompts.ListOccurrencesToRemindAsync(remindAt, 100, default);
        Assert.That(due.Single(o => o.Id == occurrence.Id).RemindAt, Is.EqualTo(remindAt));

        OutboxMessage Reminder() => Message("reminder-" + occurrence.Id, remindAt) with { Purpose = OutboxPurpose.PromptReminder, ThreadId = "ts-1" };
        var takes = await Task.WhenAll(_prompts.ClaimReminderAsync(occurrence.Id, Reminder(), default),
            _prompts.ClaimReminderAsync(occurrence.Id, Reminder(), default));
        var afterwards = await _prompts.ClaimReminderAsync(occurrence.Id, Reminder(), default);

        Assert.That(takes.Count(t => t) + (afterwards ? 1 : 0), Is.EqualTo(1));
        Assert.That(await _prompts.ListOccurrencesToRemindAsync(remindAt.AddHours(1), 100, default), Has.None.Matches<PromptOccurrence>(o => o.Id == occurrence.Id));
        var leased = await _outbox.LeaseDueAsync(remindAt, TimeSpan.FromMinutes(1), 10, default);
        var reminder = leased.Single(m => m.ConversationKey == _channel);
        Assert.That((reminder.Purpose, reminder.ThreadId), Is.EqualTo((OutboxPurpose.PromptReminder, "ts-1")));
        Assert.That((await _prompts.GetOccurrenceAsync(occurrence.Id, default))!.State, Is.EqualTo(OccurrenceState.Posted), "the digest still follows");
        Assert.That((await _prompts.ListOccurrencesToCloseAsync(Due.AddHours(24), 100, default)).Select(o => o.Id), Does.Contain(occurrence.Id));
    }

    [Test]
    public async Task Outbox_messages_are_leased_to_one_taker_retried_later_and_completed()
    {
        Assert.That(await _outbox.EnqueueAsync(Message("a", Due), default), Is.True);
        Assert.That(await _outbox.EnqueueAsync(Message("a", Due), default), Is.False);
        await _outbox.EnqueueAsync(Message("b", Due.AddMinutes(5)), default);

        var first = await _outbox.LeaseDueAsync(Due, TimeSpan.FromMinutes(1), 10, default);
        var whileLeased = await _outbox.LeaseDueAsync(Due.AddSeconds(30), TimeSpan.FromMinutes(1), 10, default);
        var afterLease = await _outbox.LeaseDueAsync(Due.AddMinutes(2), TimeSpan.FromMinutes(1), 10, default);

        Assert.That(first.Select(m => m.Id), Is.EqualTo(new[] { "a" }));
        Assert.That(first[0].Attempts, Is.EqualTo(1));
        Assert.That(PlainText(first[0]), Does.Contain("q a"));
        Assert.That(whileLeased, Is.Empty);
        Assert.That(afterLease.Select(m => m.Id), Is.EqualTo(new[] { "a" }), "a lease that ran out (crashed taker) is taken again");
        Assert.That(afterLease[0].Attempts, Is.EqualTo(2));

        await _outbox.RetryLaterAsync("a", Due.AddMinutes(10), "429", default);
        await _outbox.CompleteAsync("b", "ts-b", Due, default);
        Assert.That(await _outbox.LeaseDueAsync(Due.AddMinutes(9), TimeSpan.FromMinutes(1), 10, default), Is.Empty);
        Assert.That(await _outbox.CountPendingAsync(default), Is.GreaterThanOrEqualTo(1));
        var retried = await _outbox.LeaseDueAsync(Due.AddMinutes(10), TimeSpan.FromMinutes(1), 10, default);
        Assert.That(retried.Select(m => m.Id), Is.EqualTo(new[] { "a" }));

        await _outbox.AbandonAsync("a", "gone", Due, default);
        Assert.That(await _outbox.LeaseDueAsync(Due.AddDays(1), TimeSpan.FromMinutes(1), 10, default), Is.Empty);
    }

    [Test]
    public async Task A_person_is_nudged_at_most_once_a_week()
    {
        var weekly = new Recurrence([DayOfWeek.Friday], new TimeOnly(15, 0), "UTC");
        var friday = new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero);
        await _nudges.SaveAsync(new NudgeSubscription(_team, "ann", weekly, friday), default);
        var subscription = (await _nudges.ListDueAsync(friday, 100, default)).Single(s => s.TeamId == _team);
        var dm = Message("nudge-ann", friday, $"test:{_team}:D-ann");

        var first = await _nudges.ClaimAsync(subscription, friday, "2026-11-23", dm, friday.AddDays(7), default);
        var sameDueAgain = await _nudges.ClaimAsync(subscription, friday, "2026-11-23", dm, friday.AddDays(7), default);
        await _nudges.SaveAsync(subscription with { NextDueAt = friday.AddHours(1) }, default);
        var sameWeekLater = await _nudges.ClaimAsync(subscription, friday.AddHours(1), "2026-11-23", Message("nudge-ann-2", friday), friday.AddDays(7), default);

        Assert.That((first, sameDueAgain, sameWeekLater), Is.EqualTo((true, false, false)));
        Assert.That((await _nudges.GetAsync(_team, "ann", default))!.NextDueAt, Is.EqualTo(friday.AddDays(7)));
        Assert.That(await _nudges.ListDueAsync(friday.AddDays(1), 100, default), Has.None.Matches<NudgeSubscription>(s => s.TeamId == _team));
        Assert.That(await _nudges.DeleteAsync(_team, "ann", default), Is.True);
        Assert.That(await _nudges.GetAsync(_team, "ann", default), Is.Null);
    }

    [Test]
    public async Task Concurrent_claims_of_one_occurrence_have_one_winner_and_queue_one_post()
    {
        await _prompts.SaveScheduleAsync(new PromptSchedule(_channel, _team, Daily, "q?", Due), default);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => _prompts.ClaimOccurrenceAsync(Occurrence(Due), Message("post-" + i, Due), Due.AddDays(1), default))));

        Assert.That(results.Count(r => r), Is.EqualTo(1));
        Assert.That((await _prompts.GetScheduleAsync(_team, _channel, default))!.NextDueAt, Is.EqualTo(Due.AddDays(1)));
        var leased = await _outbox.LeaseDueAsync(Due, TimeSpan.FromMinutes(1), 100, default);
        Assert.That(leased.Count(m => m.ConversationKey == _channel), Is.EqualTo(1));
        Assert.That((await _prompts.GetOccurrenceAsync(Occurrence(Due).Id, default))!.State, Is.EqualTo(OccurrenceState.Claimed));
    }

    [Test]
    public async Task Concurrent_nudge_claims_queue_one_dm()
    {
        var weekly = new Recurrence([DayOfWeek.Friday], new TimeOnly(15, 0), "UTC");
        var friday = new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero);
        var subscription = new NudgeSubscription(_team, "cy", weekly, friday);
        await _nudges.SaveAsync(subscription, default);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            _nudges.ClaimAsync(subscription, friday, "2026-11-23", Message("nudge-cy-" + i, friday, $"test:{_team}:D-cy"), friday.AddDays(7), default))));

        Assert.That(results.Count(r => r), Is.EqualTo(1));
        var leased = await _outbox.LeaseDueAsync(friday, TimeSpan.FromMinutes(1), 100, default);
        Assert.That(leased.Count(m => m.ConversationKey == $"test:{_team}:D-cy"), Is.EqualTo(1));
        Assert.That((await _nudges.GetAsync(_team, "cy", default))!.NextDueAt, Is.EqualTo(friday.AddDays(7)));
    }

    [Test]
    public async Task Concurrent_leases_hand_each_message_to_one_taker()
    {
        for (var i = 0; i < 5; i++)
        {
            await _outbox.EnqueueAsync(Message($"m{i}-{_team}", Due), default);
        }

        var takers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => _outbox.LeaseDueAsync(Due, TimeSpan.FromMinutes(1), 10, default))));

        var taken = takers.SelectMany(t => t).Where(m => m.ConversationKey == _channel).Select(m => m.Id).ToList();
        Assert.That(taken, Is.Unique);
        Assert.That(taken, Has.Count.EqualTo(5));
    }

    private static string PlainText(OutboxMessage message) => LearningBot.Core.Replies.PlainTextRenderer.Render(message.Reply);
}
