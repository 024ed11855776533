using LearningBot.Core.Storage;

namespace LearningBot.Storage.Sqlite;

public sealed class SqliteDeliveryLog(SqliteDatabase database) : IDeliveryLog
{
    public async Task<bool> TryRecordAsync(string scope, string deliveryId, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(
            "INSERT INTO deliveries (scope, delivery_id, received_at) VALUES ($scope, $id, $at) ON CONFLICT DO NOTHING",
            null, cancellationToken, ("$scope", scope), ("$id", deliveryId), ("$at", receivedAt.ToUnixMs()));
        return inserted > 0;
    }
}
