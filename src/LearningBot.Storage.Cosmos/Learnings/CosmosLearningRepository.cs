using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Learnings;
using LearningBot.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Learnings;

/// <param name="signal">Woken after a new searchable (not private) learning is stored, so the embedding worker picks it up at once.</param>
public sealed class CosmosLearningRepository(CosmosStore store, EmbeddingSignal? signal = null) : ILearningRepository
{
    public Task<WriteResult<LearningEntry>> AddAsync(LearningEntry entry, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var id = DocumentIds.Learning(entry.IdempotencyKey);
            var (document, created) = await store.CreateOnceAsync(ToDocument(id, entry), id, entry.TeamId, d => d.RecordId, token);
            if (created && document.SearchKind is not null)
            {
                signal?.Notify();
            }

            return new WriteResult<LearningEntry>(ToEntry(document), created);
        }, cancellationToken);

    public Task<IReadOnlyList<LearningEntry>> ListAsync(LearningQuery query, CancellationToken cancellationToken)
    {
        var sql = $"SELECT TOP {Math.Max(0, query.Limit)} * FROM c WHERE c.teamId = @teamId AND c.type = @type"
                  + (query.Since is null ? string.Empty : " AND c.createdAt >= @since")
                  + (query.UserId is null ? string.Empty : " AND c.userId = @userId")
                  + (query.IncludePrivate ? string.Empty : " AND c.isPrivate = false")
                  + (query.OccurrenceId is null ? string.Empty : " AND c.occurrenceId = @occurrenceId")
                  + " ORDER BY c.createdAt DESC";
        var definition = new QueryDefinition(sql)
            .WithParameter("@teamId", query.TeamId)
            .WithParameter("@type", DocumentTypes.Learning);
        if (query.Since is { } since)
        {
            definition = definition.WithParameter("@since", since.ToUnixTimeMilliseconds());
        }

        if (query.OccurrenceId is { } occurrenceId)
        {
            definition = definition.WithParameter("@occurrenceId", occurrenceId);
        }

        if (query.UserId is { } userId)
        {
            definition = definition.WithParameter("@userId", userId);
        }

        return store.RunAsync<IReadOnlyList<LearningEntry>>(async token =>
            (await store.QueryTeamAsync<LearningDocument>(query.TeamId, definition, token)).Select(ToEntry).ToList(), cancellationToken);
    }

    public Task<IReadOnlyList<LearningMark>> ListMarksAsync(string teamId, string userId, DateTimeOffset since,
        CancellationToken cancellationToken)
    {
        // Two small fields per entry, never the texts: the query's charge grows with what it returns.
        var definition = new QueryDefinition(
                "SELECT c.createdAt, c.minutes FROM c WHERE c.teamId = @teamId AND c.type = @type AND c.userId = @userId AND c.createdAt >= @since ORDER BY c.createdAt DESC")
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Learning)
            .WithParameter("@userId", userId)
            .WithParameter("@since", since.ToUnixTimeMilliseconds());
        return store.RunAsync<IReadOnlyList<LearningMark>>(async token =>
            (await store.QueryTeamAsync<MarkRow>(teamId, definition, token))
            .Select(r => new LearningMark(DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), r.Minutes)).ToList(),
            cancellationToken);
    }

    private sealed record MarkRow(long CreatedAt, int? Minutes);

    private static LearningDocument ToDocument(string id, LearningEntry entry) => new()
    {
        Id = id,
        TeamId = entry.TeamId,
        RecordId = entry.Id,
        UserId = entry.UserId,
        Text = entry.Text,
        Tags = entry.Tags,
        Minutes = entry.Minutes,
        IsPrivate = entry.IsPrivate,
        OccurrenceId = entry.OccurrenceId,
        CreatedAt = entry.CreatedAt.ToUnixTimeMilliseconds(),
        IdempotencyKey = entry.IdempotencyKey,
        // Private entries carry no search kind, so no search query can ever match them.
        SearchKind = entry.IsPrivate ? null : nameof(SearchKind.Learning),
        SearchBody = entry.IsPrivate ? string.Empty : entry.Text + (entry.Tags.Count > 0 ? " " + string.Join(' ', entry.Tags) : string.Empty),
        SearchPeople = [entry.UserId],
    };

    private static LearningEntry ToEntry(LearningDocument d) =>
        new(d.RecordId, d.TeamId, d.UserId, d.Text, d.Tags, d.Minutes, DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedAt), d.IdempotencyKey)
        {
            IsPrivate = d.IsPrivate,
            OccurrenceId = d.OccurrenceId,
        };
}
