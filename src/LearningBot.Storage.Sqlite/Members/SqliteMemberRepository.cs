using LearningBot.Core.Members;

namespace LearningBot.Storage.Sqlite.Members;

public sealed class SqliteMemberRepository(SqliteDatabase database) : IMemberRepository
{
    public Task UpsertAsync(Member member, CancellationToken cancellationToken) =>
        // The WHERE clause makes the common case (nothing changed) change no row.
        database.RunWriteAsync(connection => connection.ExecuteAsync(
            """
            INSERT INTO members (team_id, user_id, display_name) VALUES ($teamId, $userId, $name)
            ON CONFLICT (team_id, user_id) DO UPDATE SET display_name = excluded.display_name
            WHERE display_name <> excluded.display_name
            """,
            null, cancellationToken, ("$teamId", member.TeamId), ("$userId", member.UserId), ("$name", member.DisplayName)),
            cancellationToken);

    public async Task<IReadOnlyList<Member>> ListAsync(string teamId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync("SELECT user_id, display_name FROM members WHERE team_id = $teamId ORDER BY user_id", null,
            r => new Member(teamId, r.GetString(0), r.GetString(1)), cancellationToken, ("$teamId", teamId));
    }

    public async Task<IReadOnlyDictionary<string, string>> GetDisplayNamesAsync(string teamId, IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(
            "SELECT user_id, display_name FROM members WHERE team_id = $teamId AND user_id IN (SELECT value FROM json_each($ids))",
            null, r => (Id: r.GetString(0), Name: r.GetString(1)), cancellationToken,
            ("$teamId", teamId), ("$ids", System.Text.Json.JsonSerializer.Serialize(userIds)));
        return rows.ToDictionary(r => r.Id, r => r.Name, StringComparer.Ordinal);
    }
}
