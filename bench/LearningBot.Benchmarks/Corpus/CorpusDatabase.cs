using System.Diagnostics;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Settings;
using LearningBot.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Benchmarks.Corpus;

/// <summary>
/// The benchmark corpus: one busy team with 100,000 knowledge posts and 100,000 learnings, four smaller
/// teams around it, built once and cached as a SQLite file under artifacts/bench/ (gitignored). Each
/// benchmark process works on its own copy, so runs never see each other's writes.
/// </summary>
public static class CorpusDatabase
{
    /// <summary>
    /// The busy team. Named as the playground stores its teams (<c>playground:</c> + name), so the real web host started on a copy
    /// of this file (<c>--host-footprint</c>) can be asked through <c>POST /api/playground</c> with <c>"team": "bench-team"</c>.
    /// </summary>
    public const string Team = "playground:bench-team";
    public const int Seed = 20261126;
    public const int KnowledgePosts = 100_000;
    public const int Learnings = 100_000;
    public const int Members = 500;
    public const int OtherTeams = 4;
    public const int OtherTeamRecords = 5_000;
    public const int Questions = 2_000;
    public const int KudosGifts = 10_000;

    /// <summary>Written through the public repositories, one transaction each, to show what the normal write path costs.</summary>
    public const int ThroughRepositories = 1_000;

    // Bump when the generated data changes, so an old cached file is not reused.
    private const int CorpusVersion = 3;

    public static string MemberId(int index) => $"U{index:D4}";

    public static string OtherTeam(int index) => $"other-team-{index}";

    public static string ArtifactsDirectory
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "LearningBot.sln")))
                {
                    return Path.Combine(directory.FullName, "artifacts", "bench");
                }
            }

            return Path.Combine(Path.GetTempPath(), "learningbot-bench");
        }
    }

    public static string CachedPath => Path.Combine(ArtifactsDirectory, $"corpus-v{CorpusVersion}.db");

    /// <summary>Builds the cached corpus if it is missing; returns its path and a line saying what happened.</summary>
    public static async Task<(string Path, string Report)> EnsureAsync(bool rebuild = false)
    {
        var path = CachedPath;
        var marker = path + ".complete";
        if (!rebuild && File.Exists(path) && File.Exists(marker))
        {
            return (path, $"Using the cached corpus {path} (built {File.ReadAllText(marker).Trim()}).");
        }

        Directory.CreateDirectory(ArtifactsDirectory);
        foreach (var file in new[] { path, path + "-wal", path + "-shm", marker })
        {
            File.Delete(file);
        }

        var report = await BuildAsync(path);
        await File.WriteAllTextAsync(marker, report);
        return (path, "Built the corpus: " + report);
    }

    /// <summary>A private copy of the cached corpus for one benchmark process.</summary>
    public static async Task<string> CopyForRunAsync(string name)
    {
        var (cached, _) = await EnsureAsync();
        var copy = Path.Combine(ArtifactsDirectory, $"{name}-{Environment.ProcessId}.db");
        DeleteDatabase(copy);
        File.Copy(cached, copy);
        return copy;
    }

    public static void DeleteDatabase(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static async Task<string> BuildAsync(string path)
    {
        var total = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var text = new TextGenerator(Seed);
        await using var services = await BotServices.StartAsync(path);
        var members = services.GetRequiredService<IMemberRepository>();
        var knowledge = services.GetRequiredService<IKnowledgeRepository>();
        var learnings = services.GetRequiredService<ILearningRepository>();
        var settings = services.GetRequiredService<ITeamSettingsRepository>();

        var teams = new List<(string Id, int Members, int Posts, int Learnings)> { (Team, Members, KnowledgePosts, Learnings) };
        teams.AddRange(Enumerable.Range(1, OtherTeams).Select(i => (OtherTeam(i), 200, OtherTeamRecords, OtherTeamRecords)));

        foreach (var team in teams)
        {
            for (var m = 0; m < team.Members; m++)
            {
                await members.UpsertAsync(new Member(team.Id, MemberId(m), $"Person {m} of {team.Id}"), default);
            }
        }

        // Kudos benchmarks give many kudos per giver: a budget that never runs out (the settings command caps
        // it at 100, the repository does not).
        await settings.SaveAsync(TeamSettings.Default(Team) with { KudosWeeklyBudget = 1_000_000 }, default);

        // The public write path first: one transaction per record, exactly as commands write.
        var repositoryClock = Stopwatch.StartNew();
        var written = 0;
        foreach (var team in teams)
        {
            var count = team.Id == Team ? ThroughRepositories : 1;
            for (var i = 0; i < count; i++)
            {
                var post = NewPost(text, team.Id, team.Members, now);
                await knowledge.AddAsync(post, default);
                var entry = NewLearning(text, team.Id, team.Members, now);
                await learnings.AddAsync(entry, default);
                written += 2;
            }
        }

        repositoryClock.Stop();

        // The rest in one transaction of prepared statements against the same schema. The FTS row layout is
        // the one the repositories write; team_key is read back from rows they wrote rather than recomputed.
        var bulkClock = Stopwatch.StartNew();
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            await connection.OpenAsync();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            var bulk = new BulkWriter(connection, transaction);
            foreach (var team in teams)
            {
                var teamKey = await bulk.TeamKeyAsync(team.Id);
                var already = team.Id == Team ? ThroughRepositories : 1;
                for (var i = already; i < team.Posts; i++)
                {
                    await bulk.AddPostAsync(NewPost(text, team.Id, team.Members, now), teamKey);
                }

                for (var i = already; i < team.Learnings; i++)
                {
                    await bulk.AddLearningAsync(NewLearning(text, team.Id, team.Members, now), teamKey);
                }

                if (team.Id == Team)
                {
                    for (var i = 0; i < Questions; i++)
                    {
                        await bulk.AddQuestionAsync(team.Id, MemberId(text.Next(team.Members)), text.Question(), text.NextDouble() < 0.6,
                            RandomInstant(text, now));
                    }

                    for (var i = 0; i < KudosGifts; i++)
                    {
                        var giver = text.Next(team.Members);
                        var receiver = (giver + 1 + text.Next(team.Members - 1)) % team.Members;
                        await bulk.AddKudosAsync(team.Id, teamKey, MemberId(giver), MemberId(receiver), text.Sentence(4, 12),
                            text.NextDouble() < 0.5 ? TextGenerator.Tags[text.Next(TextGenerator.Tags.Length)] : null,
                            RandomInstant(text, now));
                    }
                }
            }

            await transaction.CommitAsync();
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync();
        }

        bulkClock.Stop();
        SqliteConnection.ClearAllPools();
        var size = new FileInfo(path).Length / (1024.0 * 1024.0);
        var perRecordMs = repositoryClock.Elapsed.TotalMilliseconds / written;
        return $"{now:yyyy-MM-dd HH:mm} UTC in {total.Elapsed.TotalSeconds:F1} s; {written:N0} records through the public repositories " +
               $"in {repositoryClock.Elapsed.TotalSeconds:F1} s ({perRecordMs:F2} ms each, one transaction per record), " +
               $"the remaining {BulkCount(teams):N0} in one transaction in {bulkClock.Elapsed.TotalSeconds:F1} s; file {size:F0} MB.";

        static int BulkCount(List<(string Id, int Members, int Posts, int Learnings)> teams) =>
            teams.Sum(t => t.Posts + t.Learnings - (t.Id == Team ? 2 * ThroughRepositories : 2)) + Questions + KudosGifts;
    }

    private static KnowledgePost NewPost(TextGenerator text, string teamId, int members, DateTimeOffset now) =>
        new(Guid.CreateVersion7().ToString("N"), teamId, MemberId(text.Next(members)), text.Question(), text.Paragraph(1, 4),
            text.SomeTags(3), RandomInstant(text, now), "seed-" + Guid.NewGuid().ToString("N"));

    private static LearningEntry NewLearning(TextGenerator text, string teamId, int members, DateTimeOffset now) =>
        new(Guid.CreateVersion7().ToString("N"), teamId, MemberId(text.Next(members)), text.Paragraph(1, 2), text.SomeTags(3),
            text.NextDouble() < 0.5 ? 5 + text.Next(180) : null, RandomInstant(text, now), "seed-" + Guid.NewGuid().ToString("N"));

    // Spread over two years, as a team that has used the bot for a while.
    private static DateTimeOffset RandomInstant(TextGenerator text, DateTimeOffset now) =>
        now.AddMinutes(-text.NextDouble() * 2 * 365 * 24 * 60);

    /// <summary>Prepared INSERTs for the bulk part; mirrors what the SQLite repositories write.</summary>
    private sealed class BulkWriter(SqliteConnection connection, SqliteTransaction transaction)
    {
        private readonly SqliteCommand _post = Prepare(connection, transaction,
            "INSERT INTO knowledge_posts (id, team_id, author_id, question, answer, tags, created_at, idempotency_key, helpful_count) " +
            "VALUES ($id, $teamId, $personId, $title, $body, $tags, $createdAt, $key, 0)");

        private readonly SqliteCommand _learning = Prepare(connection, transaction,
            "INSERT INTO learnings (id, team_id, user_id, text, tags, minutes, is_private, created_at, idempotency_key) " +
            "VALUES ($id, $teamId, $personId, $body, $tags, $minutes, 0, $createdAt, $key)");

        private readonly SqliteCommand _search = Prepare(connection, transaction,
            "INSERT INTO search_fts (title, body, tags, team_key, team_id, kind, ref_id, person_id, created_at) " +
            "VALUES ($title, $body, $tags, $teamKey, $teamId, $kind, $id, $personId, $createdAt)");

        private readonly SqliteCommand _question = Prepare(connection, transaction,
            "INSERT INTO questions (id, team_id, asker_id, text, answered, created_at, idempotency_key) " +
            "VALUES ($id, $teamId, $personId, $body, $answered, $createdAt, $key)");

        private readonly SqliteCommand _gift = Prepare(connection, transaction,
            "INSERT INTO kudos_gifts (id, team_id, giver_id, reason, value, created_at, idempotency_key) " +
            "VALUES ($id, $teamId, $personId, $body, $value, $createdAt, $key)");

        private readonly SqliteCommand _receipt = Prepare(connection, transaction,
            "INSERT INTO kudos_receipts (gift_id, position, team_id, giver_id, receiver_id, created_at) " +
            "VALUES ($id, 0, $teamId, $personId, $receiverId, $createdAt)");

        public async Task<string> TeamKeyAsync(string teamId)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT team_key FROM search_fts WHERE team_id = $teamId LIMIT 1";
            command.Parameters.AddWithValue("$teamId", teamId);
            return (string?)await command.ExecuteScalarAsync()
                   ?? throw new InvalidOperationException($"No search row for {teamId}: the repository writes should have made one.");
        }

        public async Task AddPostAsync(KnowledgePost post, string teamKey)
        {
            await RunAsync(_post, ("$id", post.Id), ("$teamId", post.TeamId), ("$personId", post.AuthorId), ("$title", post.Question),
                ("$body", post.Answer), ("$tags", string.Join(' ', post.Tags)), ("$createdAt", post.CreatedAt.ToUnixTimeMilliseconds()),
                ("$key", post.IdempotencyKey));
            await IndexAsync(post.TeamId, teamKey, SearchKind.Knowledge, post.Id, post.AuthorId, post.Question, post.Answer, post.Tags,
                post.CreatedAt);
        }

        public async Task AddLearningAsync(LearningEntry entry, string teamKey)
        {
            await RunAsync(_learning, ("$id", entry.Id), ("$teamId", entry.TeamId), ("$personId", entry.UserId), ("$body", entry.Text),
                ("$tags", string.Join(' ', entry.Tags)), ("$minutes", entry.Minutes),
                ("$createdAt", entry.CreatedAt.ToUnixTimeMilliseconds()), ("$key", entry.IdempotencyKey));
            await IndexAsync(entry.TeamId, teamKey, SearchKind.Learning, entry.Id, entry.UserId, string.Empty, entry.Text, entry.Tags,
                entry.CreatedAt);
        }

        public Task AddQuestionAsync(string teamId, string askerId, string question, bool answered, DateTimeOffset at) =>
            RunAsync(_question, ("$id", Guid.CreateVersion7().ToString("N")), ("$teamId", teamId), ("$personId", askerId),
                ("$body", question), ("$answered", answered), ("$createdAt", at.ToUnixTimeMilliseconds()),
                ("$key", "seed-" + Guid.NewGuid().ToString("N")));

        public async Task AddKudosAsync(string teamId, string teamKey, string giverId, string receiverId, string reason, string? value,
            DateTimeOffset at)
        {
            var id = Guid.CreateVersion7().ToString("N");
            await RunAsync(_gift, ("$id", id), ("$teamId", teamId), ("$personId", giverId), ("$body", reason), ("$value", value),
                ("$createdAt", at.ToUnixTimeMilliseconds()), ("$key", "seed-" + Guid.NewGuid().ToString("N")));
            await RunAsync(_receipt, ("$id", id), ("$teamId", teamId), ("$personId", giverId), ("$receiverId", receiverId),
                ("$createdAt", at.ToUnixTimeMilliseconds()));
            await IndexAsync(teamId, teamKey, SearchKind.Kudos, id, receiverId, string.Empty, reason, value is null ? [] : [value], at);
        }

        private Task IndexAsync(string teamId, string teamKey, SearchKind kind, string id, string personId, string title, string body,
            IReadOnlyList<string> tags, DateTimeOffset createdAt) =>
            RunAsync(_search, ("$title", title), ("$body", body), ("$tags", string.Join(' ', tags)), ("$teamKey", teamKey),
                ("$teamId", teamId), ("$kind", (int)kind), ("$id", id), ("$personId", personId),
                ("$createdAt", createdAt.ToUnixTimeMilliseconds()));

        private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            return command;
        }

        private static async Task RunAsync(SqliteCommand command, params (string Name, object? Value)[] parameters)
        {
            command.Parameters.Clear();
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            await command.ExecuteNonQueryAsync();
        }
    }
}
