using System.Text;
using LearningBot.Core.Storage;

namespace LearningBot.Storage.Sqlite;

public sealed class SqliteDeliveryLog(SqliteDatabase database) : IDeliveryLog
{
    /// <summary>The SQL texts for 1..<see cref="MaxIds"/> ids, built once so each stays one prepared statement per connection.</summary>
    private const int MaxIds = 4;

    private static readonly string[] InsertSql = Enumerable.Range(1, MaxIds).Select(n => new StringBuilder(
            "INSERT INTO deliveries (scope, delivery_id, received_at, team_id, user_id) VALUES ")
        .AppendJoin(", ", Enumerable.Range(0, n).Select(i => $"($scope, $id{i}, $at, $teamId, $userId)"))
        .Append(" ON CONFLICT DO NOTHING").ToString()).ToArray();

    private static readonly string[] SelectSql = Enumerable.Range(1, MaxIds).Select(n =>
        $"SELECT delivery_id FROM deliveries WHERE scope = $scope AND delivery_id IN ({string.Join(", ", Enumerable.Range(0, n).Select(i => $"$id{i}"))}) LIMIT 1")
        .ToArray();

    private static readonly string[] IdNames = Enumerable.Range(0, MaxIds).Select(i => $"$id{i}").ToArray();

    public Task<bool> TryRecordAsync(string scope, string deliveryId, DeliverySender? sender, DateTimeOffset receivedAt,
        CancellationToken cancellationToken) =>
        TryRecordAllAsync(scope, [deliveryId], sender, receivedAt, cancellationToken);

    /// <summary>
    /// Records every id in one statement; true when all were new. A statement is atomic on its own, so inside a unit of work it
    /// needs no savepoint (<see cref="SqliteDatabase.RunStatementAsync{T}"/>): when one id was recorded before, the caller rolls
    /// the whole unit back.
    /// </summary>
    private async Task<bool> TryRecordAllAsync(string scope, IReadOnlyList<string> deliveryIds, DeliverySender? sender,
        DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        if (deliveryIds.Count > MaxIds)
        {
            foreach (var chunk in deliveryIds.Chunk(MaxIds))
            {
                if (!await TryRecordAllAsync(scope, chunk, sender, receivedAt, cancellationToken))
                {
                    return false;
                }
            }

            return true;
        }

        var inserted = await database.RunStatementAsync(connection =>
        {
            (string, object?)[] parameters = [("$scope", scope), ("$at", receivedAt.ToUnixMs()), ("$teamId", sender?.TeamId),
                ("$userId", sender?.UserId), .. deliveryIds.Select((id, i) => (IdNames[i], (object?)id))];
            return connection.ExecuteAsync(InsertSql[deliveryIds.Count - 1], null, cancellationToken, parameters);
        }, cancellationToken);
        return inserted == deliveryIds.Count;
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

            if (deliveryIds.Count > 0 && !await TryRecordAllAsync(scope, deliveryIds, done.Sender, receivedAt, ct))
            {
                // Recorded by another delivery first (another instance): its writes stand, these go.
                return (new DeliveryRun<T>(done.Value, DeliveryRecord.AlreadyRecorded), Commit: false);
            }

            return (new DeliveryRun<T>(done.Value, DeliveryRecord.Recorded), Commit: true);
        }, cancellationToken);

    public async Task<bool> WasRecordedAsync(string scope, string deliveryId, CancellationToken cancellationToken) =>
        await FirstRecordedAsync(scope, [deliveryId], cancellationToken) is not null;

    /// <summary>One indexed read (the primary key) for all of <paramref name="deliveryIds"/>, in chunks of <see cref="MaxIds"/>.</summary>
    public async Task<string?> FirstRecordedAsync(string scope, IReadOnlyList<string> deliveryIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var chunk in deliveryIds.Chunk(MaxIds))
        {
            (string, object?)[] parameters = [("$scope", scope), .. chunk.Select((id, i) => (IdNames[i], (object?)id))];
            if (await connection.ScalarAsync(SelectSql[chunk.Length - 1], null, cancellationToken, parameters) is string found)
            {
                return found;
            }
        }

        return null;
    }
}
