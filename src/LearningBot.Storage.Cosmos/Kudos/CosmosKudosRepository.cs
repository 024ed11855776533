using System.Net;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Kudos;

/// <summary>
/// A gift is committed by one conditional patch of the giver's weekly budget document: add the receivers to the spend
/// and the gift's idempotency key to its list, only while the key is not there yet and the spend stays within the
/// limit (the service checks that condition and the change in one step, so concurrent gifts never overspend). Then the
/// gift is written as its own document for listing, the leaderboard and search. Cosmos has no multi-document
/// transaction we can rely on here (and the local test server has no batch), so the budget is the commit point and
/// the gift document is recreated from it if a crash came in between. The usual gift is two writes and no read: only
/// a refused patch (412: given before, over budget, or the first gift of the week: 404) reads the budget to decide.
/// When a gift cannot be completed within the retry policy (Cosmos unavailable between the two writes), it is undone,
/// so that "nothing was saved, please try again" is true and the person's retry spends once.
/// </summary>
public sealed class CosmosKudosRepository(CosmosStore store) : IKudosRepository
{
    private const int MaxAttempts = 40;

    public async Task<KudosGiveResult> GiveAsync(KudosGift gift, KudosBudget budget, CancellationToken cancellationToken)
    {
        var budgetWritten = false;
        try
        {
            return await CommitAsync(gift, budget, () => budgetWritten = true, cancellationToken);
        }
        catch (Exception failure) when (budgetWritten && !cancellationToken.IsCancellationRequested)
        {
            // The budget write may have landed (its answer lost, or the gift document failing after it). The caller
            // reports nothing saved, so take the gift back; a cancelled caller is left to the platform's redelivery instead.
            try
            {
                await UndoAsync(gift, budget, cancellationToken);
            }
            catch (Exception undoFailure) when (!cancellationToken.IsCancellationRequested)
            {
                throw new AggregateException(
                    $"Kudos gift {gift.Id} failed and could not be undone: the budget of giver {gift.GiverId} in team {gift.TeamId} " +
                    "may show a spend without its gift until the giver's message is redelivered.", failure, undoFailure);
            }

            throw;
        }
    }

    /// <param name="writingBudget">Called before each budget write: from then on the gift may have been committed.</param>
    private Task<KudosGiveResult> CommitAsync(KudosGift gift, KudosBudget budget, Action writingBudget, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var budgetId = DocumentIds.KudosBudget(gift.GiverId, budget.PeriodStart, budget.Period);
            var partition = new PartitionKey(gift.TeamId);
            var receivers = gift.ReceiverIds.Count;
            var entry = new BudgetEntry(gift.IdempotencyKey, gift.Id, receivers);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    writingBudget();
                    var patched = await store.Teams.PatchItemAsync<KudosBudgetDocument>(budgetId, partition,
                        [PatchOperation.Increment("/spent", receivers), PatchOperation.Add("/gifts/-", entry)],
                        new PatchItemRequestOptions { FilterPredicate = SpendCondition(gift.IdempotencyKey, budget.Limit - receivers) }, token);
                    var given = await EnsureGiftDocumentAsync(gift, token);
                    return new KudosGiveResult(KudosGiveStatus.Given, given, Math.Max(0, budget.Limit - patched.Resource.Spent));
                }
                catch (CosmosException ex) when (ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
                {
                    // Refused: decide why on a fresh read.
                }

                var current = await CosmosStore.TryReadAsync<KudosBudgetDocument>(store.Teams, budgetId, gift.TeamId, token);
                var spent = current?.Spent ?? 0;
                if (current?.Gifts.FirstOrDefault(g => g.Key == gift.IdempotencyKey) is { } committed)
                {
                    // Committed before (a redelivery, or our own retry whose budget write did land).
                    var stored = await EnsureGiftDocumentAsync(gift with { Id = committed.GiftId }, token);
                    var status = committed.GiftId == gift.Id ? KudosGiveStatus.Given : KudosGiveStatus.AlreadyGiven;
                    return new KudosGiveResult(status, stored, Math.Max(0, budget.Limit - spent));
                }

                if (spent + receivers > budget.Limit)
                {
                    return new KudosGiveResult(KudosGiveStatus.OverBudget, gift, Math.Max(0, budget.Limit - spent));
                }

                if (current is null)
                {
                    try
                    {
                        // The giver's first gift this week; a concurrent first gift makes this a 409, and the next round patches.
                        await store.Teams.CreateItemAsync(new KudosBudgetDocument
                        {
                            Id = budgetId,
                            TeamId = gift.TeamId,
                            GiverId = gift.GiverId,
                            WeekStart = budget.PeriodStart.ToUnixTimeMilliseconds(),
                            Spent = receivers,
                            Gifts = [entry],
                        }, partition, new ItemRequestOptions { EnableContentResponseOnWrite = false }, token);
                        var given = await EnsureGiftDocumentAsync(gift, token);
                        return new KudosGiveResult(KudosGiveStatus.Given, given, budget.Limit - receivers);
                    }
                    catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.Conflict && attempt < MaxAttempts)
                    {
                        continue;
                    }
                }

                if (attempt >= MaxAttempts)
                {
                    throw new InvalidOperationException($"The kudos budget {budgetId} kept changing; gave up after {MaxAttempts} tries.");
                }

                // Another gift by the same person changed the spend between the patch and the read: try again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + (attempt * 10))), token);
            }
        }, cancellationToken);

    /// <summary>
    /// The patch's condition (a FROM clause over the budget document): the gift's key is not in it and the spend leaves
    /// room for the receivers. The key is a platform message id, written as an escaped JSON string literal.
    /// </summary>
    internal static string SpendCondition(string idempotencyKey, int maxSpentBefore) =>
        $"FROM c WHERE c.spent <= {maxSpentBefore.ToString(System.Globalization.CultureInfo.InvariantCulture)} " +
        $"AND NOT ARRAY_CONTAINS(c.gifts, {{\"key\": {System.Text.Json.JsonSerializer.Serialize(idempotencyKey)}}}, true)";

    /// <summary>
    /// Takes back a gift this call may have committed: its gift document (if it landed) first, then its budget entry and
    /// spend (ETag-checked, so concurrent gifts are kept). In this order a failure part-way never leaves a gift unpaid for.
    /// </summary>
    private Task<bool> UndoAsync(KudosGift gift, KudosBudget budget, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var giftId = DocumentIds.Kudos(gift.IdempotencyKey);
            var budgetId = DocumentIds.KudosBudget(gift.GiverId, budget.PeriodStart, budget.Period);
            var document = await CosmosStore.TryReadAsync<KudosDocument>(store.Teams, giftId, gift.TeamId, token);
            if (document is not null && document.RecordId != gift.Id)
            {
                return false; // Another delivery's gift under this key: not ours to take back.
            }

            var deleted = false;
            if (document is not null)
            {
                try
                {
                    await store.Teams.DeleteItemAsync<KudosDocument>(giftId, new PartitionKey(gift.TeamId), cancellationToken: token);
                    deleted = true;
                }
                catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
                {
                    // Deleted by an earlier try of this undo.
                }
            }

            await CosmosStore.UpdateAsync<KudosBudgetDocument>(store.Teams, budgetId, gift.TeamId, current =>
            {
                var entry = current.Gifts.FirstOrDefault(g => g.Key == gift.IdempotencyKey && g.GiftId == gift.Id);
                return entry is null
                    ? null
                    : current with { Spent = current.Spent - entry.Receivers, Gifts = current.Gifts.Where(g => g != entry).ToList() };
            }, token);
            return deleted;
        }, cancellationToken);

    public Task<KudosGift?> FindAsync(string teamId, string idempotencyKey, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
            await CosmosStore.TryReadAsync<KudosDocument>(store.Teams, DocumentIds.Kudos(idempotencyKey), teamId, token) is { } document
                ? ToGift(document)
                : null, cancellationToken);

    /// <summary>The gift document first, then its budget entry and spend: the same steps, in the same order, as undoing a failed gift.</summary>
    public Task<bool> TakeBackAsync(KudosGift gift, KudosBudget budget, CancellationToken cancellationToken) =>
        UndoAsync(gift, budget, cancellationToken);

    public Task SetHiddenFromBoardsAsync(string teamId, string userId, bool hidden, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var id = DocumentIds.KudosHidden(userId);
            try
            {
                if (hidden)
                {
                    await store.Teams.UpsertItemAsync(new KudosHiddenDocument { Id = id, TeamId = teamId, UserId = userId }, new PartitionKey(teamId),
                        new ItemRequestOptions { EnableContentResponseOnWrite = false }, token);
                }
                else
                {
                    await store.Teams.DeleteItemAsync<KudosHiddenDocument>(id, new PartitionKey(teamId), cancellationToken: token);
                }
            }
            catch (CosmosException ex) when (!hidden && ex.StatusCode == HttpStatusCode.NotFound)
            {
                // Not hidden: nothing to show again.
            }

            return true;
        }, cancellationToken);

    public Task<IReadOnlySet<string>> ListHiddenFromBoardsAsync(string teamId, CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition("SELECT c.userId FROM c WHERE c.teamId = @teamId AND c.type = @type")
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.KudosHidden);
        return store.RunAsync<IReadOnlySet<string>>(async token =>
            (await store.QueryTeamAsync<HiddenRow>(teamId, definition, token)).Select(r => r.UserId).ToHashSet(StringComparer.Ordinal),
            cancellationToken);
    }

    /// <summary>
    /// Nothing is cached any more (budgets are patched on the service, never written from a remembered copy); kept for
    /// "forget me", which calls it after rewriting budgets.
    /// </summary>
    internal void ForgetRemembered()
    {
    }

    public Task<IReadOnlyList<KudosGift>> ListSinceAsync(string teamId, DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition(
                $"SELECT TOP {Math.Max(0, limit)} * FROM c WHERE c.teamId = @teamId AND c.type = @type AND c.createdAt >= @since ORDER BY c.createdAt DESC")
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Kudos)
            .WithParameter("@since", since.ToUnixTimeMilliseconds());
        return store.RunAsync<IReadOnlyList<KudosGift>>(async token =>
            (await store.QueryTeamAsync<KudosDocument>(teamId, definition, token)).Select(ToGift).ToList(), cancellationToken);
    }

    public Task<IReadOnlyList<KudosGift>> ListReceivedAsync(string teamId, string userId, int limit, CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition(
                $"SELECT TOP {Math.Max(0, limit)} * FROM c WHERE c.teamId = @teamId AND c.type = @type AND ARRAY_CONTAINS(c.receiverIds, @userId) ORDER BY c.createdAt DESC")
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Kudos)
            .WithParameter("@userId", userId);
        return store.RunAsync<IReadOnlyList<KudosGift>>(async token =>
            (await store.QueryTeamAsync<KudosDocument>(teamId, definition, token)).Select(ToGift).ToList(), cancellationToken);
    }

    /// <summary>
    /// Reads giver and receivers of the period's gifts (a projection, inside the team's partition, optionally one channel's) and
    /// counts here: Cosmos has no COUNT(DISTINCT), and GROUP BY would read the same documents anyway.
    /// </summary>
    public Task<IReadOnlyList<LeaderboardEntry>> GetBoardAsync(string teamId, KudosBoardQuery query, int top,
        CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition(
                "SELECT c.giverId, c.receiverIds FROM c WHERE c.teamId = @teamId AND c.type = @type"
                + (query.Since is null ? string.Empty : " AND c.createdAt >= @since")
                + (query.ChannelId is null ? string.Empty : " AND c.channelId = @channelId"))
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Kudos);
        if (query.Since is { } from)
        {
            definition = definition.WithParameter("@since", from.ToUnixTimeMilliseconds());
        }

        if (query.ChannelId is { } channelId)
        {
            definition = definition.WithParameter("@channelId", channelId);
        }

        var givers = query.Side == KudosBoardSide.Givers;
        return store.RunAsync<IReadOnlyList<LeaderboardEntry>>(async token =>
        {
            var rows = await store.QueryTeamAsync<GiftRow>(teamId, definition, token);
            return rows
                .SelectMany(r => r.ReceiverIds.Select(receiver => givers ? (Person: r.GiverId, Other: receiver) : (Person: receiver, Other: r.GiverId)))
                .GroupBy(x => x.Person, StringComparer.Ordinal)
                .Select(g => new LeaderboardEntry(g.Key, g.Count(), g.Select(x => x.Other).Distinct(StringComparer.Ordinal).Count()))
                .OrderByDescending(e => e.Count)
                .ThenByDescending(e => e.DistinctPeople)
                .ThenBy(e => e.UserId, StringComparer.Ordinal)
                .Take(top)
                .ToList();
        }, cancellationToken);
    }

    private async Task<KudosGift> EnsureGiftDocumentAsync(KudosGift gift, CancellationToken cancellationToken)
    {
        var id = DocumentIds.Kudos(gift.IdempotencyKey);
        var document = new KudosDocument
        {
            Id = id,
            TeamId = gift.TeamId,
            RecordId = gift.Id,
            GiverId = gift.GiverId,
            ReceiverIds = gift.ReceiverIds,
            Reason = gift.Reason,
            Value = gift.Value,
            CreatedAt = gift.CreatedAt.ToUnixTimeMilliseconds(),
            IdempotencyKey = gift.IdempotencyKey,
            ChannelId = gift.ChannelId,
            Link = gift.Link,
            SearchKind = nameof(SearchKind.Kudos),
            SearchBody = gift.Reason + (gift.Value is null ? string.Empty : " " + gift.Value),
            SearchPeople = gift.ReceiverIds,
        };
        var (stored, _) = await store.CreateOnceAsync(document, id, gift.TeamId, d => d.RecordId, cancellationToken);
        return ToGift(stored);
    }

    internal static KudosGift ToGift(KudosDocument d) =>
        new(d.RecordId, d.TeamId, d.GiverId, d.ReceiverIds, d.Reason, d.Value, DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedAt),
            d.IdempotencyKey)
        {
            ChannelId = d.ChannelId,
            Link = d.Link,
        };

    private sealed record GiftRow(string GiverId, IReadOnlyList<string> ReceiverIds);

    private sealed record HiddenRow(string UserId);
}
