using System.Net;
using System.Text.Json.Serialization;
using LearningBot.Core.Conversations;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Conversations;

internal sealed record ConversationDocument : IETagged
{
    public const string Partition = "conversations";

    public required string Id { get; init; }

    public string Pk { get; init; } = Partition;

    public string Type { get; init; } = "conversation";

    public required string Key { get; init; }

    public required string Platform { get; init; }

    public required string TeamId { get; init; }

    public required string Kind { get; init; }

    public string? UserId { get; init; }

    public required string ReferenceJson { get; init; }

    public required bool IsActive { get; init; }

    public required long UpdatedAt { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>
/// All conversations live in one logical partition of the <c>proactive</c> container: looked up by key
/// (a point read: the outbox dispatcher knows only the key) and by team/user (a single-partition query).
/// </summary>
public sealed class CosmosConversationRepository(CosmosStore store) : IConversationRepository
{
    public Task<bool> SaveAsync(StoredConversation conversation, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var document = ToDocument(conversation);
            for (var attempt = 1; ; attempt++)
            {
                var existing = await CosmosStore.TryReadAsync<ConversationDocument>(store.Proactive, document.Id, ConversationDocument.Partition, token);
                try
                {
                    // Create when new (409: someone else just did) or replace what was read (412: it changed): the
                    // "was it new or inactive" answer is then exact even when two saves race.
                    if (existing is null)
                    {
                        await store.Proactive.CreateItemAsync(document, new PartitionKey(ConversationDocument.Partition),
                            new ItemRequestOptions { EnableContentResponseOnWrite = false }, token);
                    }
                    else
                    {
                        await store.Proactive.ReplaceItemAsync(document, document.Id, new PartitionKey(ConversationDocument.Partition),
                            new ItemRequestOptions { IfMatchEtag = existing.ETag, EnableContentResponseOnWrite = false }, token);
                    }

                    return existing is not { IsActive: true };
                }
                catch (CosmosException ex) when (ex.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound
                                                 && attempt < 20)
                {
                }
            }
        }, cancellationToken);

    public Task<StoredConversation?> GetAsync(string key, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var document = await CosmosStore.TryReadAsync<ConversationDocument>(store.Proactive, DocumentIds.Conversation(key),
                ConversationDocument.Partition, token);
            return document is null ? null : ToConversation(document);
        }, cancellationToken);

    public Task<StoredConversation?> FindPersonalAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(
                "SELECT TOP 1 * FROM c WHERE c.pk = @pk AND c.type = 'conversation' AND c.teamId = @teamId AND c.userId = @userId " +
                "AND c.kind = @kind AND c.isActive = true ORDER BY c.updatedAt DESC")
            .WithParameter("@pk", ConversationDocument.Partition)
            .WithParameter("@teamId", teamId)
            .WithParameter("@userId", userId)
            .WithParameter("@kind", nameof(ConversationKind.Personal));
        return store.RunAsync(async token =>
        {
            var found = await CosmosStore.QueryPartitionAsync<ConversationDocument>(store.Proactive, ConversationDocument.Partition, query, token);
            return found.Count == 0 ? null : ToConversation(found[0]);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<StoredConversation>> ListActiveAsync(string teamId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition(
                "SELECT * FROM c WHERE c.pk = @pk AND c.type = 'conversation' AND c.teamId = @teamId AND c.isActive = true")
            .WithParameter("@pk", ConversationDocument.Partition)
            .WithParameter("@teamId", teamId);
        return store.RunAsync<IReadOnlyList<StoredConversation>>(async token =>
            (await CosmosStore.QueryPartitionAsync<ConversationDocument>(store.Proactive, ConversationDocument.Partition, query, token))
            .Select(ToConversation).OrderBy(c => c.Key, StringComparer.Ordinal).ToList(), cancellationToken);
    }

    public Task MarkInactiveAsync(string key, DateTimeOffset at, CancellationToken cancellationToken) =>
        store.RunAsync(token => CosmosStore.UpdateAsync<ConversationDocument>(store.Proactive, DocumentIds.Conversation(key),
            ConversationDocument.Partition, d => d with { IsActive = false, UpdatedAt = at.ToUnixTimeMilliseconds() }, token), cancellationToken);

    private static ConversationDocument ToDocument(StoredConversation c) => new()
    {
        Id = DocumentIds.Conversation(c.Key),
        Key = c.Key,
        Platform = c.Platform,
        TeamId = c.TeamId,
        Kind = c.Kind.ToString(),
        UserId = c.UserId,
        ReferenceJson = c.ReferenceJson,
        IsActive = true,
        UpdatedAt = c.UpdatedAt.ToUnixTimeMilliseconds(),
    };

    private static StoredConversation ToConversation(ConversationDocument d) =>
        new(d.Key, d.Platform, d.TeamId, Enum.Parse<ConversationKind>(d.Kind), d.UserId, d.ReferenceJson, d.IsActive,
            DateTimeOffset.FromUnixTimeMilliseconds(d.UpdatedAt));
}
