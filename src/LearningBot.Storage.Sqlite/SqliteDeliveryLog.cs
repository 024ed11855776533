using LearningBot.Core.Storage;

namespace LearningBot.Storage.Sqlite;

public sealed class SqliteDeliveryLog(SqliteDatabase database) : IDeliveryLog
{
    public async Task<bool> TryRecordAsync(string scope, string deliveryId, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var inserted = await database.RunWriteAsync(connection => connection.ExecuteAsync(
            "INSERT INTO deliveries (scope, delivery_id, received_at) VALUES ($scope, $id, $at) ON CONFLICT DO NOTHING",
            null, cancellationToken, ("$scope", scope), ("$id", deliveryId), ("$at", receivedAt.ToUnixMs())), cancellationToken);
        return inserted > 0;
    }
}
