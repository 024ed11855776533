using System.Net;
using System.Security.Cryptography;
using System.Text;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Knowledge;

/// <summary>What is embedded of a learning or shared answer, and the hash that ties a vector to that exact text.</summary>
internal static class EmbeddedText
{
    /// <summary>The learning's text.</summary>
    public static string Of(LearningDocument d) => d.Text;

    /// <summary>The question, a line break, the answer.</summary>
    public static string Of(KnowledgeDocument d) => d.Question + "\n" + d.Answer;

    /// <summary>SHA-256 of the UTF-8 text, 32 hex digits: equal texts, equal hashes; an edit (e.g. "forget me" scrubbing a mention) changes it.</summary>
    public static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 16);
}

/// <summary>
/// The durable embedding queue over the <c>teams</c> container: a learning or shared answer is pending while its
/// <c>embeddingModel</c> (range-indexed) is missing or names another model, so new documents, the backfill of documents
/// written before embeddings existed and a model change are one query. Vectors are written into the document itself
/// (<see cref="TeamsEmbedding.Path"/>), with an If-Match replace that first checks the text still has the hash it was
/// embedded from. Listing and counting are the only cross-partition queries of a chat host (the background worker's,
/// never a command's): pending documents may lie in any team.
/// </summary>
public sealed class CosmosEmbeddingStore(CosmosStore store) : IEmbeddingStore
{
    // Documents that can carry a vector: learnings and shared answers that are searchable (private learnings have no searchKind).
    private const string PendingFilter =
        "(c.type = @learning OR c.type = @knowledge) AND IS_DEFINED(c.searchKind) " +
        "AND (NOT IS_DEFINED(c.embeddingModel) OR c.embeddingModel != @model)";

    /// <summary>
    /// Up to <paramref name="max"/> pending documents across teams, in the order the service returns them (not oldest first:
    /// every listed document stops being pending once saved, so the order does not decide whether work is done). The query has
    /// no TOP or ORDER BY, so no partition sorts for it; pages are read only until <paramref name="max"/> are found.
    /// </summary>
    public Task<IReadOnlyList<EmbeddingWork>> ListPendingAsync(string modelId, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        if (max <= 0)
        {
            return Task.FromResult<IReadOnlyList<EmbeddingWork>>([]);
        }

        var query = Pending("SELECT c.teamId, c.type, c.recordId, c.text, c.question, c.answer FROM c WHERE " + PendingFilter, modelId);
        return store.RunAsync<IReadOnlyList<EmbeddingWork>>(async token =>
        {
            var work = new List<EmbeddingWork>(max);
            using var iterator = store.Teams.GetItemQueryIterator<PendingRow>(query, requestOptions: new QueryRequestOptions { MaxItemCount = max });
            while (iterator.HasMoreResults && work.Count < max)
            {
                foreach (var row in await iterator.ReadNextAsync(token))
                {
                    var text = row.Type == DocumentTypes.Knowledge ? row.Question + "\n" + row.Answer : row.Text ?? string.Empty;
                    work.Add(new EmbeddingWork(row.TeamId, row.Type == DocumentTypes.Knowledge ? SearchKind.Knowledge : SearchKind.Learning,
                        row.RecordId, text, EmbeddedText.Hash(text)));
                }
            }

            return work.Take(max).ToList();
        }, cancellationToken);
    }

    /// <summary>
    /// Writes each vector into its document with the model id, one If-Match replace per document (a concurrent write, e.g. a
    /// "this helped" vote, makes it read and check again). Skipped: a deleted document, one whose text no longer has the work's
    /// hash (it stays pending with its new text), one that already has a vector from <paramref name="modelId"/> for this text
    /// (another instance was faster). Throws <see cref="ArgumentException"/> for a vector that is not
    /// <see cref="TeamsEmbedding.Dimensions"/> long: the container's vector policy is fixed at that size.
    /// </summary>
    public Task SaveAsync(string modelId, IReadOnlyList<ComputedEmbedding> embeddings, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        if (embeddings.FirstOrDefault(e => e.Vector.Length != TeamsEmbedding.Dimensions) is { } wrong)
        {
            throw new ArgumentException(
                $"The vector for {wrong.Work.Kind} {wrong.Work.Id} has {wrong.Vector.Length} dimensions; the teams container's vector policy " +
                $"stores {TeamsEmbedding.Dimensions} (a model of another size needs a new container: docs/storage.md).", nameof(embeddings));
        }

        return store.RunAsync(async token =>
        {
            foreach (var team in embeddings.GroupBy(e => e.Work.TeamId))
            {
                // One query per team finds the documents (they are stored under ids derived from idempotency keys, not record ids).
                var query = new QueryDefinition(
                        "SELECT * FROM c WHERE c.teamId = @teamId AND (c.type = @learning OR c.type = @knowledge) AND ARRAY_CONTAINS(@ids, c.recordId)")
                    .WithParameter("@teamId", team.Key)
                    .WithParameter("@learning", DocumentTypes.Learning)
                    .WithParameter("@knowledge", DocumentTypes.Knowledge)
                    .WithParameter("@ids", team.Select(e => e.Work.Id).Distinct().ToArray());
                var rows = await store.QueryTeamAsync<System.Text.Json.JsonElement>(team.Key, query, token);
                foreach (var embedding in team)
                {
                    var type = embedding.Work.Kind == SearchKind.Knowledge ? DocumentTypes.Knowledge : DocumentTypes.Learning;
                    var row = rows.FirstOrDefault(r => r.GetProperty("type").GetString() == type && r.GetProperty("recordId").GetString() == embedding.Work.Id);
                    if (row.ValueKind != System.Text.Json.JsonValueKind.Object)
                    {
                        continue; // deleted (forgotten) meanwhile
                    }

                    var vector = embedding.Vector.ToArray();
                    if (type == DocumentTypes.Knowledge)
                    {
                        await SaveAsync(System.Text.Json.JsonSerializer.Deserialize<KnowledgeDocument>(row, CosmosStore.SerializerOptions)!, team.Key, embedding.Work.ContentHash,
                            EmbeddedText.Of, (d, v, m) => d with { Embedding = v, EmbeddingModel = m }, vector, modelId, token);
                    }
                    else
                    {
                        await SaveAsync(System.Text.Json.JsonSerializer.Deserialize<LearningDocument>(row, CosmosStore.SerializerOptions)!, team.Key, embedding.Work.ContentHash,
                            EmbeddedText.Of, (d, v, m) => d with { Embedding = v, EmbeddingModel = m }, vector, modelId, token);
                    }
                }
            }
        }, cancellationToken);
    }

    /// <summary>
    /// How many documents are pending for <paramref name="modelId"/>: one cross-partition <c>COUNT</c>, which the SDK sums over the
    /// partitions (the local test server cannot run it: category CosmosGap).
    /// </summary>
    public Task<long> CountPendingAsync(string modelId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        var query = Pending("SELECT VALUE COUNT(1) FROM c WHERE " + PendingFilter, modelId);
        return store.RunAsync(async token =>
        {
            long count = 0;
            using var iterator = store.Teams.GetItemQueryIterator<long>(query);
            while (iterator.HasMoreResults)
            {
                count += (await iterator.ReadNextAsync(token)).Sum();
            }

            return count;
        }, cancellationToken);
    }

    private static QueryDefinition Pending(string sql, string modelId) =>
        new QueryDefinition(sql)
            .WithParameter("@learning", DocumentTypes.Learning)
            .WithParameter("@knowledge", DocumentTypes.Knowledge)
            .WithParameter("@model", modelId);

    private async Task SaveAsync<T>(T known, string teamId, string contentHash, Func<T, string> text, Func<T, float[], string, T> withVector,
        float[] vector, string modelId, CancellationToken cancellationToken)
        where T : class, IEmbeddable, IETagged
    {
        var id = known switch
        {
            LearningDocument l => l.Id,
            KnowledgeDocument k => k.Id,
            _ => throw new InvalidOperationException(),
        };
        try
        {
            await CosmosStore.UpdateFromAsync(store.Teams, known, id, teamId, current =>
                current.SearchKind is null || EmbeddedText.Hash(text(current)) != contentHash
                    || (current.EmbeddingModel == modelId && current.Embedding is not null)
                    ? null // made private, changed since it was listed, or already embedded by another instance
                    : withVector(current, vector, modelId), cancellationToken);
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // deleted between the query and the replace
        }
    }

    private sealed record PendingRow(string TeamId, string Type, string RecordId, string? Text, string? Question, string? Answer);
}
