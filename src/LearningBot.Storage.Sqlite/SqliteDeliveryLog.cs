using LearningBot.Core.Storage;

namespace LearningBot.Storage.Sqlite;

public sealed class SqliteDeliveryLog(SqliteDatabase database) : IDeliveryLog
{
    public async Task<bool> TryRecordAsync(string scope, string deliveryId, DeliverySender? sender, DateTimeOffset receivedAt,
        CancellationToken cancellationToken)
    {
        var inserted = await database.RunWriteAsync(connection => connection.ExecuteAsync(
            """
            INSERT INTO deliveries (scope, delivery_id, received_at, team_id, user_id) VALUES ($scope, $id, $at, $teamId, $userId)
            ON CONFLICT DO NOTHING
            """,
            null, cancellationToken, ("$scope", scope), ("$id", deliveryId), ("$at", receivedAt.ToUnixMs()),
            ("$teamId", sender?.TeamId), ("$userId", sender?.UserId)), cancellationToken);
        return inserted > 0;
    }

    public async Task<bool> WasRecordedAsync(string scope, string deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ScalarAsync("SELECT 1 FROM deliveries WHERE scope = $scope AND delivery_id = $id", null, cancellationToken,
            ("$scope", scope), ("$id", deliveryId)) is not null;
    }
}
