using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Storage;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge;

public sealed class SqliteQuestionRepository(SqliteDatabase database) : IQuestionRepository
{
    private const string Columns =
        "id, team_id, asker_id, text, answered, created_at, idempotency_key, group_id, embedding, embedding_model, top_answer_id, verdict, origin";

    public Task<WriteResult<AskedQuestion>> AddAsync(AskedQuestion question, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var inserted = await connection.ExecuteAsync(
                $"""
                 INSERT INTO questions ({Columns})
                 VALUES ($id, $teamId, $askerId, $text, $answered, $createdAt, $key, $groupId, $embedding, $model, $topAnswer, $verdict, $origin)
                 ON CONFLICT (team_id, idempotency_key) DO NOTHING
                 """,
                transaction, cancellationToken,
                ("$id", question.Id), ("$teamId", question.TeamId), ("$askerId", question.AskerId), ("$text", question.Text),
                ("$answered", question.Answered), ("$createdAt", question.CreatedAt.ToUnixMs()), ("$key", question.IdempotencyKey),
                ("$groupId", question.GroupId), ("$embedding", question.Embedding is { } vector ? Vectors.ToBytes(vector) : null),
                ("$model", question.Embedding is null ? null : question.EmbeddingModel), ("$topAnswer", question.TopAnswerId),
                ("$verdict", (int)question.Verdict), ("$origin", (int)question.Origin));
            if (inserted > 0)
            {
                return new WriteResult<AskedQuestion>(question, Created: true);
            }

            var existing = await connection.QueryAsync($"SELECT {Columns} FROM questions WHERE team_id = $teamId AND idempotency_key = $key",
                transaction, Map, cancellationToken, ("$teamId", question.TeamId), ("$key", question.IdempotencyKey));
            return new WriteResult<AskedQuestion>(existing.Single(), Created: false);
        }, cancellationToken);

    public Task<IReadOnlyList<AskedQuestion>> ListSinceAsync(string teamId, DateTimeOffset since, int limit,
        CancellationToken cancellationToken) =>
        ListAsync(teamId, since, limit, string.Empty, cancellationToken);

    // The partial index ix_questions_unanswered (schema v7) serves this one, so answered questions are never read.
    public Task<IReadOnlyList<AskedQuestion>> ListUnansweredSinceAsync(string teamId, DateTimeOffset since, int limit,
        CancellationToken cancellationToken) =>
        ListAsync(teamId, since, limit, "AND answered = 0", cancellationToken);

    public async Task<AskedQuestion?> GetAsync(string teamId, string questionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync($"SELECT {Columns} FROM questions WHERE team_id = $teamId AND id = $id",
            null, Map, cancellationToken, ("$teamId", teamId), ("$id", questionId));
        return rows.SingleOrDefault();
    }

    public Task<AskedQuestion?> SetVerdictAsync(string teamId, string questionId, string answerId, AnswerVerdict verdict,
        CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(
                "UPDATE questions SET verdict = $verdict, answered = $answered, top_answer_id = $answer WHERE team_id = $teamId AND id = $id",
                transaction, cancellationToken, ("$verdict", (int)verdict), ("$answered", verdict == AnswerVerdict.Helped),
                ("$answer", answerId), ("$teamId", teamId), ("$id", questionId));
            var rows = await connection.QueryAsync($"SELECT {Columns} FROM questions WHERE team_id = $teamId AND id = $id",
                transaction, Map, cancellationToken, ("$teamId", teamId), ("$id", questionId));
            return rows.SingleOrDefault();
        }, cancellationToken);

    private async Task<IReadOnlyList<AskedQuestion>> ListAsync(string teamId, DateTimeOffset since, int limit, string filter,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            $"SELECT {Columns} FROM questions WHERE team_id = $teamId {filter} AND created_at >= $since ORDER BY created_at DESC LIMIT $limit",
            null, Map, cancellationToken, ("$teamId", teamId), ("$since", since.ToUnixMs()), ("$limit", limit));
    }

    private static AskedQuestion Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), r.GetInstant(5), r.GetString(6))
        {
            GroupId = r.IsDBNull(7) ? null : r.GetString(7),
            // Typed as nullable first: a null float[] would otherwise become an empty vector, not "none".
            Embedding = r.IsDBNull(8) ? null : (ReadOnlyMemory<float>?)Vectors.FromBytes((byte[])r.GetValue(8)),
            EmbeddingModel = r.IsDBNull(9) ? null : r.GetString(9),
            TopAnswerId = r.IsDBNull(10) ? null : r.GetString(10),
            Verdict = (AnswerVerdict)r.GetInt32(11),
            Origin = (QuestionOrigin)r.GetInt32(12),
        };
}
