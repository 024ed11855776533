using LearningBot.Core.Knowledge;

namespace LearningBot.Storage.Sqlite.Knowledge;

public sealed class SqliteAnswerChannelRepository(SqliteDatabase database) : IAnswerChannelRepository
{
    public async Task<bool> IsOnAsync(string teamId, string channelId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ScalarAsync("SELECT 1 FROM answer_channels WHERE team_id = $teamId AND channel_id = $channel", null,
            cancellationToken, ("$teamId", teamId), ("$channel", channelId)) is not null;
    }

    public Task SetAsync(string teamId, string channelId, bool on, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync(on
                    ? "INSERT INTO answer_channels (team_id, channel_id) VALUES ($teamId, $channel) ON CONFLICT DO NOTHING"
                    : "DELETE FROM answer_channels WHERE team_id = $teamId AND channel_id = $channel",
                transaction, cancellationToken, ("$teamId", teamId), ("$channel", channelId)), cancellationToken);
}
