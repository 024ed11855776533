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

    /// <summary>
    /// The work and the records in one write transaction (<see cref="SqliteDatabase.InOneTransactionAsync{T}"/>): committed
    /// together; rolled back whole when the work saved nothing (a failed command: none of its writes stay, and its retry runs)
    /// or when another delivery recorded one of the ids first.
    /// </summary>
    public Task<DeliveryRun<T>> RunAndRecordAsync<T>(string scope, IReadOnlyList<string> deliveryIds,
        Func<CancellationToken, Task<DeliveryWork<T>>> work, DateTimeOffset receivedAt, CancellationToken cancellationToken) =>
        database.InOneTransactionAsync(async ct =>
        {
            var done = await work(ct);
            if (!done.Record)
            {
                // The command failed part-way (its reply says nothing was saved): make that true for all of its writes.
                return (new DeliveryRun<T>(done.Value, DeliveryRecord.NotRecorded), Commit: false);
            }

            foreach (var id in deliveryIds)
            {
                if (!await TryRecordAsync(scope, id, done.Sender, receivedAt, ct))
                {
                    // Recorded by another delivery first (another instance): its writes stand, these go.
                    return (new DeliveryRun<T>(done.Value, DeliveryRecord.AlreadyRecorded), Commit: false);
                }
            }

            return (new DeliveryRun<T>(done.Value, DeliveryRecord.Recorded), Commit: true);
        }, cancellationToken);

    public async Task<bool> WasRecordedAsync(string scope, string deliveryId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ScalarAsync("SELECT 1 FROM deliveries WHERE scope = $scope AND delivery_id = $id", null, cancellationToken,
            ("$scope", scope), ("$id", deliveryId)) is not null;
    }
}
