using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Storage;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge;

public sealed class SqliteQuestionRepository(SqliteDatabase database) : IQuestionRepository
{
    private const string Columns =
        "id, team_id, asker_id, text, answered, created_at, idempotency_key, group_id, embedding, embedding_model, top_answer_id, verdict, origin";

    // The same columns without the vector (column 8 is a constant): it comes from QuestionVectors. Even "embedding IS NOT NULL" made
    // SQLite load each ~1.5 KB blob from its overflow pages (a probe on the benchmark file: 500 rows in 0.8 ms without it, 3.1 with it).
    private const string ColumnsWithoutVector =
        "id, team_id, asker_id, text, answered, created_at, idempotency_key, group_id, NULL, embedding_model, top_answer_id, verdict, origin";

    /// <summary>
    /// Reads of at most this many questions keep their vectors in memory (<see cref="QuestionVectors"/>): <c>ask</c>'s 500; a larger
    /// read (the dashboard's) reads them from the file and leaves the cache as it was.
    /// </summary>
    internal const int CachedReadLimit = 1_000;

    internal QuestionVectors RecentVectors { get; } = new();

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
                if (question.Embedding is { } written)
                {
                    // Safe before the commit: a read that finds no row never uses it, and a rolled-back id is never written again.
                    RecentVectors.Add(question.TeamId, question.Id, written);
                }

                return new WriteResult<AskedQuestion>(question, Created: true);
            }

            var existing = await connection.QueryAsync($"SELECT {Columns} FROM questions WHERE team_id = $teamId AND idempotency_key = $key",
                transaction, Map, cancellationToken, ("$teamId", question.TeamId), ("$key", question.IdempotencyKey));
            return new WriteResult<AskedQuestion>(existing.Single(), Created: false);
        }, cancellationToken);

    public Task<IReadOnlyList<AskedQuestion>> ListSinceAsync(string teamId, DateTimeOffset since, int limit,
        CancellationToken cancellationToken) =>
        limit <= CachedReadLimit
            ? ListCachedAsync(teamId, since, limit, cancellationToken)
            : ListAsync(teamId, since, limit, string.Empty, cancellationToken);

    /// <summary>
    /// <see cref="ListSinceAsync"/> with the vectors from memory: the rows without their vectors, then, in one more read, the vectors
    /// of rows not cached yet (written by another process, or before this one started). The team's cache then holds exactly the
    /// vectors of the rows returned.
    /// </summary>
    private async Task<IReadOnlyList<AskedQuestion>> ListCachedAsync(string teamId, DateTimeOffset since, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(
            $"SELECT {ColumnsWithoutVector} FROM questions WHERE team_id = $teamId AND created_at >= $since ORDER BY created_at DESC LIMIT $limit",
            null, Map, cancellationToken, ("$teamId", teamId), ("$since", since.ToUnixMs()), ("$limit", limit));
        var cached = RecentVectors.Of(teamId);
        var kept = new Dictionary<string, ReadOnlyMemory<float>?>(rows.Count, StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var question in rows)
        {
            if (cached.TryGetValue(question.Id, out var vector))
            {
                kept[question.Id] = vector;
            }
            else
            {
                missing.Add(question.Id);
            }
        }

        if (missing.Count > 0)
        {
            var read = await connection.QueryAsync(
                "SELECT id, embedding FROM questions WHERE team_id = $teamId AND id IN (SELECT value FROM json_each($ids))",
                null, r => (Id: r.GetString(0), Vector: r.IsDBNull(1) ? null : (ReadOnlyMemory<float>?)Vectors.FromBytes((byte[])r.GetValue(1))),
                cancellationToken, ("$teamId", teamId), ("$ids", System.Text.Json.JsonSerializer.Serialize(missing)));
            foreach (var (id, vector) in read)
            {
                kept[id] = vector;
            }
        }

        RecentVectors.Replace(teamId, kept);
        // A row deleted between the two reads (forget me) has no vector read: it is left out, as a read a moment later would.
        return rows.Where(q => kept.ContainsKey(q.Id)).Select(q => q with { Embedding = kept[q.Id] }).ToList();
    }

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
