namespace LearningBot.Core.Storage;

/// <summary>
/// Remembers which platform deliveries (Slack event ids, Teams activity ids) were already processed,
/// so a retried delivery has no second effect even when its command writes nothing (help, ask replies).
/// </summary>
public interface IDeliveryLog
{
    /// <summary>Records the delivery; true the first time, false for a redelivery.</summary>
    /// <param name="scope">Where the id is unique, e.g. <c>slack:T123</c> or <c>msteams:conversation-id</c>.</param>
    Task<bool> TryRecordAsync(string scope, string deliveryId, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the delivery was recorded already: lets an adapter that records only after the command's writes
    /// (so a crash in between cannot swallow the retry) skip a known redelivery before doing anything.
    /// </summary>
    Task<bool> WasRecordedAsync(string scope, string deliveryId, CancellationToken cancellationToken);
}
