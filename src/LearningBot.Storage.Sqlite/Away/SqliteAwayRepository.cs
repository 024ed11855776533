using System.Globalization;
using LearningBot.Core.Away;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Away;

/// <summary>Away periods in <c>away_periods</c> (schema v9): one row per person and team.</summary>
public sealed class SqliteAwayRepository(SqliteDatabase database) : IAwayRepository
{
    private const string Columns = "team_id, user_id, from_at, until_at, last_day";

    public Task SaveAsync(AwayPeriod period, CancellationToken cancellationToken) =>
        database.RunWriteAsync(connection => connection.ExecuteAsync(
            $"""
             INSERT INTO away_periods ({Columns}) VALUES ($teamId, $userId, $from, $until, $lastDay)
             ON CONFLICT (team_id, user_id) DO UPDATE SET from_at = excluded.from_at, until_at = excluded.until_at, last_day = excluded.last_day
             """,
            null, cancellationToken, ("$teamId", period.TeamId), ("$userId", period.UserId), ("$from", period.From.ToUnixMs()),
            ("$until", period.Until.ToUnixMs()), ("$lastDay", period.LastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
            cancellationToken);

    public async Task<AwayPeriod?> GetAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync($"SELECT {Columns} FROM away_periods WHERE team_id = $teamId AND user_id = $userId", null, Map,
            cancellationToken, ("$teamId", teamId), ("$userId", userId))).SingleOrDefault();
    }

    public async Task<IReadOnlyList<AwayPeriod>> ListAsync(string teamId, DateTimeOffset endsAfter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync($"SELECT {Columns} FROM away_periods WHERE team_id = $teamId AND until_at > $after ORDER BY user_id",
            null, Map, cancellationToken, ("$teamId", teamId), ("$after", endsAfter.ToUnixMs()));
    }

    private static AwayPeriod Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInstant(2), r.GetInstant(3),
            DateOnly.ParseExact(r.GetString(4), "yyyy-MM-dd", CultureInfo.InvariantCulture));
}
