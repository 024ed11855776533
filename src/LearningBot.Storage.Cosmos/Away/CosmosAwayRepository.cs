using System.Globalization;
using LearningBot.Core.Away;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Away;

/// <summary>
/// One <see cref="AwayDocument"/> per person in the team's partition (<c>away-{hash(user)}</c>), upserted. Reads are queries on the
/// indexed <c>type</c> and <c>userId</c>; a team has few, so the list filters the end time after reading them.
/// </summary>
public sealed class CosmosAwayRepository(CosmosStore store) : IAwayRepository
{
    public Task SaveAsync(AwayPeriod period, CancellationToken cancellationToken) =>
        store.RunAsync(token => store.Teams.UpsertItemAsync(new AwayDocument
        {
            Id = DocumentIds.Away(period.UserId),
            TeamId = period.TeamId,
            UserId = period.UserId,
            CreatedAt = period.From.ToUnixTimeMilliseconds(),
            Until = period.Until.ToUnixTimeMilliseconds(),
            LastDay = period.LastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }, new PartitionKey(period.TeamId), new ItemRequestOptions { EnableContentResponseOnWrite = false }, token), cancellationToken);

    public Task<AwayPeriod?> GetAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.teamId = @teamId AND c.type = @type AND c.userId = @userId")
            .WithParameter("@teamId", teamId).WithParameter("@type", DocumentTypes.Away).WithParameter("@userId", userId);
        return store.RunAsync(async token =>
            (await store.QueryTeamAsync<AwayDocument>(teamId, query, token)).Select(ToPeriod).FirstOrDefault(), cancellationToken);
    }

    public Task<IReadOnlyList<AwayPeriod>> ListAsync(string teamId, DateTimeOffset endsAfter, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.teamId = @teamId AND c.type = @type")
            .WithParameter("@teamId", teamId).WithParameter("@type", DocumentTypes.Away);
        return store.RunAsync<IReadOnlyList<AwayPeriod>>(async token =>
            (await store.QueryTeamAsync<AwayDocument>(teamId, query, token)).Select(ToPeriod)
            .Where(p => p.Until > endsAfter).OrderBy(p => p.UserId, StringComparer.Ordinal).ToList(), cancellationToken);
    }

    private static AwayPeriod ToPeriod(AwayDocument d) =>
        new(d.TeamId, d.UserId, DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(d.Until),
            DateOnly.ParseExact(d.LastDay, "yyyy-MM-dd", CultureInfo.InvariantCulture));
}
