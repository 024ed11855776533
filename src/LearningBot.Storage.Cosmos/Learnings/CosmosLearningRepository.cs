using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Learnings;
using LearningBot.Core.Storage;
using LearningBot.Core.Time;
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

    /// <summary>
    /// One single-partition aggregate query (<c>COUNT</c>, <c>SUM</c>) on indexed paths: the service counts, only one row comes
    /// back. Null minutes are never written (the serializer skips nulls), and <c>SUM</c> leaves undefined values out
    /// (https://learn.microsoft.com/azure/cosmos-db/nosql/query/sum). Rows of every page are added up, so a partial aggregate
    /// split over pages still totals right.
    /// </summary>
    public Task<LearningTally> TallyAsync(string teamId, string userId, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition(
                "SELECT COUNT(1) AS n, SUM(c.isPrivate ? 1 : 0) AS privateCount, SUM(c.minutes) AS minutes FROM c"
                + " WHERE c.teamId = @teamId AND c.type = @type AND c.userId = @userId"
                + (since is null ? string.Empty : " AND c.createdAt >= @since"))
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Learning)
            .WithParameter("@userId", userId);
        if (since is { } from)
        {
            definition = definition.WithParameter("@since", from.ToUnixTimeMilliseconds());
        }

        return store.RunAsync(async token =>
        {
            var rows = await store.QueryTeamAsync<TallyRow>(teamId, definition, token);
            return new LearningTally(rows.Sum(r => r.N ?? 0), rows.Sum(r => r.PrivateCount ?? 0), rows.Sum(r => r.Minutes ?? 0));
        }, cancellationToken);
    }

    /// <summary>
    /// One single-partition aggregate query: <c>COUNT</c> and <c>SUM</c>s for all time beside <c>SUM</c>s of conditional
    /// expressions (<c>c.createdAt &gt;= @since ? … : 0</c>) for the period; as in <see cref="TallyAsync"/>, missing minutes are
    /// undefined and left out of the sums, and rows of every page are added up.
    /// </summary>
    public Task<LearningTallies> TallyAllTimeAndSinceAsync(string teamId, string userId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition(
                "SELECT COUNT(1) AS n, SUM(c.isPrivate ? 1 : 0) AS privateCount, SUM(c.minutes) AS minutes,"
                + " SUM(c.createdAt >= @since ? 1 : 0) AS sinceN, SUM((c.createdAt >= @since AND c.isPrivate) ? 1 : 0) AS sincePrivateCount,"
                + " SUM(c.createdAt >= @since ? c.minutes : 0) AS sinceMinutes"
                + " FROM c WHERE c.teamId = @teamId AND c.type = @type AND c.userId = @userId")
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Learning)
            .WithParameter("@userId", userId)
            .WithParameter("@since", since.ToUnixTimeMilliseconds());
        return store.RunAsync(async token =>
        {
            var rows = await store.QueryTeamAsync<TalliesRow>(teamId, definition, token);
            return new LearningTallies(
                new LearningTally(rows.Sum(r => r.N ?? 0), rows.Sum(r => r.PrivateCount ?? 0), rows.Sum(r => r.Minutes ?? 0)),
                new LearningTally(rows.Sum(r => r.SinceN ?? 0), rows.Sum(r => r.SincePrivateCount ?? 0), rows.Sum(r => r.SinceMinutes ?? 0)));
        }, cancellationToken);
    }

    /// <summary>
    /// One single-partition query for the creation times inside the weeks asked about (a projection of one number per entry,
    /// never the texts), matched to the weeks by <see cref="WeeklyStreak.WeeksHolding"/>. Its charge grows with the entries in those weeks, which
    /// <see cref="WeeklyStreak"/> asks about only while the streak fills them, never with older history.
    /// </summary>
    public Task<IReadOnlyList<bool>> WeeksWithEntriesAsync(string teamId, string userId, IReadOnlyList<WeekRange> weeks,
        CancellationToken cancellationToken)
    {
        if (weeks.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<bool>>([]);
        }

        var definition = new QueryDefinition(
                "SELECT VALUE c.createdAt FROM c WHERE c.teamId = @teamId AND c.type = @type AND c.userId = @userId"
                + " AND c.createdAt >= @from AND c.createdAt < @to")
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Learning)
            .WithParameter("@userId", userId)
            .WithParameter("@from", weeks.Min(w => w.Start).ToUnixTimeMilliseconds())
            .WithParameter("@to", weeks.Max(w => w.End).ToUnixTimeMilliseconds());
        return store.RunAsync<IReadOnlyList<bool>>(async token =>
        {
            var times = await store.QueryTeamAsync<long>(teamId, definition, token);
            return WeeklyStreak.WeeksHolding(weeks, times.ConvertAll(DateTimeOffset.FromUnixTimeMilliseconds));
        }, cancellationToken);
    }

    private sealed record TallyRow(int? N, int? PrivateCount, int? Minutes);

    private sealed record TalliesRow(int? N, int? PrivateCount, int? Minutes, int? SinceN, int? SincePrivateCount, int? SinceMinutes);

    public Task<LearningEntry?> GetAsync(string teamId, string id, CancellationToken cancellationToken) =>
        store.RunAsync(async token => await FindAsync(teamId, "c.recordId = @value", id, token) is { } d ? ToEntry(d) : null, cancellationToken);

    public Task<LearningEntry?> FindBySourceAsync(string teamId, string sourceMessage, CancellationToken cancellationToken) =>
        store.RunAsync(async token => await FindAsync(teamId, "c.sourceMessage = @value", sourceMessage, token) is { } d ? ToEntry(d) : null,
            cancellationToken);

    /// <summary>
    /// An ETag-checked replace of the entry's document, whose search fields are part of it: the index follows in the same write.
    /// A concurrent change (412) is read again and the edit applied to it.
    /// </summary>
    public Task<LearningEntry?> UpdateAsync(LearningEntry entry, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            if (await FindAsync(entry.TeamId, "c.recordId = @value", entry.Id, token) is not { } found)
            {
                return null;
            }

            var updated = await CosmosStore.UpdateFromAsync<LearningDocument>(store.Teams, found, found.Id, entry.TeamId, current =>
            {
                var changed = ToEntry(current) with
                {
                    Text = entry.Text, Tags = entry.Tags, Minutes = entry.Minutes, IsPrivate = entry.IsPrivate, EditedAt = entry.EditedAt,
                };
                return ToDocument(current.Id, changed) with { ETag = null };
            }, token);
            return updated is null ? null : ToEntry(updated);
        }, cancellationToken);

    public Task<bool> DeleteAsync(string teamId, string id, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            if (await FindAsync(teamId, "c.recordId = @value", id, token) is not { } found)
            {
                return false;
            }

            try
            {
                await store.Teams.DeleteItemAsync<LearningDocument>(found.Id, new PartitionKey(teamId), cancellationToken: token);
                return true;
            }
            catch (CosmosException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return false; // deleted by a concurrent call
            }
        }, cancellationToken);

    /// <summary>
    /// Entries are stored under an id derived from their idempotency key, so lookups by record id or source message are
    /// queries inside the team's partition, on indexed paths (<c>/recordId/?</c>, <c>/sourceMessage/?</c>).
    /// </summary>
    private async Task<LearningDocument?> FindAsync(string teamId, string condition, string value, CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition($"SELECT * FROM c WHERE c.teamId = @teamId AND c.type = @type AND {condition}")
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Learning)
            .WithParameter("@value", value);
        return (await store.QueryTeamAsync<LearningDocument>(teamId, definition, cancellationToken)).FirstOrDefault();
    }

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
        SourceMessage = entry.SourceMessage,
        EditedAt = entry.EditedAt?.ToUnixTimeMilliseconds(),
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
            SourceMessage = d.SourceMessage,
            EditedAt = d.EditedAt is { } edited ? DateTimeOffset.FromUnixTimeMilliseconds(edited) : null,
        };
}
