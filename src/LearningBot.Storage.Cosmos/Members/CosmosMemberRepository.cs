using System.Collections.Concurrent;
using LearningBot.Core.Members;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Members;

/// <summary>
/// One document per person in the team's partition. The pipeline upserts the speaker (and everyone
/// mentioned) on every command; an upsert is a write (~6+ RU), so names this process already wrote are
/// remembered and skipped. Several instances each write a name once; the last writer wins, which is
/// right for a display name.
/// </summary>
public sealed class CosmosMemberRepository(CosmosStore store) : IMemberRepository
{
    private const int MaxRemembered = 50_000;
    private readonly ConcurrentDictionary<(string TeamId, string UserId), string> _written = new();

    public async Task UpsertAsync(Member member, CancellationToken cancellationToken)
    {
        if (_written.TryGetValue((member.TeamId, member.UserId), out var name) && name == member.DisplayName)
        {
            return;
        }

        await store.RunAsync(token => store.Teams.UpsertItemAsync(new MemberDocument
        {
            Id = DocumentIds.Member(member.UserId),
            TeamId = member.TeamId,
            UserId = member.UserId,
            DisplayName = member.DisplayName,
        }, new PartitionKey(member.TeamId), new ItemRequestOptions { EnableContentResponseOnWrite = false }, token), cancellationToken);

        if (_written.Count >= MaxRemembered)
        {
            _written.Clear(); // A bounded memory: forgetting only costs one more write per person.
        }

        _written[(member.TeamId, member.UserId)] = member.DisplayName;
    }

    /// <summary>After "forget me": the person's next command must store their name again.</summary>
    internal void ForgetWritten(string teamId, string userId) => _written.TryRemove((teamId, userId), out _);

    public async Task<IReadOnlyDictionary<string, string>> GetDisplayNamesAsync(string teamId, IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken)
    {
        // Names this instance wrote are current as far as it knows (each person's name is rewritten when it
        // changes), so only the others cost a query.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var userId in userIds.Distinct(StringComparer.Ordinal))
        {
            if (_written.TryGetValue((teamId, userId), out var name))
            {
                names[userId] = name;
            }
            else
            {
                unknown.Add(userId);
            }
        }

        if (unknown.Count == 0)
        {
            return names;
        }

        var query = new QueryDefinition(
                "SELECT c.userId, c.displayName FROM c WHERE c.teamId = @teamId AND c.type = @type AND ARRAY_CONTAINS(@ids, c.userId)")
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Member)
            .WithParameter("@ids", unknown.ToArray());
        var rows = await store.RunAsync(token => store.QueryTeamAsync<NameRow>(teamId, query, token), cancellationToken);
        foreach (var row in rows)
        {
            names[row.UserId] = row.DisplayName;
        }

        return names;
    }

    public Task<IReadOnlyList<Member>> ListAsync(string teamId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT c.userId, c.displayName FROM c WHERE c.teamId = @teamId AND c.type = @type")
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Member);
        return store.RunAsync<IReadOnlyList<Member>>(async token =>
            (await store.QueryTeamAsync<NameRow>(teamId, query, token))
            .Select(r => new Member(teamId, r.UserId, r.DisplayName))
            .OrderBy(m => m.UserId, StringComparer.Ordinal)
            .ToList(), cancellationToken);
    }

    private sealed record NameRow(string UserId, string DisplayName);
}
