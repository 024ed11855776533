using System.Net;
using System.Text.Json.Serialization;
using LearningBot.Core.Nudges;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Storage.Cosmos.Outbox;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Prompts;

internal sealed record NudgeDocument : IETagged
{
    public const string Partition = "nudges";

    public required string Id { get; init; }

    public string Pk { get; init; } = Partition;

    public string Type { get; init; } = "nudge";

    public required string TeamId { get; init; }

    public required string UserId { get; init; }

    public required int Day { get; init; }

    public required int AtMinute { get; init; }

    public required string TimeZone { get; init; }

    /// <summary>The next nudge (Unix ms): what "list due nudges" ranges over.</summary>
    public required long DueAt { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>"This person was nudged this week": created once (deterministic id), carrying the writes that follow until done.</summary>
internal sealed record NudgeWeekDocument : IETagged
{
    public required string Id { get; init; }

    public string Pk { get; init; } = NudgeDocument.Partition;

    public string Type { get; init; } = "nudgeWeek";

    public required string TeamId { get; init; }

    public required string UserId { get; init; }

    public required string WeekKey { get; init; }

    public OutboxDocument? PendingDm { get; init; }

    public long? AdvanceFrom { get; init; }

    public long? AdvanceTo { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    [JsonIgnore]
    public bool HasPendingWork => PendingDm is not null || AdvanceTo is not null;
}

/// <summary>Nudge subscriptions and weekly claims: partition "nudges" of the <c>proactive</c> container.</summary>
public sealed class CosmosNudgeRepository(CosmosStore store) : INudgeRepository
{
    private static readonly PartitionKey Nudges = new(NudgeDocument.Partition);

    public Task<NudgeSubscription?> GetAsync(string teamId, string userId, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var document = await CosmosStore.TryReadAsync<NudgeDocument>(store.Proactive, DocumentIds.Nudge(teamId, userId), NudgeDocument.Partition, token);
            return document is null ? null : ToSubscription(document);
        }, cancellationToken);

    public Task SaveAsync(NudgeSubscription subscription, CancellationToken cancellationToken) =>
        store.RunAsync(token => store.Proactive.UpsertItemAsync(new NudgeDocument
        {
            Id = DocumentIds.Nudge(subscription.TeamId, subscription.UserId),
            TeamId = subscription.TeamId,
            UserId = subscription.UserId,
            Day = (int)subscription.Recurrence.Days[0],
            AtMinute = subscription.Recurrence.At.Hour * 60 + subscription.Recurrence.At.Minute,
            TimeZone = subscription.Recurrence.TimeZoneId,
            DueAt = subscription.NextDueAt.ToUnixTimeMilliseconds(),
        }, Nudges, new ItemRequestOptions { EnableContentResponseOnWrite = false }, token), cancellationToken);

    public Task<bool> DeleteAsync(string teamId, string userId, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            try
            {
                await store.Proactive.DeleteItemAsync<NudgeDocument>(DocumentIds.Nudge(teamId, userId), Nudges, cancellationToken: token);
                return true;
            }
            catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
        }, cancellationToken);

    public Task<IReadOnlyList<NudgeSubscription>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(
                $"SELECT TOP {Math.Max(0, limit)} * FROM c WHERE c.pk = @pk AND c.type = 'nudge' AND c.dueAt <= @now ORDER BY c.dueAt")
            .WithParameter("@pk", NudgeDocument.Partition)
            .WithParameter("@now", now.ToUnixTimeMilliseconds());
        return store.RunAsync<IReadOnlyList<NudgeSubscription>>(async token =>
            (await CosmosStore.QueryPartitionAsync<NudgeDocument>(store.Proactive, NudgeDocument.Partition, query, token))
            .Select(ToSubscription).ToList(), cancellationToken);
    }

    public Task<bool> ClaimAsync(NudgeSubscription subscription, DateTimeOffset dueAt, string weekKey, OutboxMessage? dm,
        DateTimeOffset nextDueAt, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var (teamId, userId) = (subscription.TeamId, subscription.UserId);
            var current = await CosmosStore.TryReadAsync<NudgeDocument>(store.Proactive, DocumentIds.Nudge(teamId, userId), NudgeDocument.Partition, token);
            if (current is null || current.DueAt != dueAt.ToUnixTimeMilliseconds())
            {
                return false; // another instance claimed this due time and moved it on
            }

            var week = new NudgeWeekDocument
            {
                Id = DocumentIds.NudgeWeek(teamId, userId, weekKey),
                TeamId = teamId,
                UserId = userId,
                WeekKey = weekKey,
                PendingDm = dm is null ? null : OutboxDocument.From(dm),
                AdvanceFrom = dueAt.ToUnixTimeMilliseconds(),
                AdvanceTo = nextDueAt.ToUnixTimeMilliseconds(),
            };
            try
            {
                // The claim: one create per person and week. 409 = nudged this week already (nobody is nudged twice).
                var created = await store.Proactive.CreateItemAsync(week, Nudges, new ItemRequestOptions { EnableContentResponseOnWrite = false }, token);
                week = week with { ETag = created.ETag };
            }
            catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
            {
                if (await CosmosStore.TryReadAsync<NudgeWeekDocument>(store.Proactive, week.Id, NudgeDocument.Partition, token) is
                    { HasPendingWork: true } unfinished)
                {
                    await FinishAsync(unfinished, token); // the claimer died half-way: finish its writes
                }

                await AdvanceAsync(teamId, userId, dueAt.ToUnixTimeMilliseconds(), nextDueAt.ToUnixTimeMilliseconds(), token);
                return false;
            }

            await FinishAsync(week, token);
            return true;
        }, cancellationToken);

    /// <summary>Queues the DM (deterministic id), moves the due time (conditional), then clears what was pending.</summary>
    private async Task FinishAsync(NudgeWeekDocument week, CancellationToken cancellationToken)
    {
        if (week.PendingDm is { } dm)
        {
            await CosmosOutbox.EnqueueAsync(store, dm.ToMessage(), cancellationToken);
        }

        if (week is { AdvanceFrom: { } from, AdvanceTo: { } to })
        {
            await AdvanceAsync(week.TeamId, week.UserId, from, to, cancellationToken);
        }

        await CosmosStore.UpdateFromAsync<NudgeWeekDocument>(store.Proactive, week, week.Id, NudgeDocument.Partition,
            w => w.HasPendingWork ? w with { PendingDm = null, AdvanceFrom = null, AdvanceTo = null } : null, cancellationToken);
    }

    private Task AdvanceAsync(string teamId, string userId, long from, long to, CancellationToken cancellationToken) =>
        CosmosStore.UpdateAsync<NudgeDocument>(store.Proactive, DocumentIds.Nudge(teamId, userId), NudgeDocument.Partition,
            n => n.DueAt == from ? n with { DueAt = to } : null, cancellationToken);

    private static NudgeSubscription ToSubscription(NudgeDocument d) =>
        new(d.TeamId, d.UserId, new Recurrence([(DayOfWeek)d.Day], new TimeOnly(d.AtMinute / 60, d.AtMinute % 60), d.TimeZone),
            DateTimeOffset.FromUnixTimeMilliseconds(d.DueAt));
}
