using System.Net;
using LearningBot.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos;

/// <summary>A create per delivery in the <c>deliveries</c> container (partition = scope): 201 is new, 409 is a redelivery.</summary>
public sealed class CosmosDeliveryLog(CosmosStore store) : IDeliveryLog
{
    public Task<bool> TryRecordAsync(string scope, string deliveryId, DeliverySender? sender, DateTimeOffset receivedAt,
        CancellationToken cancellationToken)
    {
        // Marks this call's write, so that when a retry after a timeout meets the record the first try
        // did write, it is recognised as ours and not mistaken for a redelivery.
        var attempt = Guid.NewGuid().ToString("N");
        return store.RunAsync(async token =>
        {
            var document = new DeliveryDocument
            {
                Id = DocumentIds.Delivery(deliveryId),
                Scope = scope,
                DeliveryId = deliveryId,
                ReceivedAt = receivedAt.ToUnixTimeMilliseconds(),
                Attempt = attempt,
                TeamId = sender?.TeamId,
                UserId = sender?.UserId,
                TimeToLive = store.Options.DeliveryRecordTtl is { } ttl ? (int)ttl.TotalSeconds : null,
            };
            try
            {
                await store.Deliveries.CreateItemAsync(document, new PartitionKey(scope),
                    new ItemRequestOptions { EnableContentResponseOnWrite = false }, token);
                return true;
            }
            catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
            {
                var existing = await CosmosStore.TryReadAsync<DeliveryDocument>(store.Deliveries, document.Id, scope, token);
                return existing?.Attempt == attempt;
            }
        }, cancellationToken);
    }

    public Task<bool> WasRecordedAsync(string scope, string deliveryId, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
            await CosmosStore.TryReadAsync<DeliveryDocument>(store.Deliveries, DocumentIds.Delivery(deliveryId), scope, token) is not null,
            cancellationToken);
}
