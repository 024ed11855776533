namespace LearningBot.Core.Storage;

/// <summary>
/// Remembers which platform deliveries (Slack event ids, Teams activity ids) were already processed,
/// so a retried delivery has no second effect even when its command writes nothing (help, ask replies).
/// </summary>
public interface IDeliveryLog
{
    /// <summary>Records the delivery; true the first time, false for a redelivery.</summary>
    /// <param name="scope">Where the id is unique, e.g. <c>slack:T123</c> or <c>msteams:conversation-id</c>.</param>
    /// <param name="sender">
    /// Who sent it, in the pipeline's terms (the team and user ids of <c>IncomingMessage</c>), so that "forget me"
    /// deletes exactly that person's records in that team; null when the delivery has no person (e.g. an uninstall event).
    /// </param>
    Task<bool> TryRecordAsync(string scope, string deliveryId, DeliverySender? sender, DateTimeOffset receivedAt,
        CancellationToken cancellationToken);

    /// <summary>
    /// Whether the delivery was recorded already: lets an adapter that records only after the command's writes
    /// (so a crash in between cannot swallow the retry) skip a known redelivery before doing anything.
    /// </summary>
    Task<bool> WasRecordedAsync(string scope, string deliveryId, CancellationToken cancellationToken);

    /// <summary>
    /// The first of <paramref name="deliveryIds"/> recorded already, or null when none is: one check for a delivery known by
    /// several ids (a Slack message event is keyed by its event id and by the message's channel and ts). A store that can
    /// answers it with one read (SQLite: issue 18); by default each id is checked in turn.
    /// </summary>
    async Task<string?> FirstRecordedAsync(string scope, IReadOnlyList<string> deliveryIds, CancellationToken cancellationToken)
    {
        foreach (var id in deliveryIds)
        {
            if (await WasRecordedAsync(scope, id, cancellationToken))
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>
    /// Runs a delivery's store writes (<paramref name="work"/>), then records the delivery under each of
    /// <paramref name="deliveryIds"/> unless the work says nothing was saved. A store that can makes it one write
    /// transaction (SQLite): the command and its record commit together, a delivery another instance recorded first
    /// rolls this one's writes back, and a command that failed leaves no record (nor any of its writes), so its retry runs. Elsewhere (Cosmos) the
    /// record follows the writes, which are idempotent by the delivery's key, so a crash in between makes the retry store
    /// nothing twice.
    /// </summary>
    /// <returns>The work's value and what became of the record.</returns>
    async Task<DeliveryRun<T>> RunAndRecordAsync<T>(string scope, IReadOnlyList<string> deliveryIds,
        Func<CancellationToken, Task<DeliveryWork<T>>> work, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var done = await work(cancellationToken);
        if (!done.Record)
        {
            return new DeliveryRun<T>(done.Value, DeliveryRecord.NotRecorded);
        }

        foreach (var id in deliveryIds)
        {
            if (!await TryRecordAsync(scope, id, done.Sender, receivedAt, cancellationToken))
            {
                return new DeliveryRun<T>(done.Value, DeliveryRecord.AlreadyRecorded);
            }
        }

        return new DeliveryRun<T>(done.Value, DeliveryRecord.Recorded);
    }
}

/// <summary>What a delivery's store writes produced, and whether to record the delivery as done.</summary>
/// <param name="Record">False when nothing was saved (the command failed): the delivery stays unrecorded so a retry runs it.</param>
/// <param name="Sender">Who sent it (stored with the record, for "forget me").</param>
public sealed record DeliveryWork<T>(T Value, bool Record, DeliverySender? Sender);

/// <summary>The outcome of <see cref="IDeliveryLog.RunAndRecordAsync{T}"/>.</summary>
public sealed record DeliveryRun<T>(T Value, DeliveryRecord Record);

public enum DeliveryRecord
{
    /// <summary>Recorded now, with the work's writes.</summary>
    Recorded,

    /// <summary>The work saved nothing, so nothing was recorded.</summary>
    NotRecorded,

    /// <summary>Another delivery with one of these ids was recorded first: a redelivery (its writes rolled back where the store can).</summary>
    AlreadyRecorded,
}

/// <summary>The person a delivery came from: <paramref name="TeamId"/> and <paramref name="UserId"/> as the pipeline stores them.</summary>
public sealed record DeliverySender(string TeamId, string UserId);
