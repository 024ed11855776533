using System.Globalization;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Core.Storage;
using LearningBot.Storage.Sqlite.Outbox;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Prompts;

public sealed class SqlitePromptRepository(SqliteDatabase database) : IPromptRepository
{
    private const string ScheduleColumns =
        "conversation_key, team_id, days, at_minute, time_zone, question, next_due_at, paused, skip_occurrence_at, version, remind";

    private const string OccurrenceColumns = "id, conversation_key, team_id, scheduled_at, state, close_at, posted_message_id, remind_at";

    public async Task<PromptSchedule?> GetScheduleAsync(string teamId, string conversationKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync($"SELECT {ScheduleColumns} FROM prompt_schedules WHERE conversation_key = $key AND team_id = $teamId",
            null, MapSchedule, cancellationToken, ("$key", conversationKey), ("$teamId", teamId))).SingleOrDefault();
    }

    public Task<PromptSchedule> SaveScheduleAsync(PromptSchedule schedule, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var expected = schedule.Version is null ? 0 : long.Parse(schedule.Version, CultureInfo.InvariantCulture);
            var changed = await connection.ExecuteAsync(
                expected == 0
                    ? $"""
                       INSERT INTO prompt_schedules ({ScheduleColumns})
                       VALUES ($key, $teamId, $days, $at, $zone, $question, $nextDue, $paused, $skip, 1, $remind)
                       ON CONFLICT DO NOTHING
                       """
                    : """
                      UPDATE prompt_schedules SET days = $days, at_minute = $at, time_zone = $zone, question = $question,
                          next_due_at = $nextDue, paused = $paused, skip_occurrence_at = $skip, version = version + 1, remind = $remind
                      WHERE conversation_key = $key AND team_id = $teamId AND version = $version
                      """,
                transaction, cancellationToken,
                ("$key", schedule.ConversationKey), ("$teamId", schedule.TeamId),
                ("$days", string.Join(',', schedule.Recurrence.Days.Select(d => (int)d))),
                ("$at", schedule.Recurrence.At.Hour * 60 + schedule.Recurrence.At.Minute), ("$zone", schedule.Recurrence.TimeZoneId),
                ("$question", schedule.Question), ("$nextDue", schedule.NextDueAt.ToUnixMs()), ("$paused", schedule.Paused),
                ("$skip", schedule.SkipOccurrenceAt?.ToUnixMs()), ("$version", expected), ("$remind", schedule.Remind));
            if (changed == 0)
            {
                throw new ConcurrencyConflictException($"The prompt schedule of {schedule.ConversationKey} changed since it was read.");
            }

            return schedule with { Version = (expected + 1).ToString(CultureInfo.InvariantCulture) };
        }, cancellationToken);

    public Task<bool> DeleteScheduleAsync(string teamId, string conversationKey, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync("DELETE FROM prompt_schedules WHERE conversation_key = $key AND team_id = $teamId", transaction,
                cancellationToken, ("$key", conversationKey), ("$teamId", teamId)) > 0, cancellationToken);

    public async Task<IReadOnlyList<PromptSchedule>> ListDueSchedulesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {ScheduleColumns} FROM prompt_schedules WHERE next_due_at <= $now ORDER BY next_due_at LIMIT $limit",
            null, MapSchedule, cancellationToken, ("$now", now.ToUnixMs()), ("$limit", limit));
    }

    public Task<bool> ClaimOccurrenceAsync(PromptOccurrence occurrence, OutboxMessage? post, DateTimeOffset? nextDueAt,
        CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var claimed = await connection.ExecuteAsync(
                $"""
                 INSERT INTO prompt_occurrences ({OccurrenceColumns})
                 VALUES ($id, $key, $teamId, $scheduledAt, $state, $closeAt, NULL, $remindAt)
                 ON CONFLICT (id) DO NOTHING
                 """,
                transaction, cancellationToken,
                ("$id", occurrence.Id), ("$key", occurrence.ConversationKey), ("$teamId", occurrence.TeamId),
                ("$scheduledAt", occurrence.ScheduledAt.ToUnixMs()), ("$state", occurrence.State.ToString()),
                ("$closeAt", occurrence.CloseAt.ToUnixMs()), ("$remindAt", occurrence.RemindAt?.ToUnixMs()));
            if (claimed == 0)
            {
                return false;
            }

            if (post is not null)
            {
                await SqliteOutbox.InsertAsync(connection, transaction, post, cancellationToken);
            }

            if (nextDueAt is { } next)
            {
                await connection.ExecuteAsync(
                    """
                    UPDATE prompt_schedules
                    SET next_due_at = $next, version = version + 1,
                        skip_occurrence_at = CASE WHEN skip_occurrence_at = $current THEN NULL ELSE skip_occurrence_at END
                    WHERE conversation_key = $key AND next_due_at = $current
                    """,
                    transaction, cancellationToken,
                    ("$next", next.ToUnixMs()), ("$current", occurrence.ScheduledAt.ToUnixMs()), ("$key", occurrence.ConversationKey));
            }

            return true;
        }, cancellationToken);

    public async Task<PromptOccurrence?> GetOccurrenceAsync(string occurrenceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync($"SELECT {OccurrenceColumns} FROM prompt_occurrences WHERE id = $id", null, MapOccurrence,
            cancellationToken, ("$id", occurrenceId))).SingleOrDefault();
    }

    public async Task<PromptOccurrence?> FindOccurrenceByPostAsync(string conversationKey, string messageId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync(
            $"SELECT {OccurrenceColumns} FROM prompt_occurrences WHERE conversation_key = $key AND posted_message_id = $messageId",
            null, MapOccurrence, cancellationToken, ("$key", conversationKey), ("$messageId", messageId))).FirstOrDefault();
    }

    public Task MarkPostedAsync(string occurrenceId, string messageId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync(
                "UPDATE prompt_occurrences SET state = 'Posted', posted_message_id = $messageId WHERE id = $id AND state = 'Claimed'",
                transaction, cancellationToken, ("$id", occurrenceId), ("$messageId", messageId)), cancellationToken);

    public async Task<IReadOnlyList<PromptOccurrence>> ListOccurrencesToCloseAsync(DateTimeOffset now, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {OccurrenceColumns} FROM prompt_occurrences WHERE state = 'Posted' AND close_at <= $now ORDER BY close_at LIMIT $limit",
            null, MapOccurrence, cancellationToken, ("$now", now.ToUnixMs()), ("$limit", limit));
    }

    public async Task<IReadOnlyList<PromptOccurrence>> ListOccurrencesToRemindAsync(DateTimeOffset now, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"""
             SELECT {OccurrenceColumns} FROM prompt_occurrences
             WHERE remind_at IS NOT NULL AND remind_at <= $now AND state = 'Posted' ORDER BY remind_at LIMIT $limit
             """,
            null, MapOccurrence, cancellationToken, ("$now", now.ToUnixMs()), ("$limit", limit));
    }

    public Task<bool> ClaimReminderAsync(string occurrenceId, OutboxMessage? reminder, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // Clearing remind_at is the claim; the reminder is queued in the same commit, so it is queued once or not at all.
            var taken = await connection.ExecuteAsync(
                "UPDATE prompt_occurrences SET remind_at = NULL WHERE id = $id AND remind_at IS NOT NULL AND state = 'Posted'",
                transaction, cancellationToken, ("$id", occurrenceId)) > 0;
            if (taken && reminder is not null)
            {
                await SqliteOutbox.InsertAsync(connection, transaction, reminder, cancellationToken);
            }

            return taken;
        }, cancellationToken);

    public Task<bool> CloseOccurrenceAsync(string occurrenceId, OutboxMessage digest, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var closed = await connection.ExecuteAsync(
                "UPDATE prompt_occurrences SET state = 'Closed' WHERE id = $id AND state = 'Posted'",
                transaction, cancellationToken, ("$id", occurrenceId));
            if (closed == 0)
            {
                return false;
            }

            await SqliteOutbox.InsertAsync(connection, transaction, digest, cancellationToken);
            return true;
        }, cancellationToken);

    public async Task<IReadOnlyList<PromptOccurrence>> ListOccurrencesAsync(string conversationKey, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {OccurrenceColumns} FROM prompt_occurrences WHERE conversation_key = $key ORDER BY scheduled_at DESC LIMIT $limit",
            null, MapOccurrence, cancellationToken, ("$key", conversationKey), ("$limit", limit));
    }

    private static PromptSchedule MapSchedule(SqliteDataReader r)
    {
        var days = r.GetString(2).Split(',').Select(d => (DayOfWeek)int.Parse(d, CultureInfo.InvariantCulture)).ToList();
        var minute = r.GetInt32(3);
        return new PromptSchedule(r.GetString(0), r.GetString(1), new Recurrence(days, new TimeOnly(minute / 60, minute % 60), r.GetString(4)),
            r.GetString(5), r.GetInstant(6))
        {
            Paused = r.GetBoolean(7),
            SkipOccurrenceAt = r.IsDBNull(8) ? null : r.GetInstant(8),
            Version = r.GetInt64(9).ToString(CultureInfo.InvariantCulture),
            Remind = r.GetBoolean(10),
        };
    }

    private static PromptOccurrence MapOccurrence(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInstant(3), Enum.Parse<OccurrenceState>(r.GetString(4)), r.GetInstant(5))
        {
            PostedMessageId = r.GetNullableString(6),
            RemindAt = r.IsDBNull(7) ? null : r.GetInstant(7),
        };
}
