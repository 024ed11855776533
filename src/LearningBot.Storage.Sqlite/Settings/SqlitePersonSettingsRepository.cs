using LearningBot.Core.Settings;

namespace LearningBot.Storage.Sqlite.Settings;

public sealed class SqlitePersonSettingsRepository(SqliteDatabase database) : IPersonSettingsRepository
{
    public async Task<PersonSettings> GetAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync("SELECT ask_me FROM person_settings WHERE team_id = $teamId AND user_id = $userId",
            null, r => new PersonSettings(teamId, userId, r.GetBoolean(0)), cancellationToken, ("$teamId", teamId), ("$userId", userId));
        return rows.SingleOrDefault() ?? PersonSettings.Default(teamId, userId);
    }

    public Task SaveAsync(PersonSettings settings, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync(
                """
                INSERT INTO person_settings (team_id, user_id, ask_me) VALUES ($teamId, $userId, $askMe)
                ON CONFLICT (team_id, user_id) DO UPDATE SET ask_me = excluded.ask_me
                """,
                transaction, cancellationToken, ("$teamId", settings.TeamId), ("$userId", settings.UserId), ("$askMe", settings.AskMe)),
            cancellationToken);
}
