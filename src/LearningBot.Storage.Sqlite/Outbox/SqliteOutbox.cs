using LearningBot.Core.Outbox;
using LearningBot.Core.Replies;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Outbox;

public sealed class SqliteOutbox(SqliteDatabase database) : IOutbox
{
    private const string Pending = "Pending";

    public Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) => await InsertAsync(connection, transaction, message, cancellationToken),
            cancellationToken);

    /// <summary>Inserts inside the caller's transaction, so claiming an occurrence and queuing its post are one commit.</summary>
    internal static async Task<bool> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, OutboxMessage message,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(
            """
            INSERT INTO outbox (id, team_id, conversation_key, purpose, related_id, reply_json, thread_id, state, not_before)
            VALUES ($id, $teamId, $conversationKey, $purpose, $relatedId, $reply, $threadId, 'Pending', $notBefore)
            ON CONFLICT (id) DO NOTHING
            """,
            transaction, cancellationToken,
            ("$id", message.Id), ("$teamId", message.TeamId), ("$conversationKey", message.ConversationKey),
            ("$purpose", message.Purpose.ToString()), ("$relatedId", message.RelatedId), ("$reply", ReplyJson.Serialize(message.Reply)),
            ("$threadId", message.ThreadId), ("$notBefore", message.NotBefore.ToUnixMs())) > 0;

    public Task<IReadOnlyList<OutboxMessage>> LeaseDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<OutboxMessage>>(async (connection, transaction) =>
        {
            var due = await connection.QueryAsync(
                """
                SELECT id, team_id, conversation_key, purpose, related_id, reply_json, thread_id, not_before, attempts FROM outbox
                WHERE state = 'Pending' AND not_before <= $now AND (lease_until IS NULL OR lease_until <= $now)
                ORDER BY not_before
                LIMIT $limit
                """,
                transaction,
                r => new OutboxMessage(r.GetString(0), r.GetString(1), r.GetString(2), Enum.Parse<OutboxPurpose>(r.GetString(3)),
                    r.GetNullableString(4), ReplyJson.Deserialize(r.GetString(5)), r.GetInstant(7))
                {
                    ThreadId = r.GetNullableString(6),
                    Attempts = r.GetInt32(8) + 1,
                },
                cancellationToken, ("$now", now.ToUnixMs()), ("$limit", limit));
            foreach (var message in due)
            {
                await connection.ExecuteAsync("UPDATE outbox SET lease_until = $until, attempts = attempts + 1 WHERE id = $id",
                    transaction, cancellationToken, ("$until", (now + lease).ToUnixMs()), ("$id", message.Id));
            }

            return due;
        }, cancellationToken);

    public Task CompleteAsync(string id, string? platformMessageId, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE outbox SET state = 'Sent', platform_message_id = $messageId, completed_at = $at, lease_until = NULL WHERE id = $id",
            cancellationToken, ("$id", id), ("$messageId", platformMessageId), ("$at", at.ToUnixMs()));

    public Task RetryLaterAsync(string id, DateTimeOffset notBefore, string reason, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE outbox SET not_before = $notBefore, lease_until = NULL, last_error = $reason WHERE id = $id AND state = 'Pending'",
            cancellationToken, ("$id", id), ("$notBefore", notBefore.ToUnixMs()), ("$reason", reason));

    public Task AbandonAsync(string id, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE outbox SET state = 'Abandoned', last_error = $reason, completed_at = $at, lease_until = NULL WHERE id = $id",
            cancellationToken, ("$id", id), ("$reason", reason), ("$at", at.ToUnixMs()));

    public async Task<int> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return Convert.ToInt32(await connection.ScalarAsync($"SELECT COUNT(*) FROM outbox WHERE state = '{Pending}'", null, cancellationToken));
    }

    private Task UpdateAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(sql, transaction, cancellationToken, parameters),
            cancellationToken);
}
