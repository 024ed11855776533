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
}

/// <summary>The person a delivery came from: <paramref name="TeamId"/> and <paramref name="UserId"/> as the pipeline stores them.</summary>
public sealed record DeliverySender(string TeamId, string UserId);
