using LearningBot.Core.Conversations;

namespace LearningBot.Storage.Sqlite.Conversations;

public sealed class SqliteConversationRepository(SqliteDatabase database) : IConversationRepository
{
    private const string Columns = "key, platform, team_id, kind, user_id, reference_json, is_active, updated_at";

    public Task<bool> SaveAsync(StoredConversation conversation, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var wasActive = await connection.ScalarAsync("SELECT is_active FROM conversations WHERE key = $key", transaction,
                cancellationToken, ("$key", conversation.Key));
            await connection.ExecuteAsync(
                $"""
                INSERT INTO conversations ({Columns}) VALUES ($key, $platform, $teamId, $kind, $userId, $reference, 1, $at)
                ON CONFLICT (key) DO UPDATE SET platform = excluded.platform, team_id = excluded.team_id, kind = excluded.kind,
                    user_id = excluded.user_id, reference_json = excluded.reference_json, is_active = 1, updated_at = excluded.updated_at
                """,
                transaction, cancellationToken,
                ("$key", conversation.Key), ("$platform", conversation.Platform), ("$teamId", conversation.TeamId),
                ("$kind", conversation.Kind.ToString()), ("$userId", conversation.UserId), ("$reference", conversation.ReferenceJson),
                ("$at", conversation.UpdatedAt.ToUnixMs()));
            return wasActive is null or 0L;
        }, cancellationToken);

    public async Task<StoredConversation?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync($"SELECT {Columns} FROM conversations WHERE key = $key", null, Map,
            cancellationToken, ("$key", key));
        return rows.SingleOrDefault();
    }

    public async Task<StoredConversation?> FindPersonalAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(
            $"""
            SELECT {Columns} FROM conversations
            WHERE team_id = $teamId AND user_id = $userId AND kind = 'Personal' AND is_active = 1
            ORDER BY updated_at DESC LIMIT 1
            """,
            null, Map, cancellationToken, ("$teamId", teamId), ("$userId", userId));
        return rows.SingleOrDefault();
    }

    public async Task<IReadOnlyList<StoredConversation>> ListActiveAsync(string teamId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {Columns} FROM conversations WHERE team_id = $teamId AND is_active = 1 ORDER BY key", null, Map,
            cancellationToken, ("$teamId", teamId));
    }

    public Task MarkInactiveAsync(string key, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync("UPDATE conversations SET is_active = 0, updated_at = $at WHERE key = $key",
                transaction, cancellationToken, ("$key", key), ("$at", at.ToUnixMs())), cancellationToken);

    private static StoredConversation Map(Microsoft.Data.Sqlite.SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), Enum.Parse<ConversationKind>(r.GetString(3)), r.GetNullableString(4),
        r.GetString(5), r.GetBoolean(6), r.GetInstant(7));
}
