using System.Net;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Kudos;

/// <summary>
/// A gift is committed by one ETag-checked write of the giver's weekly budget document (spend + the gift's
/// idempotency key), then written as its own document for listing, the leaderboard and search. Cosmos
/// has no multi-document transaction we can rely on here (and the local test server has no batch), so the
/// budget is the commit point and the gift document is recreated from it if a crash came in between.
/// The budget this instance last wrote is remembered with its ETag, so a giver's next gift usually skips the
/// read: a stale copy only costs a 412 and a reread, and no decision other than "write" is taken from it.
/// When a gift cannot be completed within the retry policy (Cosmos unavailable between the two writes), it is undone,
/// so that "nothing was saved, please try again" is true and the person's retry spends once.
/// </summary>
public sealed class CosmosKudosRepository(CosmosStore store) : IKudosRepository
{
    private const int MaxAttempts = 40;
    private const int MaxRemembered = 50_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string TeamId, string BudgetId), KudosBudgetDocument> _lastWritten = new();

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
            var budgetId = DocumentIds.KudosBudget(gift.GiverId, budget.WeekStart);
            var partition = new PartitionKey(gift.TeamId);
            for (var attempt = 1; ; attempt++)
            {
                var remembered = attempt == 1 && _lastWritten.TryGetValue((gift.TeamId, budgetId), out var copy) ? copy : null;
                var current = remembered ?? await CosmosStore.TryReadAsync<KudosBudgetDocument>(store.Teams, budgetId, gift.TeamId, token);
                var spent = current?.Spent ?? 0;
                var committed = current?.Gifts.FirstOrDefault(g => g.Key == gift.IdempotencyKey);
                if (remembered is not null && (committed is not null || spent + gift.ReceiverIds.Count > budget.WeeklyLimit))
                {
                    continue; // Only a fresh read may decide "given before" or "over budget".
                }

                if (committed is { } entry)
                {
                    // Committed before (a redelivery, or our own retry whose budget write did land).
                    var stored = await EnsureGiftDocumentAsync(gift with { Id = entry.GiftId }, token);
                    var status = entry.GiftId == gift.Id ? KudosGiveStatus.Given : KudosGiveStatus.AlreadyGiven;
                    return new KudosGiveResult(status, stored, Math.Max(0, budget.WeeklyLimit - spent));
                }

                if (spent + gift.ReceiverIds.Count > budget.WeeklyLimit)
                {
                    return new KudosGiveResult(KudosGiveStatus.OverBudget, gift, Math.Max(0, budget.WeeklyLimit - spent));
                }

                var next = new KudosBudgetDocument
                {
                    Id = budgetId,
                    TeamId = gift.TeamId,
                    GiverId = gift.GiverId,
                    WeekStart = budget.WeekStart.ToUnixTimeMilliseconds(),
                    Spent = spent + gift.ReceiverIds.Count,
                    Gifts = [.. current?.Gifts ?? [], new BudgetEntry(gift.IdempotencyKey, gift.Id, gift.ReceiverIds.Count)],
                };
                var options = new ItemRequestOptions { EnableContentResponseOnWrite = false, IfMatchEtag = current?.ETag };
                try
                {
                    writingBudget();
                    var written = current is null
                        ? await store.Teams.CreateItemAsync(next, partition, options, token)
                        : await store.Teams.ReplaceItemAsync(next, budgetId, partition, options, token);
                    Remember(gift.TeamId, next with { ETag = written.ETag });
                }
                // 404: the remembered budget was deleted meanwhile (forget me), so it is read again like a stale one.
                catch (CosmosException ex) when (ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict
                                                     or HttpStatusCode.NotFound
                                                 && attempt < MaxAttempts)
                {
                    _lastWritten.TryRemove((gift.TeamId, budgetId), out _);
                    // Another gift by the same person got there first: reread the budget and decide again.
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + (attempt * 10))), token);
                    continue;
                }

                var giftDocument = await EnsureGiftDocumentAsync(gift, token);
                return new KudosGiveResult(KudosGiveStatus.Given, giftDocument, budget.WeeklyLimit - next.Spent);
            }
        }, cancellationToken);

    /// <summary>
    /// Takes back a gift this call may have committed: its gift document (if it landed) first, then its budget entry and
    /// spend (ETag-checked, so concurrent gifts are kept). In this order a failure part-way never leaves a gift unpaid for.
    /// </summary>
    private Task UndoAsync(KudosGift gift, KudosBudget budget, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var giftId = DocumentIds.Kudos(gift.IdempotencyKey);
            var budgetId = DocumentIds.KudosBudget(gift.GiverId, budget.WeekStart);
            _lastWritten.TryRemove((gift.TeamId, budgetId), out _);
            var document = await CosmosStore.TryReadAsync<KudosDocument>(store.Teams, giftId, gift.TeamId, token);
            if (document is not null && document.RecordId != gift.Id)
            {
                return; // Another delivery's gift under this key: not ours to take back.
            }

            if (document is not null)
            {
                try
                {
                    await store.Teams.DeleteItemAsync<KudosDocument>(giftId, new PartitionKey(gift.TeamId), cancellationToken: token);
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
        }, cancellationToken);

    private void Remember(string teamId, KudosBudgetDocument budget)
    {
        if (_lastWritten.Count >= MaxRemembered)
        {
            _lastWritten.Clear(); // Bounded memory: forgetting costs one read per giver.
        }

        _lastWritten[(teamId, budget.Id)] = budget;
    }

    /// <summary>After "forget me" rewrote or removed budgets: read them again.</summary>
    internal void ForgetRemembered() => _lastWritten.Clear();

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
    /// Reads giver and receivers of the period's gifts (a projection, inside the team's partition) and
    /// counts here: Cosmos has no COUNT(DISTINCT), and GROUP BY would read the same documents anyway.
    /// </summary>
    public Task<IReadOnlyList<LeaderboardEntry>> GetLeaderboardAsync(string teamId, DateTimeOffset? since, int top,
        CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition(
                "SELECT c.giverId, c.receiverIds FROM c WHERE c.teamId = @teamId AND c.type = @type"
                + (since is null ? string.Empty : " AND c.createdAt >= @since"))
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Kudos);
        if (since is { } from)
        {
            definition = definition.WithParameter("@since", from.ToUnixTimeMilliseconds());
        }

        return store.RunAsync<IReadOnlyList<LeaderboardEntry>>(async token =>
        {
            var rows = await store.QueryTeamAsync<GiftRow>(teamId, definition, token);
            return rows
                .SelectMany(r => r.ReceiverIds.Select(receiver => (Receiver: receiver, r.GiverId)))
                .GroupBy(x => x.Receiver, StringComparer.Ordinal)
                .Select(g => new LeaderboardEntry(g.Key, g.Count(), g.Select(x => x.GiverId).Distinct(StringComparer.Ordinal).Count()))
                .OrderByDescending(e => e.KudosReceived)
                .ThenByDescending(e => e.DistinctGivers)
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
            SearchKind = nameof(SearchKind.Kudos),
            SearchBody = gift.Reason + (gift.Value is null ? string.Empty : " " + gift.Value),
            SearchPeople = gift.ReceiverIds,
        };
        var (stored, _) = await store.CreateOnceAsync(document, id, gift.TeamId, d => d.RecordId, cancellationToken);
        return ToGift(stored);
    }

    internal static KudosGift ToGift(KudosDocument d) =>
        new(d.RecordId, d.TeamId, d.GiverId, d.ReceiverIds, d.Reason, d.Value, DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedAt),
            d.IdempotencyKey);

    private sealed record GiftRow(string GiverId, IReadOnlyList<string> ReceiverIds);
}
