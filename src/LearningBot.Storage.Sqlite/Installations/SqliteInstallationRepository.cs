using LearningBot.Core.Installations;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Installations;

public sealed class SqliteInstallationRepository(SqliteDatabase database) : IInstallationRepository
{
    private const string Columns = "platform, team_id, team_name, bot_user_id, bot_token, installed_by, installed_at, is_active";

    public Task SaveAsync(Installation installation, CancellationToken cancellationToken) =>
        database.RunWriteAsync(connection => connection.ExecuteAsync(
            $"""
             INSERT INTO installations ({Columns}, deactivated_at)
             VALUES ($platform, $teamId, $teamName, $botUserId, $token, $by, $at, $active, NULL)
             ON CONFLICT (platform, team_id) DO UPDATE SET
                 team_name = excluded.team_name, bot_user_id = excluded.bot_user_id, bot_token = excluded.bot_token,
                 installed_by = excluded.installed_by, installed_at = excluded.installed_at,
                 is_active = excluded.is_active, deactivated_at = NULL
             """,
            null, cancellationToken,
            ("$platform", installation.Platform), ("$teamId", installation.TeamId), ("$teamName", installation.TeamName),
            ("$botUserId", installation.BotUserId), ("$token", installation.BotToken), ("$by", installation.InstalledBy),
            ("$at", installation.InstalledAt.ToUnixMs()), ("$active", installation.IsActive ? 1 : 0)), cancellationToken);

    public async Task<Installation?> GetAsync(string platform, string teamId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(
            $"SELECT {Columns} FROM installations WHERE platform = $platform AND team_id = $teamId",
            null, Map, cancellationToken, ("$platform", platform), ("$teamId", teamId));
        return rows.SingleOrDefault();
    }

    public async Task<bool> DeactivateAsync(string platform, string teamId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var changed = await database.RunWriteAsync(connection => connection.ExecuteAsync(
            "UPDATE installations SET is_active = 0, deactivated_at = $at WHERE platform = $platform AND team_id = $teamId AND is_active = 1",
            null, cancellationToken, ("$platform", platform), ("$teamId", teamId), ("$at", at.ToUnixMs())), cancellationToken);
        return changed > 0;
    }

    private static Installation Map(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.GetString(5), reader.GetInstant(6), reader.GetInt64(7) == 1);
}
