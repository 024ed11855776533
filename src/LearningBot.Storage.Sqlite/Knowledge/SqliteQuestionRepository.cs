using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Storage;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge;

public sealed class SqliteQuestionRepository(SqliteDatabase database) : IQuestionRepository
{
    private const string Columns =
        "id, team_id, asker_id, text, answered, created_at, idempotency_key, group_id, embedding, embedding_model, top_answer_id, verdict, origin";

    // The same columns without the vector (column 8 is a constant): it comes from memory (RecentQuestionCache) or one more read. Even "embedding IS NOT NULL" made
    // SQLite load each ~1.5 KB blob from its overflow pages (a probe on the benchmark file: 500 rows in 0.8 ms without it, 3.1 with it).
    private const string ColumnsWithoutVector =
        "id, team_id, asker_id, text, answered, created_at, idempotency_key, group_id, NULL, embedding_model, top_answer_id, verdict, origin";

    /// <summary>
    /// Reads of at most this many questions are served from memory (<see cref="RecentQuestionCache"/>): <c>ask</c>'s 500; a larger
    /// read (the dashboard's) reads the file and leaves the cache as it was.
    /// </summary>
    internal const int CachedReadLimit = 1_000;

    // The three reads of the recent questions, each planned to touch only what it returns (SqliteQuestionPlanTests checks the plans).

    /// <summary>
    /// The team's window, newest first; ties by rowid ascending, the order its index ix_questions_team_time holds them in, so
    /// SQLite stops after $limit rows ("rowid DESC" sorted the whole window: 10 ms instead of 1 on the benchmark's file).
    /// </summary>
    internal const string WindowSql =
        $"""
         SELECT {ColumnsWithoutVector}, rowid FROM questions WHERE team_id = $teamId AND created_at >= $since
         ORDER BY created_at DESC, rowid LIMIT $limit
         """;

    /// <summary>The team's change stamp and the file-wide deletion stamp (schema v15), by primary key.</summary>
    internal const string StampSql =
        "SELECT (SELECT stamp FROM question_changes WHERE team_id = $teamId), (SELECT stamp FROM question_deletions WHERE only = 1)";

    /// <summary>
    /// Rows written since the last read, by the table's rowid range, then the team ("+": not by the team's index, which would walk
    /// all of the team's rows): mostly the last ask's own question.
    /// </summary>
    internal const string AddedSql = $"SELECT {Columns}, rowid FROM questions WHERE rowid > $after AND +team_id = $teamId";

    /// <summary>
    /// Vectors by primary key ("+team_id": as a plain term SQLite walked the team's index instead, every row of the team: 9.5 ms
    /// for one id on the benchmark's file).
    /// </summary>
    internal const string VectorsSql = "SELECT id, embedding FROM questions WHERE id IN (SELECT value FROM json_each($ids)) AND +team_id = $teamId";

    private long _reads;

    internal RecentQuestionCache Recent { get; } = new();

    /// <summary>
    /// Off: every read of recent questions reads the whole window from the file again (vectors still from memory by id), as before
    /// the rows were held. Only the benchmark turns it off, to time both in one process (docs/performance.md).
    /// </summary>
    internal bool KeepRecentInMemory { get; set; } = true;

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
                // Not put in memory here: the next read merges it in by rowid once committed (a rolled-back write never shows).
                return new WriteResult<AskedQuestion>(question, Created: true);
            }

            var existing = await connection.QueryAsync($"SELECT {Columns} FROM questions WHERE team_id = $teamId AND idempotency_key = $key",
                transaction, Map, cancellationToken, ("$teamId", question.TeamId), ("$key", question.IdempotencyKey));
            return new WriteResult<AskedQuestion>(existing.Single(), Created: false);
        }, cancellationToken);

    public Task<IReadOnlyList<AskedQuestion>> ListSinceAsync(string teamId, DateTimeOffset since, int limit,
        CancellationToken cancellationToken) =>
        limit <= CachedReadLimit
            ? ListRecentAsync(teamId, since, limit, cancellationToken)
            : ListAsync(teamId, since, limit, string.Empty, cancellationToken);

    /// <summary>
    /// <see cref="ListSinceAsync"/> from memory (<see cref="RecentQuestionCache"/>): the team's change stamp, then only the rows
    /// inserted since the last read (by rowid, by any process); the whole window again only when the stamp moved (a verdict,
    /// <c>forget me</c>), the window starts earlier or more rows are asked for. On a unit of work's connection, which sees the unit's
    /// uncommitted writes, the window is read from the file and nothing is kept.
    /// </summary>
    private async Task<IReadOnlyList<AskedQuestion>> ListRecentAsync(string teamId, DateTimeOffset since, int limit,
        CancellationToken cancellationToken)
    {
        // To the file's precision first: it keeps milliseconds and its reads keep a row of since's own millisecond
        // (created_at >= since in ms), which memory's comparisons at 100 ns ticks (a TimeProvider's now - 90 days) would drop.
        since = DateTimeOffset.FromUnixTimeMilliseconds(since.ToUnixMs());
        var readAt = Interlocked.Increment(ref _reads);
        await using var connection = await database.OpenAsync(cancellationToken);
        var held = Recent.Of(teamId);
        if (connection is PooledSqliteConnection { Held: true })
        {
            var uncommitted = await ReadWindowAsync(connection, teamId, since, limit, held, cancellationToken);
            return uncommitted.Select(h => h.Question).ToList();
        }

        // The stamps before the rows: a change between the two reads leaves rows newer than their stamps, read again next time.
        var stamp = (await connection.QueryAsync(StampSql, null, r => new ChangeStamp(
            r.IsDBNull(0) ? null : r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1)), cancellationToken, ("$teamId", teamId)))[0];
        RecentQuestions current;
        if (KeepRecentInMemory && held is not null && held.Serves(stamp, since, limit))
        {
            var added = await connection.QueryAsync(AddedSql, null, r => new HeldQuestion(Map(r), r.GetInt64(13)), cancellationToken,
                ("$after", held.LastRowId), ("$teamId", teamId));
            current = added.Count == 0 ? held with { ReadAt = readAt } : held.With(added, readAt);
        }
        else
        {
            // Rows after this one are read as new next time (a row both here and there is merged by id).
            var last = (long)(await connection.ScalarAsync("SELECT coalesce(max(rowid), 0) FROM questions", null, cancellationToken))!;
            var rows = await ReadWindowAsync(connection, teamId, since, limit, held, cancellationToken);
            current = new RecentQuestions(stamp, last, since, limit, rows, readAt);
            Recent.CountWindowRead();
        }

        Recent.Put(teamId, current);
        return current.Within(since, limit);
    }

    /// <summary>
    /// The window from the file, newest first: the rows without their vectors (<see cref="WindowSql"/>), then, in one more read
    /// (<see cref="VectorsSql"/>), the vectors of rows not held (<paramref name="held"/>: a question's vector is written once, with
    /// it, so a held one is the stored one).
    /// </summary>
    private static async Task<List<HeldQuestion>> ReadWindowAsync(SqliteConnection connection, string teamId, DateTimeOffset since, int limit,
        RecentQuestions? held, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync(WindowSql, null, r => new HeldQuestion(Map(r), r.GetInt64(13)), cancellationToken, ("$teamId", teamId), ("$since", since.ToUnixMs()),
            ("$limit", limit));
        var known = held?.NewestFirst.ToDictionary(h => h.Question.Id, h => h.Question.Embedding, StringComparer.Ordinal) ?? [];
        var vectors = new Dictionary<string, ReadOnlyMemory<float>?>(rows.Count, StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var row in rows)
        {
            if (known.TryGetValue(row.Question.Id, out var vector))
            {
                vectors[row.Question.Id] = vector;
            }
            else
            {
                missing.Add(row.Question.Id);
            }
        }

        if (missing.Count > 0)
        {
            var read = await connection.QueryAsync(VectorsSql,
                null, r => (Id: r.GetString(0), Vector: r.IsDBNull(1) ? null : (ReadOnlyMemory<float>?)Vectors.FromBytes((byte[])r.GetValue(1))),
                cancellationToken, ("$teamId", teamId), ("$ids", System.Text.Json.JsonSerializer.Serialize(missing)));
            foreach (var (id, vector) in read)
            {
                vectors[id] = vector;
            }
        }

        // A row deleted between the two reads (forget me) has no vector read: it is left out, as a read a moment later would.
        return rows.Where(h => vectors.ContainsKey(h.Question.Id))
            .Select(h => h with { Question = h.Question with { Embedding = vectors[h.Question.Id] } }).ToList();
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
