using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Storage.Sqlite.Knowledge;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Kudos;

public sealed class SqliteKudosRepository(SqliteDatabase database) : IKudosRepository
{
    public Task<KudosGiveResult> GiveAsync(KudosGift gift, KudosBudget budget, CancellationToken cancellationToken) =>
        // BEGIN IMMEDIATE takes the write lock before counting, so concurrent gifts cannot both pass the budget check.
        database.WriteAsync(async (connection, transaction) =>
        {
            var spent = Convert.ToInt32(await connection.ScalarAsync(
                "SELECT COUNT(*) FROM kudos_receipts WHERE team_id = $teamId AND giver_id = $giverId AND created_at >= $periodStart",
                transaction, cancellationToken,
                ("$teamId", gift.TeamId), ("$giverId", gift.GiverId), ("$periodStart", budget.PeriodStart.ToUnixMs())));

            var existing = await FindByKeyAsync(connection, transaction, gift.TeamId, gift.IdempotencyKey, cancellationToken);
            if (existing is not null)
            {
                return new KudosGiveResult(KudosGiveStatus.AlreadyGiven, existing, Math.Max(0, budget.Limit - spent));
            }

            if (spent + gift.ReceiverIds.Count > budget.Limit)
            {
                return new KudosGiveResult(KudosGiveStatus.OverBudget, gift, Math.Max(0, budget.Limit - spent));
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO kudos_gifts (id, team_id, giver_id, reason, value, created_at, idempotency_key, channel_id, link)
                VALUES ($id, $teamId, $giverId, $reason, $value, $createdAt, $key, $channelId, $link)
                """,
                transaction, cancellationToken,
                ("$id", gift.Id), ("$teamId", gift.TeamId), ("$giverId", gift.GiverId), ("$reason", gift.Reason),
                ("$value", gift.Value), ("$createdAt", gift.CreatedAt.ToUnixMs()), ("$key", gift.IdempotencyKey),
                ("$channelId", gift.ChannelId), ("$link", gift.Link));
            for (var position = 0; position < gift.ReceiverIds.Count; position++)
            {
                var receiverId = gift.ReceiverIds[position];
                await connection.ExecuteAsync(
                    """
                    INSERT INTO kudos_receipts (gift_id, position, team_id, giver_id, receiver_id, created_at, channel_id)
                    VALUES ($giftId, $position, $teamId, $giverId, $receiverId, $createdAt, $channelId)
                    """,
                    transaction, cancellationToken,
                    ("$giftId", gift.Id), ("$position", position), ("$teamId", gift.TeamId), ("$giverId", gift.GiverId),
                    ("$receiverId", receiverId), ("$createdAt", gift.CreatedAt.ToUnixMs()), ("$channelId", gift.ChannelId));
                await SearchDocuments.InsertAsync(connection, transaction, gift.TeamId, SearchKind.Kudos, gift.Id, receiverId,
                    string.Empty, gift.Reason, gift.Value is null ? [] : [gift.Value], gift.CreatedAt, cancellationToken);
            }

            return new KudosGiveResult(KudosGiveStatus.Given, gift, budget.Limit - spent - gift.ReceiverIds.Count);
        }, cancellationToken);

    public async Task<IReadOnlyList<KudosGift>> ListSinceAsync(string teamId, DateTimeOffset since, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var gifts = await connection.QueryAsync(
            """
            SELECT id, team_id, giver_id, reason, value, created_at, idempotency_key, channel_id, link FROM kudos_gifts
            WHERE team_id = $teamId AND created_at >= $since
            ORDER BY created_at DESC
            LIMIT $limit
            """,
            null, ReadGift,
            cancellationToken, ("$teamId", teamId), ("$since", since.ToUnixMs()), ("$limit", limit));
        if (gifts.Count == 0)
        {
            return gifts;
        }

        var receivers = (await connection.QueryAsync(
                """
                SELECT r.gift_id, r.receiver_id FROM kudos_receipts r
                WHERE r.team_id = $teamId AND r.created_at >= $since
                ORDER BY r.gift_id, r.position
                """,
                null, r => (GiftId: r.GetString(0), ReceiverId: r.GetString(1)), cancellationToken,
                ("$teamId", teamId), ("$since", gifts[^1].CreatedAt.ToUnixMs())))
            .ToLookup(x => x.GiftId, x => x.ReceiverId);
        return gifts.Select(g => g with { ReceiverIds = receivers[g.Id].ToList() }).ToList();
    }

    public async Task<IReadOnlyList<KudosGift>> ListReceivedAsync(string teamId, string userId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var giftIds = await connection.QueryAsync(
            "SELECT gift_id FROM kudos_receipts WHERE team_id = $teamId AND receiver_id = $userId ORDER BY created_at DESC LIMIT $limit",
            null, r => r.GetString(0), cancellationToken, ("$teamId", teamId), ("$userId", userId), ("$limit", limit));
        var gifts = new List<KudosGift>();
        foreach (var giftId in giftIds)
        {
            if (await GetGiftAsync(connection, null, giftId, cancellationToken) is { } gift)
            {
                gifts.Add(gift);
            }
        }

        return gifts;
    }

    public async Task<IReadOnlyList<LeaderboardEntry>> GetBoardAsync(string teamId, KudosBoardQuery query, int top,
        CancellationToken cancellationToken)
    {
        // Receivers: kudos received and from how many givers; givers: kudos given and to how many receivers (one row per receipt).
        var (person, other) = query.Side == KudosBoardSide.Givers ? ("giver_id", "receiver_id") : ("receiver_id", "giver_id");
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"""
            SELECT {person}, COUNT(*) AS n, COUNT(DISTINCT {other}) AS people FROM kudos_receipts
            WHERE team_id = $teamId AND created_at >= $since AND ($channelId IS NULL OR channel_id = $channelId)
            GROUP BY {person}
            ORDER BY n DESC, people DESC, {person}
            LIMIT $top
            """,
            null, r => new LeaderboardEntry(r.GetString(0), r.GetInt32(1), r.GetInt32(2)), cancellationToken,
            ("$teamId", teamId), ("$since", query.Since?.ToUnixMs() ?? long.MinValue), ("$channelId", query.ChannelId), ("$top", top));
    }

    public async Task<KudosGift?> FindAsync(string teamId, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var id = await connection.ScalarAsync("SELECT id FROM kudos_gifts WHERE team_id = $teamId AND idempotency_key = $key",
            null, cancellationToken, ("$teamId", teamId), ("$key", idempotencyKey));
        return id is string giftId ? await GetGiftAsync(connection, null, giftId, cancellationToken) : null;
    }

    /// <summary>Receipts, gift and index rows go in one transaction: the receipts are the budget, so it is given back with them.</summary>
    public Task<bool> TakeBackAsync(KudosGift gift, KudosBudget budget, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await SearchDocuments.DeleteWhereAsync(connection, transaction, "team_id = $teamId AND kind = $kind AND ref_id = $id",
                cancellationToken, ("$teamId", gift.TeamId), ("$kind", (int)SearchKind.Kudos), ("$id", gift.Id));
            await connection.ExecuteAsync("DELETE FROM kudos_receipts WHERE team_id = $teamId AND gift_id = $id", transaction,
                cancellationToken, ("$teamId", gift.TeamId), ("$id", gift.Id));
            return await connection.ExecuteAsync("DELETE FROM kudos_gifts WHERE team_id = $teamId AND id = $id", transaction,
                cancellationToken, ("$teamId", gift.TeamId), ("$id", gift.Id)) > 0;
        }, cancellationToken);

    public Task SetHiddenFromBoardsAsync(string teamId, string userId, bool hidden, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(
            hidden
                ? "INSERT INTO kudos_hidden (team_id, user_id) VALUES ($teamId, $userId) ON CONFLICT DO NOTHING"
                : "DELETE FROM kudos_hidden WHERE team_id = $teamId AND user_id = $userId",
            transaction, cancellationToken, ("$teamId", teamId), ("$userId", userId)), cancellationToken);

    public async Task<IReadOnlySet<string>> ListHiddenFromBoardsAsync(string teamId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync("SELECT user_id FROM kudos_hidden WHERE team_id = $teamId", null, r => r.GetString(0),
            cancellationToken, ("$teamId", teamId))).ToHashSet(StringComparer.Ordinal);
    }

    private static KudosGift ReadGift(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), [], r.GetString(3), r.GetNullableString(4), r.GetInstant(5), r.GetString(6))
        {
            ChannelId = r.GetNullableString(7),
            Link = r.GetNullableString(8),
        };

    private static async Task<KudosGift?> FindByKeyAsync(SqliteConnection connection, SqliteTransaction transaction, string teamId,
        string key, CancellationToken cancellationToken)
    {
        var id = await connection.ScalarAsync("SELECT id FROM kudos_gifts WHERE team_id = $teamId AND idempotency_key = $key",
            transaction, cancellationToken, ("$teamId", teamId), ("$key", key));
        return id is string giftId ? await GetGiftAsync(connection, transaction, giftId, cancellationToken) : null;
    }

    private static async Task<KudosGift?> GetGiftAsync(SqliteConnection connection, SqliteTransaction? transaction, string giftId,
        CancellationToken cancellationToken)
    {
        var gifts = await connection.QueryAsync(
            "SELECT id, team_id, giver_id, reason, value, created_at, idempotency_key, channel_id, link FROM kudos_gifts WHERE id = $id",
            transaction, ReadGift,
            cancellationToken, ("$id", giftId));
        if (gifts.Count == 0)
        {
            return null;
        }

        var receivers = await connection.QueryAsync(
            "SELECT receiver_id FROM kudos_receipts WHERE gift_id = $giftId ORDER BY position",
            transaction, r => r.GetString(0), cancellationToken, ("$giftId", giftId));
        return gifts[0] with { ReceiverIds = receivers };
    }
}
