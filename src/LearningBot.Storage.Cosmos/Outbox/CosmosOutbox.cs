using System.Net;
using System.Text.Json.Serialization;
using LearningBot.Core.Outbox;
using LearningBot.Core.Replies;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Outbox;

internal sealed record OutboxDocument : IETagged
{
    public const string Partition = "outbox";
    public const string Pending = "Pending";

    public required string Id { get; init; }

    public string Pk { get; init; } = Partition;

    public string Type { get; init; } = "outbox";

    public required string RecordId { get; init; }

    public required string TeamId { get; init; }

    public required string ConversationKey { get; init; }

    public required string Purpose { get; init; }

    public string? RelatedId { get; init; }

    public required string ReplyJson { get; init; }

    public string? ThreadId { get; init; }

    public required string State { get; init; }

    public required long NotBefore { get; init; }

    public long? LeaseUntil { get; init; }

    public int Attempts { get; init; }

    /// <summary>
    /// When a dispatcher may take it next: the later of <see cref="NotBefore"/> and the lease's end while
    /// pending, absent once sent or abandoned. The only range the lease query reads, so it touches due messages only.
    /// </summary>
    public long? DueAt { get; init; }

    public string? PlatformMessageId { get; init; }

    public long? CompletedAt { get; init; }

    public string? LastError { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    public static OutboxDocument From(OutboxMessage message) => new()
    {
        Id = DocumentIds.Outbox(message.Id),
        RecordId = message.Id,
        TeamId = message.TeamId,
        ConversationKey = message.ConversationKey,
        Purpose = message.Purpose.ToString(),
        RelatedId = message.RelatedId,
        ReplyJson = Core.Replies.ReplyJson.Serialize(message.Reply),
        ThreadId = message.ThreadId,
        State = Pending,
        NotBefore = message.NotBefore.ToUnixTimeMilliseconds(),
        DueAt = message.NotBefore.ToUnixTimeMilliseconds(),
    };

    public OutboxMessage ToMessage() =>
        new(RecordId, TeamId, ConversationKey, Enum.Parse<OutboxPurpose>(Purpose), RelatedId, Core.Replies.ReplyJson.Deserialize(ReplyJson),
            DateTimeOffset.FromUnixTimeMilliseconds(NotBefore))
        {
            ThreadId = ThreadId,
            Attempts = Attempts,
        };
}

/// <summary>
/// The outbox: one logical partition (<c>pk = "outbox"</c>) of the <c>proactive</c> container, so "what is
/// due" is a single-partition query on the indexed <c>dueAt</c>. A lease is an <c>If-Match</c> replace of
/// the message: of several instances that read the same due message, exactly one replace succeeds.
/// </summary>
public sealed class CosmosOutbox(CosmosStore store) : IOutbox
{
    public Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken) =>
        store.RunAsync(token => EnqueueAsync(store, message, token), cancellationToken);

    /// <summary>Creates the message with an id derived from its own: 409 means it is already queued (or was sent).</summary>
    internal static async Task<bool> EnqueueAsync(CosmosStore store, OutboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await store.Proactive.CreateItemAsync(OutboxDocument.From(message), new PartitionKey(OutboxDocument.Partition),
                new ItemRequestOptions { EnableContentResponseOnWrite = false }, cancellationToken);
            return true;
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public Task<IReadOnlyList<OutboxMessage>> LeaseDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(
                $"SELECT TOP {Math.Max(0, limit)} * FROM c WHERE c.pk = @pk AND c.type = 'outbox' AND c.dueAt <= @now ORDER BY c.dueAt")
            .WithParameter("@pk", OutboxDocument.Partition)
            .WithParameter("@now", now.ToUnixTimeMilliseconds());
        return store.RunAsync<IReadOnlyList<OutboxMessage>>(async token =>
        {
            var due = await CosmosStore.QueryPartitionAsync<OutboxDocument>(store.Proactive, OutboxDocument.Partition, query, token);
            var leased = new List<OutboxMessage>();
            var until = (now + lease).ToUnixTimeMilliseconds();
            foreach (var document in due.Where(d => d.State == OutboxDocument.Pending))
            {
                var taken = document with { Attempts = document.Attempts + 1, LeaseUntil = until, DueAt = Math.Max(until, document.NotBefore) };
                try
                {
                    await store.Proactive.ReplaceItemAsync(taken, taken.Id, new PartitionKey(OutboxDocument.Partition),
                        new ItemRequestOptions { IfMatchEtag = document.ETag, EnableContentResponseOnWrite = false }, token);
                    leased.Add(taken.ToMessage());
                }
                catch (CosmosException ex) when (ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
                {
                    // Another instance leased (or finished) it between our query and our write.
                }
            }

            return leased;
        }, cancellationToken);
    }

    public Task CompleteAsync(string id, string? platformMessageId, DateTimeOffset at, CancellationToken cancellationToken) =>
        Update(id, d => d with
        {
            State = "Sent", PlatformMessageId = platformMessageId, CompletedAt = at.ToUnixTimeMilliseconds(), LeaseUntil = null, DueAt = null,
        }, cancellationToken);

    public Task RetryLaterAsync(string id, DateTimeOffset notBefore, string reason, CancellationToken cancellationToken) =>
        Update(id, d => d.State != OutboxDocument.Pending
            ? null
            : d with
            {
                NotBefore = notBefore.ToUnixTimeMilliseconds(), LeaseUntil = null, DueAt = notBefore.ToUnixTimeMilliseconds(), LastError = reason,
            }, cancellationToken);

    public Task AbandonAsync(string id, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        Update(id, d => d with
        {
            State = "Abandoned", LastError = reason, CompletedAt = at.ToUnixTimeMilliseconds(), LeaseUntil = null, DueAt = null,
        }, cancellationToken);

    public Task<int> CountPendingAsync(CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT VALUE COUNT(1) FROM c WHERE c.pk = @pk AND c.type = 'outbox' AND c.state = @state")
            .WithParameter("@pk", OutboxDocument.Partition)
            .WithParameter("@state", OutboxDocument.Pending);
        return store.RunAsync(async token =>
            (await CosmosStore.QueryPartitionAsync<int>(store.Proactive, OutboxDocument.Partition, query, token)).Sum(), cancellationToken);
    }

    private Task Update(string id, Func<OutboxDocument, OutboxDocument?> change, CancellationToken cancellationToken) =>
        store.RunAsync(token => CosmosStore.UpdateAsync(store.Proactive, DocumentIds.Outbox(id), OutboxDocument.Partition, change, token),
            cancellationToken);
}
