using System.Net;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Core.Storage;
using LearningBot.Storage.Cosmos.Outbox;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Prompts;

/// <summary>
/// Prompt schedules (partition "schedules", ETag = version) and occurrences (partition "occurrences") in
/// the <c>proactive</c> container. Claims are exactly-once without a transactional batch: the occurrence is
/// created first with a deterministic id (409 = already claimed) and carries the writes still to do.
/// </summary>
public sealed class CosmosPromptRepository(CosmosStore store) : IPromptRepository
{
    private static readonly PartitionKey Schedules = new(ScheduleDocument.Partition);
    private static readonly PartitionKey Occurrences = new(OccurrenceDocument.Partition);

    public Task<PromptSchedule?> GetScheduleAsync(string teamId, string conversationKey, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
            (await CosmosStore.TryReadAsync<ScheduleDocument>(store.Proactive, DocumentIds.Schedule(conversationKey), ScheduleDocument.Partition,
                token)) is { } document && document.TeamId == teamId ? document.ToSchedule() : null, cancellationToken);

    public Task<PromptSchedule> SaveScheduleAsync(PromptSchedule schedule, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var document = ScheduleDocument.From(schedule);
            if (schedule.Version is not null
                && (await CosmosStore.TryReadAsync<ScheduleDocument>(store.Proactive, document.Id, ScheduleDocument.Partition, token))?.TeamId
                != schedule.TeamId)
            {
                // The ETag alone would let a caller holding another team's version replace that team's schedule.
                throw new ConcurrencyConflictException($"The prompt schedule of {schedule.ConversationKey} is not the team's.");
            }

            try
            {
                // No version: only a create may succeed. A version is the ETag the caller read.
                var response = schedule.Version is null
                    ? await store.Proactive.CreateItemAsync(document, Schedules, new ItemRequestOptions { EnableContentResponseOnWrite = false }, token)
                    : await store.Proactive.ReplaceItemAsync(document, document.Id, Schedules,
                        new ItemRequestOptions { IfMatchEtag = schedule.Version, EnableContentResponseOnWrite = false }, token);
                return schedule with { Version = response.ETag };
            }
            catch (CosmosException ex) when (ex.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                throw new ConcurrencyConflictException($"The prompt schedule of {schedule.ConversationKey} changed since it was read.");
            }
        }, cancellationToken);

    public Task<bool> DeleteScheduleAsync(string teamId, string conversationKey, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            // Read, check the team, delete that very version (If-Match): another team's schedule under the same key is never touched.
            for (var attempt = 1; ; attempt++)
            {
                var id = DocumentIds.Schedule(conversationKey);
                if (await CosmosStore.TryReadAsync<ScheduleDocument>(store.Proactive, id, ScheduleDocument.Partition, token) is not { } document
                    || document.TeamId != teamId)
                {
                    return false;
                }

                try
                {
                    await store.Proactive.DeleteItemAsync<ScheduleDocument>(id, Schedules, new ItemRequestOptions { IfMatchEtag = document.ETag },
                        token);
                    return true;
                }
                catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
                {
                    return false;
                }
                catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed && attempt < 3)
                {
                    // The scheduler moved it on meanwhile: read again.
                }
            }
        }, cancellationToken);

    public Task<IReadOnlyList<PromptSchedule>> ListDueSchedulesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(
                $"SELECT TOP {Math.Max(0, limit)} * FROM c WHERE c.pk = @pk AND c.type = 'schedule' AND c.dueAt <= @now ORDER BY c.dueAt")
            .WithParameter("@pk", ScheduleDocument.Partition)
            .WithParameter("@now", now.ToUnixTimeMilliseconds());
        return store.RunAsync<IReadOnlyList<PromptSchedule>>(async token =>
            (await CosmosStore.QueryPartitionAsync<ScheduleDocument>(store.Proactive, ScheduleDocument.Partition, query, token))
            .Select(d => d.ToSchedule()).ToList(), cancellationToken);
    }

    public Task<bool> ClaimOccurrenceAsync(PromptOccurrence occurrence, OutboxMessage? post, DateTimeOffset? nextDueAt,
        CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var document = new OccurrenceDocument
            {
                Id = DocumentIds.Occurrence(occurrence.Id),
                RecordId = occurrence.Id,
                ConversationKey = occurrence.ConversationKey,
                TeamId = occurrence.TeamId,
                ScheduledAt = occurrence.ScheduledAt.ToUnixTimeMilliseconds(),
                State = occurrence.State.ToString(),
                CloseAt = occurrence.CloseAt.ToUnixTimeMilliseconds(),
                PendingPost = post is null ? null : OutboxDocument.From(post),
                AdvanceFrom = nextDueAt is null ? null : occurrence.ScheduledAt.ToUnixTimeMilliseconds(),
                AdvanceTo = nextDueAt?.ToUnixTimeMilliseconds(),
                RemindAt = occurrence.RemindAt?.ToUnixTimeMilliseconds(),
            }.WithDueAt();
            try
            {
                // The claim itself: one create with an id derived from (conversation, time). Two instances
                // (or a retry of ours) meet 409 here; only the creator goes on as the claimer.
                var created = await store.Proactive.CreateItemAsync(document, Occurrences,
                    new ItemRequestOptions { EnableContentResponseOnWrite = false }, token);
                document = document with { ETag = created.ETag };
            }
            catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
            {
                var existing = await CosmosStore.TryReadAsync<OccurrenceDocument>(store.Proactive, document.Id, OccurrenceDocument.Partition, token);
                if (existing is { HasPendingWork: true })
                {
                    // The claimer may have died after its create: finish what it recorded (every step is idempotent).
                    await FinishAsync(existing, token);
                }

                return false;
            }

            await FinishAsync(document, token);
            return true;
        }, cancellationToken);

    public Task<PromptOccurrence?> GetOccurrenceAsync(string occurrenceId, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
            (await CosmosStore.TryReadAsync<OccurrenceDocument>(store.Proactive, DocumentIds.Occurrence(occurrenceId), OccurrenceDocument.Partition,
                token))?.ToOccurrence(), cancellationToken);

    public Task<PromptOccurrence?> FindOccurrenceByPostAsync(string conversationKey, string messageId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(
                "SELECT TOP 1 * FROM c WHERE c.pk = @pk AND c.type = 'occurrence' AND c.conversationKey = @key AND c.postedMessageId = @messageId")
            .WithParameter("@pk", OccurrenceDocument.Partition)
            .WithParameter("@key", conversationKey)
            .WithParameter("@messageId", messageId);
        return store.RunAsync(async token =>
            (await CosmosStore.QueryPartitionAsync<OccurrenceDocument>(store.Proactive, OccurrenceDocument.Partition, query, token))
            .FirstOrDefault()?.ToOccurrence(), cancellationToken);
    }

    public Task MarkPostedAsync(string occurrenceId, string messageId, CancellationToken cancellationToken) =>
        store.RunAsync(token => CosmosStore.UpdateAsync<OccurrenceDocument>(store.Proactive, DocumentIds.Occurrence(occurrenceId),
            OccurrenceDocument.Partition,
            d => d.State == nameof(OccurrenceState.Claimed)
                ? (d with { State = nameof(OccurrenceState.Posted), PostedMessageId = messageId }).WithDueAt()
                : null, token), cancellationToken);

    // dueAt is set on posted occurrences (their reminder time until the reminder is taken, then their close time) and on
    // ones with writes left over from a crashed claim or close (their scheduled time): both sweeps finish those as they go.
    public Task<IReadOnlyList<PromptOccurrence>> ListOccurrencesToCloseAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        ListDueOccurrencesAsync(now, limit, (document, nowMs) => document.State == nameof(OccurrenceState.Posted) && document.CloseAt <= nowMs,
            cancellationToken);

    public Task<IReadOnlyList<PromptOccurrence>> ListOccurrencesToRemindAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        ListDueOccurrencesAsync(now, limit,
            (document, nowMs) => document is { State: nameof(OccurrenceState.Posted), RemindAt: { } remindAt } && remindAt <= nowMs,
            cancellationToken);

    /// <summary>
    /// The occurrences whose <c>dueAt</c> has come (oldest first, at most <paramref name="limit"/>), finishing any left-over writes
    /// of each, and returning those <paramref name="wanted"/> keeps (given the document and now in Unix milliseconds).
    /// </summary>
    private Task<IReadOnlyList<PromptOccurrence>> ListDueOccurrencesAsync(DateTimeOffset now, int limit,
        Func<OccurrenceDocument, long, bool> wanted, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var query = new QueryDefinition(
                $"SELECT TOP {Math.Max(0, limit)} * FROM c WHERE c.pk = @pk AND c.type = 'occurrence' AND c.dueAt <= @now ORDER BY c.dueAt")
            .WithParameter("@pk", OccurrenceDocument.Partition)
            .WithParameter("@now", nowMs);
        return store.RunAsync<IReadOnlyList<PromptOccurrence>>(async token =>
        {
            var result = new List<PromptOccurrence>();
            foreach (var document in await CosmosStore.QueryPartitionAsync<OccurrenceDocument>(store.Proactive, OccurrenceDocument.Partition,
                         query, token))
            {
                if (document.HasPendingWork)
                {
                    await FinishAsync(document, token);
                }

                if (wanted(document, nowMs))
                {
                    result.Add(document.ToOccurrence());
                }
            }

            return result;
        }, cancellationToken);
    }

    public Task<bool> ClaimReminderAsync(string occurrenceId, OutboxMessage? reminder, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var id = DocumentIds.Occurrence(occurrenceId);
            // The If-Match replace that clears remindAt is the one exactly-once step; the reminder rides in it until queued.
            var taken = await CosmosStore.UpdateAsync<OccurrenceDocument>(store.Proactive, id, OccurrenceDocument.Partition,
                d => d is { State: nameof(OccurrenceState.Posted), RemindAt: not null }
                    ? (d with { RemindAt = null, PendingReminder = reminder is null ? null : OutboxDocument.From(reminder) }).WithDueAt()
                    : null, token);
            if (taken is null)
            {
                return false;
            }

            await FinishAsync(taken, token);
            return true;
        }, cancellationToken);

    public Task<bool> CloseOccurrenceAsync(string occurrenceId, OutboxMessage digest, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var id = DocumentIds.Occurrence(occurrenceId);
            // The If-Match replace Posted → Closed is the one exactly-once step; the digest rides in it until queued.
            var closed = await CosmosStore.UpdateAsync<OccurrenceDocument>(store.Proactive, id, OccurrenceDocument.Partition,
                d => d.State == nameof(OccurrenceState.Posted)
                    ? (d with { State = nameof(OccurrenceState.Closed), PendingDigest = OutboxDocument.From(digest) }).WithDueAt()
                    : null, token);
            if (closed is null)
            {
                if (await CosmosStore.TryReadAsync<OccurrenceDocument>(store.Proactive, id, OccurrenceDocument.Partition, token) is
                    { HasPendingWork: true } unfinished)
                {
                    await FinishAsync(unfinished, token);
                }

                return false;
            }

            await FinishAsync(closed, token);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<PromptOccurrence>> ListOccurrencesAsync(string conversationKey, int limit, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(
                $"SELECT TOP {Math.Max(0, limit)} * FROM c WHERE c.pk = @pk AND c.type = 'occurrence' AND c.conversationKey = @key ORDER BY c.scheduledAt DESC")
            .WithParameter("@pk", OccurrenceDocument.Partition)
            .WithParameter("@key", conversationKey);
        return store.RunAsync<IReadOnlyList<PromptOccurrence>>(async token =>
            (await CosmosStore.QueryPartitionAsync<OccurrenceDocument>(store.Proactive, OccurrenceDocument.Partition, query, token))
            .Select(d => d.ToOccurrence()).ToList(), cancellationToken);
    }

    /// <summary>
    /// Does the writes an occurrence records as pending, then clears exactly those. Each is idempotent
    /// (outbox creates with deterministic ids, a conditional schedule advance), so a second finisher
    /// racing the first, or a retry after a crash, changes nothing twice.
    /// </summary>
    private async Task FinishAsync(OccurrenceDocument document, CancellationToken cancellationToken)
    {
        var claim = document.HasPendingClaim;
        var digest = document.PendingDigest is not null;
        var reminder = document.PendingReminder is not null;
        if (document.PendingPost is { } post)
        {
            await CosmosOutbox.EnqueueAsync(store, post.ToMessage(), cancellationToken);
        }

        if (document is { AdvanceFrom: { } from, AdvanceTo: { } to })
        {
            await CosmosStore.UpdateAsync<ScheduleDocument>(store.Proactive, DocumentIds.Schedule(document.ConversationKey), ScheduleDocument.Partition,
                s => s.DueAt == from ? s with { DueAt = to, SkipOccurrenceAt = s.SkipOccurrenceAt == from ? null : s.SkipOccurrenceAt } : null,
                cancellationToken);
        }

        if (document.PendingDigest is { } pendingDigest)
        {
            await CosmosOutbox.EnqueueAsync(store, pendingDigest.ToMessage(), cancellationToken);
        }

        if (document.PendingReminder is { } pendingReminder)
        {
            await CosmosOutbox.EnqueueAsync(store, pendingReminder.ToMessage(), cancellationToken);
        }

        await CosmosStore.UpdateFromAsync<OccurrenceDocument>(store.Proactive, document, document.Id, OccurrenceDocument.Partition,
            d => (claim && d.HasPendingClaim) || (digest && d.PendingDigest is not null) || (reminder && d.PendingReminder is not null)
                ? (d with
                {
                    PendingReminder = reminder ? null : d.PendingReminder,
                    PendingPost = claim ? null : d.PendingPost,
                    AdvanceFrom = claim ? null : d.AdvanceFrom,
                    AdvanceTo = claim ? null : d.AdvanceTo,
                    PendingDigest = digest ? null : d.PendingDigest,
                }).WithDueAt()
                : null, cancellationToken);
    }
}
