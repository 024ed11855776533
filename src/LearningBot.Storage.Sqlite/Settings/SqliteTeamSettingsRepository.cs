using System.Globalization;
using System.Text.Json;
using LearningBot.Core.Kudos;
using LearningBot.Core.Settings;
using LearningBot.Core.Storage;

namespace LearningBot.Storage.Sqlite.Settings;

public sealed class SqliteTeamSettingsRepository(SqliteDatabase database) : ITeamSettingsRepository
{
    public async Task<TeamSettings> GetAsync(string teamId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(
            """
            SELECT kudos_weekly_budget, leaderboard_enabled, time_zone, version, kudos_budget_period, kudos_emoji, kudos_values, review_after_days
            FROM team_settings WHERE team_id = $teamId
            """,
            null, r => new TeamSettings(teamId, r.GetInt32(0), r.GetBoolean(1), r.GetString(2))
            {
                Version = r.GetInt64(3).ToString(CultureInfo.InvariantCulture),
                KudosBudgetPeriod = KudosPeriods.TryParse(r.GetString(4), out var period) ? period : KudosPeriod.Week,
                KudosEmoji = r.GetString(5),
                Values = JsonSerializer.Deserialize<List<string>>(r.GetString(6)) ?? [],
                ReviewAfterDays = r.GetInt32(7),
            },
            cancellationToken, ("$teamId", teamId));
        return rows.SingleOrDefault() ?? TeamSettings.Default(teamId);
    }

    public Task<TeamSettings> SaveAsync(TeamSettings settings, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var expected = settings.Version is null ? 0 : long.Parse(settings.Version, CultureInfo.InvariantCulture);
            // Version 0 means "never saved": the insert succeeds only if nobody saved first.
            var changed = await connection.ExecuteAsync(
                expected == 0
                    ? """
                      INSERT INTO team_settings (team_id, kudos_weekly_budget, leaderboard_enabled, time_zone, version,
                                                 kudos_budget_period, kudos_emoji, kudos_values, review_after_days)
                      VALUES ($teamId, $budget, $leaderboard, $timeZone, 1, $period, $emoji, $values, $reviewAfter) ON CONFLICT DO NOTHING
                      """
                    : """
                      UPDATE team_settings
                      SET kudos_weekly_budget = $budget, leaderboard_enabled = $leaderboard, time_zone = $timeZone, version = version + 1,
                          kudos_budget_period = $period, kudos_emoji = $emoji, kudos_values = $values,
                          review_after_days = $reviewAfter
                      WHERE team_id = $teamId AND version = $version
                      """,
                transaction, cancellationToken,
                ("$teamId", settings.TeamId), ("$budget", settings.KudosWeeklyBudget), ("$leaderboard", settings.LeaderboardEnabled),
                ("$timeZone", settings.TimeZoneId), ("$version", expected), ("$period", KudosPeriods.Unit(settings.KudosBudgetPeriod)),
                ("$emoji", settings.KudosEmoji), ("$values", JsonSerializer.Serialize(settings.Values)), ("$reviewAfter", settings.ReviewAfterDays));
            if (changed == 0)
            {
                throw new ConcurrencyConflictException($"Settings of team {settings.TeamId} changed since they were read.");
            }

            return settings with { Version = (expected + 1).ToString(CultureInfo.InvariantCulture) };
        }, cancellationToken);
}
