using LearningBot.Core.Nudges;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Storage.Sqlite.Outbox;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Prompts;

public sealed class SqliteNudgeRepository(SqliteDatabase database) : INudgeRepository
{
    private const string Columns = "team_id, user_id, day, at_minute, time_zone, next_due_at";

    public async Task<NudgeSubscription?> GetAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync($"SELECT {Columns} FROM nudge_subscriptions WHERE team_id = $teamId AND user_id = $userId",
            null, Map, cancellationToken, ("$teamId", teamId), ("$userId", userId))).SingleOrDefault();
    }

    public Task SaveAsync(NudgeSubscription subscription, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync(
                $"""
                 INSERT INTO nudge_subscriptions ({Columns}) VALUES ($teamId, $userId, $day, $at, $zone, $nextDue)
                 ON CONFLICT (team_id, user_id) DO UPDATE SET day = excluded.day, at_minute = excluded.at_minute,
                     time_zone = excluded.time_zone, next_due_at = excluded.next_due_at
                 """,
                transaction, cancellationToken,
                ("$teamId", subscription.TeamId), ("$userId", subscription.UserId), ("$day", (int)subscription.Recurrence.Days[0]),
                ("$at", subscription.Recurrence.At.Hour * 60 + subscription.Recurrence.At.Minute),
                ("$zone", subscription.Recurrence.TimeZoneId), ("$nextDue", subscription.NextDueAt.ToUnixMs())), cancellationToken);

    public Task<bool> DeleteAsync(string teamId, string userId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync("DELETE FROM nudge_subscriptions WHERE team_id = $teamId AND user_id = $userId",
                transaction, cancellationToken, ("$teamId", teamId), ("$userId", userId)) > 0, cancellationToken);

    public async Task<IReadOnlyList<NudgeSubscription>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {Columns} FROM nudge_subscriptions WHERE next_due_at <= $now ORDER BY next_due_at LIMIT $limit",
            null, Map, cancellationToken, ("$now", now.ToUnixMs()), ("$limit", limit));
    }

    public Task<bool> ClaimAsync(NudgeSubscription subscription, DateTimeOffset dueAt, string weekKey, OutboxMessage? dm,
        DateTimeOffset nextDueAt, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // Moving the due time first makes a concurrent instance's claim of the same due time a no-op.
            var moved = await connection.ExecuteAsync(
                "UPDATE nudge_subscriptions SET next_due_at = $next WHERE team_id = $teamId AND user_id = $userId AND next_due_at = $due",
                transaction, cancellationToken,
                ("$next", nextDueAt.ToUnixMs()), ("$teamId", subscription.TeamId), ("$userId", subscription.UserId), ("$due", dueAt.ToUnixMs()));
            if (moved == 0)
            {
                return false;
            }

            var firstThisWeek = await connection.ExecuteAsync(
                "INSERT INTO nudge_weeks (team_id, user_id, week_key) VALUES ($teamId, $userId, $week) ON CONFLICT DO NOTHING",
                transaction, cancellationToken, ("$teamId", subscription.TeamId), ("$userId", subscription.UserId), ("$week", weekKey)) > 0;
            if (firstThisWeek && dm is not null)
            {
                await SqliteOutbox.InsertAsync(connection, transaction, dm, cancellationToken);
            }

            return firstThisWeek;
        }, cancellationToken);

    private static NudgeSubscription Map(SqliteDataReader r)
    {
        var minute = r.GetInt32(3);
        return new NudgeSubscription(r.GetString(0), r.GetString(1),
            new Recurrence([(DayOfWeek)r.GetInt32(2)], new TimeOnly(minute / 60, minute % 60), r.GetString(4)), r.GetInstant(5));
    }
}
