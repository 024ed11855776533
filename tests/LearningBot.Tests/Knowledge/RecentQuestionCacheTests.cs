using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Privacy;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Knowledge;

/// <summary>
/// The recent questions <c>ask</c> groups a new question with, held in memory (<see cref="RecentQuestionCache"/>) instead of read
/// from the file on every ask: on a real SQLite file, every read must return exactly what the file holds (each row, each vector bit
/// for bit, in order), for one team only, and follow every change made by this process, another process (a second
/// <see cref="SqliteDatabase"/> on the same file, with its own pool and cache), <c>forget me</c>, verdicts, the 90-day window, a
/// unit of work's uncommitted writes and a rolled-back write.
/// </summary>
public sealed class RecentQuestionCacheTests
{
    private const string Team = "acme";
    private const string Model = "all-MiniLM-L6-v2";
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private TempDirectory _directory = null!;
    private ServiceProvider _services = null!;

    [SetUp]
    public async Task Start()
    {
        _directory = new TempDirectory();
        _services = await StartAsync();
    }

    [TearDown]
    public async Task Stop()
    {
        await _services.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<ServiceProvider> StartAsync()
    {
        var services = new ServiceCollection().AddLogging().AddSqliteStorage(_directory.File("questions.db")).BuildServiceProvider();
        await services.GetRequiredService<SqliteDatabase>().InitializeAsync(default);
        return services;
    }

    private SqliteQuestionRepository Questions => (SqliteQuestionRepository)_services.GetRequiredService<IQuestionRepository>();

    private Task<IReadOnlyList<AskedQuestion>> RecentAsync(SqliteQuestionRepository? questions = null, string team = Team,
        DateTimeOffset? since = null, int limit = QuestionMatcher.RecentQuestions) =>
        (questions ?? Questions).ListSinceAsync(team, since ?? Now - QuestionGroups.Window, limit, default);

    [Test]
    public async Task Each_read_returns_what_the_file_holds_bit_for_bit_and_only_the_teams_own_questions()
    {
        var random = new Random(5);
        for (var i = 0; i < 40; i++)
        {
            // Questions with a vector, without one (semantic search off when asked), grouped and not, two teams.
            await Questions.AddAsync(Question($"q{i}", i % 4 == 3 ? "globex" : Team, $"u{i % 5}", $"how do I rotate key {i}",
                Now.AddMinutes(-i), i % 5 == 4 ? null : Vector(random)) with { GroupId = i % 3 == 0 ? "q0" : null }, default);
        }

        // First read: nothing held but what this process wrote; second read: all held. Both equal the file.
        foreach (var round in new[] { "first", "second" })
        {
            var read = await RecentAsync();
            await AssertAsFileAsync(read, Team, round);
            Assert.That(read.Select(q => q.TeamId), Is.All.EqualTo(Team), round);
        }

        await AssertAsFileAsync(await RecentAsync(team: "globex"), "globex", "other team");
        Assert.That(Held(Team), Is.EquivalentTo((await RecentAsync()).Select(q => q.Id)), "held: this team's read only");
        Assert.That(Held("globex"), Is.EquivalentTo((await RecentAsync(team: "globex")).Select(q => q.Id)));
        var globex = Enumerable.Range(0, 40).Where(i => i % 4 == 3).Select(i => $"q{i}").ToList();
        Assert.That(Held(Team).Intersect(globex), Is.Empty, "globex's questions are never held for acme");
    }

    [Test]
    public async Task A_question_written_by_another_process_on_the_same_file_is_read_with_its_vector()
    {
        var random = new Random(6);
        await Questions.AddAsync(Question("mine", Team, "ann", "who grants warehouse access", Now.AddMinutes(-5), Vector(random)), default);
        await RecentAsync(); // held here

        await using (var other = await StartAsync())
        {
            var theirs = other.GetRequiredService<IQuestionRepository>();
            await theirs.AddAsync(Question("theirs", Team, "bo", "getting permissions for the data warehouse", Now.AddMinutes(-1), Vector(random)), default);
        }

        var read = await RecentAsync();
        Assert.That(read.Select(q => q.Id), Is.EqualTo(new[] { "theirs", "mine" }));
        await AssertAsFileAsync(read, Team, "after the other process wrote");
    }

    [Test]
    public async Task Forget_me_verdicts_and_the_ninety_day_window_show_at_once_and_a_forgotten_persons_vectors_leave_memory()
    {
        var random = new Random(7);
        await Questions.AddAsync(Question("ann1", Team, "ann", "how can I get access to the analytics warehouse", Now.AddDays(-2), Vector(random)), default);
        await Questions.AddAsync(Question("bo1", Team, "bo", "who grants warehouse access", Now.AddDays(-1), Vector(random)) with { GroupId = "ann1" }, default);
        await Questions.AddAsync(Question("cy1", Team, "cy", "getting permissions for the data warehouse", Now.AddHours(-1), Vector(random)) with { GroupId = "ann1" }, default);
        await Questions.AddAsync(Question("old", Team, "cy", "where is the vpn config", Now - QuestionGroups.Window - TimeSpan.FromMinutes(1), Vector(random)), default);
        var before = await RecentAsync();
        Assert.That(before.Select(q => q.Id), Is.EqualTo(new[] { "cy1", "bo1", "ann1" }), "the window leaves out 'old'");
        Assert.That(Held(Team), Is.EquivalentTo(new[] { "cy1", "bo1", "ann1" }));

        await Questions.SetVerdictAsync(Team, "cy1", "post-1", AnswerVerdict.NotIt, default);
        await _services.GetRequiredService<IPersonalDataStore>().ForgetAsync(Team, "bo", keepSharedAnswers: true, Now, default);

        var after = await RecentAsync();
        Assert.That(after.Select(q => q.Id), Is.EqualTo(new[] { "cy1", "ann1" }));
        Assert.That(after[0].Verdict, Is.EqualTo(AnswerVerdict.NotIt));
        Assert.That(after[0].TopAnswerId, Is.EqualTo("post-1"));
        await AssertAsFileAsync(after, Team, "after forget me and a verdict");
        Assert.That(Held(Team), Is.EquivalentTo(new[] { "cy1", "ann1" }), "bo's question is not kept");
    }

    [Test]
    public async Task A_question_whose_write_was_rolled_back_is_never_returned()
    {
        var random = new Random(8);
        var database = _services.GetRequiredService<SqliteDatabase>();
        await database.InOneTransactionAsync(async ct =>
        {
            await Questions.AddAsync(Question("undone", Team, "ann", "how do I reset my vpn password", Now.AddMinutes(-2), Vector(random)), ct);
            return (0, false); // e.g. the command failed after the write: the delivery rolls back
        }, default);
        await Questions.AddAsync(Question("kept", Team, "bo", "how do I reset my vpn password", Now.AddMinutes(-1), Vector(random)), default);

        var read = await RecentAsync();

        Assert.That(read.Select(q => q.Id), Is.EqualTo(new[] { "kept" }));
        await AssertAsFileAsync(read, Team, "after a rollback");
        Assert.That(Held(Team), Is.EquivalentTo(new[] { "kept" }));
    }

    [Test]
    public async Task A_team_whose_questions_did_not_change_is_served_from_memory_and_new_questions_are_merged_in_by_rowid()
    {
        var random = new Random(9);
        for (var i = 0; i < 30; i++)
        {
            await Questions.AddAsync(Question($"q{i}", Team, $"u{i % 4}", $"how do I rotate key {i}", Now.AddMinutes(-60 + i), Vector(random)), default);
        }

        await AssertAsFileAsync(await RecentAsync(), Team, "first read");
        Assert.That(Questions.Recent.WindowReads, Is.EqualTo(1), "the first read reads the window");

        // What ask does next: its own question is written, and the next ask reads the recent questions again.
        for (var i = 30; i < 35; i++)
        {
            await Questions.AddAsync(Question($"q{i}", Team, "ann", $"how do I rotate key {i}", Now.AddMinutes(-60 + i), Vector(random)), default);
            var read = await RecentAsync();
            Assert.That(read[0].Id, Is.EqualTo($"q{i}"), "the question just written is first");
            await AssertAsFileAsync(read, Team, $"after q{i}");
        }

        Assert.That(Questions.Recent.WindowReads, Is.EqualTo(1), "no ask read the window again: only the rows written since");
    }

    [Test]
    public async Task A_verdict_or_a_deletion_by_another_process_is_seen_at_once_by_a_process_holding_the_questions()
    {
        var random = new Random(10);
        await Questions.AddAsync(Question("ann1", Team, "ann", "how can I get access to the analytics warehouse", Now.AddHours(-3), Vector(random)), default);
        await Questions.AddAsync(Question("bo1", Team, "bo", "who grants warehouse access", Now.AddHours(-2), Vector(random)) with { GroupId = "ann1" }, default);
        await Questions.AddAsync(Question("cy1", Team, "cy", "getting permissions for the data warehouse", Now.AddHours(-1), Vector(random)) with { GroupId = "ann1" }, default);
        await RecentAsync(); // held here

        await using (var other = await StartAsync())
        {
            // "Not it" pressed on a reply the other instance sent, then a row removed there (its own forget me, or by hand).
            await other.GetRequiredService<IQuestionRepository>().SetVerdictAsync(Team, "bo1", "post-7", AnswerVerdict.NotIt, default);
            await other.GetRequiredService<IPersonalDataStore>().ForgetAsync(Team, "cy", keepSharedAnswers: true, Now, default);
        }

        var read = await RecentAsync();
        Assert.That(read.Select(q => q.Id), Is.EqualTo(new[] { "bo1", "ann1" }), "cy's question is gone");
        Assert.That(read[0].Verdict, Is.EqualTo(AnswerVerdict.NotIt), "the other process's verdict");
        Assert.That(read[0].TopAnswerId, Is.EqualTo("post-7"));
        await AssertAsFileAsync(read, Team, "after the other process's verdict and forget me");

        await using (var connection = new SqliteConnection($"Data Source={_directory.File("questions.db")};Pooling=False"))
        {
            // Any other writer of the file (sqlite3 by hand, a retention job): the triggers are in the file, not in this code.
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE questions SET answered = 1 WHERE id = 'ann1'; DELETE FROM questions WHERE id = 'bo1';";
            await command.ExecuteNonQueryAsync();
        }

        read = await RecentAsync();
        Assert.That(read.Select(q => (q.Id, q.Answered)), Is.EqualTo(new[] { ("ann1", true) }));
        await AssertAsFileAsync(read, Team, "after a writer outside the bot");
    }

    [Test]
    public async Task Questions_another_team_asks_after_the_first_read_are_never_merged_into_this_teams()
    {
        var random = new Random(11);
        await Questions.AddAsync(Question("acme1", Team, "ann", "how do I rotate the staging database password", Now.AddMinutes(-9), Vector(random)), default);
        await Questions.AddAsync(Question("globex1", "globex", "zed", "how do I rotate the staging database password", Now.AddMinutes(-8), Vector(random)), default);
        await RecentAsync();
        await RecentAsync(team: "globex");

        await Questions.AddAsync(Question("globex2", "globex", "zed", "how do I rotate the staging database password", Now.AddMinutes(-2), Vector(random)), default);
        await Questions.AddAsync(Question("acme2", Team, "bo", "how do I rotate the staging database password", Now.AddMinutes(-1), Vector(random)), default);

        var acme = await RecentAsync();
        Assert.That(acme.Select(q => q.Id), Is.EqualTo(new[] { "acme2", "acme1" }));
        await AssertAsFileAsync(acme, Team, "acme, merged");
        var globex = await RecentAsync(team: "globex");
        Assert.That(globex.Select(q => q.Id), Is.EqualTo(new[] { "globex2", "globex1" }));
        await AssertAsFileAsync(globex, "globex", "globex, merged");
        Assert.That(Questions.Recent.WindowReads, Is.EqualTo(2), "one window read per team, then rows by rowid");
    }

    [Test]
    public async Task A_rowid_freed_by_forgetting_someone_in_another_team_and_taken_by_this_teams_next_question_is_still_read()
    {
        var random = new Random(15);
        await Questions.AddAsync(Question("acme1", Team, "ann", "how do I rotate the staging database password", Now.AddMinutes(-9), Vector(random)), default);
        await Questions.AddAsync(Question("globex1", "globex", "zed", "where is the vpn config", Now.AddMinutes(-8), Vector(random)), default);
        await RecentAsync(); // held for acme, complete up to globex1's rowid (the table's largest)

        // SQLite gives a new row the largest rowid + 1: with globex1 gone, acme's next question takes globex1's rowid.
        await _services.GetRequiredService<IPersonalDataStore>().ForgetAsync("globex", "zed", keepSharedAnswers: true, Now, default);
        await Questions.AddAsync(Question("acme2", Team, "bo", "who rotates the staging database password", Now.AddMinutes(-1), Vector(random)), default);

        var read = await RecentAsync();
        Assert.That(read.Select(q => q.Id), Is.EqualTo(new[] { "acme2", "acme1" }));
        await AssertAsFileAsync(read, Team, "after the rowid was taken again");
    }

    [Test]
    public async Task The_window_moves_with_time_and_a_wider_or_longer_read_than_the_one_held_reads_the_file()
    {
        var random = new Random(12);
        for (var i = 0; i < 12; i++)
        {
            // One question every 10 days: 0, 10, …, 110 days old.
            await Questions.AddAsync(Question($"d{i * 10}", Team, "ann", $"where is the runbook for service {i}", Now.AddDays(-i * 10), Vector(random)), default);
        }

        var held = await RecentAsync(limit: 5);
        Assert.That(held.Select(q => q.Id), Is.EqualTo(new[] { "d0", "d10", "d20", "d30", "d40" }));

        // 75 days later: only what is still within 90 days, from memory.
        var later = Now.AddDays(75) - QuestionGroups.Window;
        var moved = await RecentAsync(since: later, limit: 5);
        Assert.That(moved.Select(q => q.Id), Is.EqualTo(new[] { "d0", "d10" }));
        await AssertAsFileAsync(moved, Team, "75 days later", later, 5);
        Assert.That(Questions.Recent.WindowReads, Is.EqualTo(1));

        // A longer read, then an earlier window: neither can be answered from the five held.
        await AssertAsFileAsync(await RecentAsync(limit: 8), Team, "eight", limit: 8);
        var earlier = Now.AddDays(-30) - QuestionGroups.Window;
        var wide = await RecentAsync(since: earlier, limit: 20);
        Assert.That(wide.Select(q => q.Id).Last(), Is.EqualTo("d110"));
        await AssertAsFileAsync(wide, Team, "an earlier window", earlier, 20);
        Assert.That(Questions.Recent.WindowReads, Is.EqualTo(3));
    }

    [Test]
    public async Task A_window_start_finer_than_a_millisecond_keeps_the_question_of_its_millisecond_as_the_file_read_does()
    {
        // The host's window starts at TimeProvider's now minus 90 days, in 100 ns ticks; the file keeps milliseconds, and its
        // read (created_at >= the start in ms) keeps a question of that very millisecond. Memory must answer the same.
        var random = new Random(14);
        var edge = Now - QuestionGroups.Window;
        var since = edge + TimeSpan.FromTicks(4_000); // 0.4 ms into the window's first millisecond
        await Questions.AddAsync(Question("newer", Team, "ann", "where is the on-call rota", Now.AddDays(-1), Vector(random)), default);
        await Questions.AddAsync(Question("edge", Team, "bo", "who owns the billing dashboard", edge, Vector(random)), default);

        var first = await RecentAsync(since: since);
        Assert.That(first.Select(q => q.Id), Is.EqualTo(new[] { "newer", "edge" }), "the window read");
        await AssertAsFileAsync(first, Team, "first read", since);

        // Merged in by rowid (not a window read): the same millisecond, the same answer.
        await Questions.AddAsync(Question("edge2", Team, "cy", "who owns the billing dashboard now", edge, Vector(random)), default);
        var merged = await RecentAsync(since: since);
        Assert.That(merged.Select(q => q.Id), Is.EqualTo(new[] { "newer", "edge", "edge2" }), "merged from memory");
        await AssertAsFileAsync(merged, Team, "merged", since);
        Assert.That(Questions.Recent.WindowReads, Is.EqualTo(1), "the second read came from memory");

        // The uncached read (more than CachedReadLimit rows) of the same window agrees.
        var uncached = await Questions.ListSinceAsync(Team, since, SqliteQuestionRepository.CachedReadLimit + 1, default);
        Assert.That(uncached.Select(q => q.Id).Order(), Is.EqualTo(merged.Select(q => q.Id).Order()));
    }

    [Test]
    public async Task Inside_a_unit_of_work_its_own_uncommitted_question_is_seen_and_never_kept_after_a_rollback()
    {
        var random = new Random(13);
        var database = _services.GetRequiredService<SqliteDatabase>();
        await Questions.AddAsync(Question("first", Team, "ann", "how do I reset my vpn password", Now.AddMinutes(-5), Vector(random)), default);
        await RecentAsync(); // held here

        IReadOnlyList<AskedQuestion> inside = [];
        await database.InOneTransactionAsync(async ct =>
        {
            await Questions.AddAsync(Question("undone", Team, "bo", "how do I reset my vpn password", Now.AddMinutes(-2), Vector(random)), ct);
            inside = await RecentAsync();
            return (0, false);
        }, default);
        Assert.That(inside.Select(q => q.Id), Is.EqualTo(new[] { "undone", "first" }), "the unit sees its own write");

        // The next row takes the rolled-back row's rowid: it must still be read as new.
        await Questions.AddAsync(Question("next", Team, "cy", "how do I reset my vpn password", Now.AddMinutes(-1), Vector(random)), default);
        var read = await RecentAsync();
        Assert.That(read.Select(q => q.Id), Is.EqualTo(new[] { "next", "first" }));
        await AssertAsFileAsync(read, Team, "after the rollback");
    }

    [Test]
    public async Task Past_the_bound_on_teams_the_team_read_longest_ago_is_dropped_and_read_from_the_file_again()
    {
        var random = new Random(14);
        var teams = Enumerable.Range(0, RecentQuestionCache.DefaultMaxTeams + 1).Select(i => $"team-{i:D3}").ToList();
        foreach (var team in teams)
        {
            await Questions.AddAsync(Question("q-" + team, team, "ann", "how do I rotate the staging database password", Now.AddMinutes(-3),
                Vector(random)), default);
            await RecentAsync(team: team);
        }

        Assert.That(Questions.Recent.Of(teams[0]), Is.Null, "the team read longest ago is no longer held");
        Assert.That(Questions.Recent.Of(teams[1]), Is.Not.Null);
        Assert.That(Questions.Recent.Count, Is.EqualTo(RecentQuestionCache.DefaultMaxTeams));

        await Questions.AddAsync(Question("q2-" + teams[0], teams[0], "bo", "who rotates the staging database password", Now.AddMinutes(-1),
            Vector(random)), default);
        var read = await RecentAsync(team: teams[0]);
        Assert.That(read.Select(q => q.Id), Is.EqualTo(new[] { "q2-" + teams[0], "q-" + teams[0] }));
        await AssertAsFileAsync(read, teams[0], "after it was dropped");
        Assert.That(Questions.Recent.WindowReads, Is.EqualTo(teams.Count + 1), "read from the file again");
    }

    /// <summary>The ids of the questions held in memory for <paramref name="team"/>.</summary>
    private IEnumerable<string> Held(string team) => Questions.Recent.Of(team)?.NewestFirst.Select(h => h.Question.Id) ?? [];

    /// <summary>Every question of the read equals its row in the file, vector included, and the read holds every row of the window.</summary>
    private async Task AssertAsFileAsync(IReadOnlyList<AskedQuestion> read, string team, string when, DateTimeOffset? since = null,
        int limit = QuestionMatcher.RecentQuestions)
    {
        await using var connection = new SqliteConnection($"Data Source={_directory.File("questions.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
                              SELECT id, asker_id, text, answered, group_id, embedding, embedding_model, top_answer_id, verdict
                              FROM questions WHERE team_id = $t AND created_at >= $since ORDER BY created_at DESC, rowid LIMIT $limit
                              """;
        command.Parameters.AddWithValue("$limit", limit);
        command.Parameters.AddWithValue("$t", team);
        command.Parameters.AddWithValue("$since", (since ?? Now - QuestionGroups.Window).ToUnixTimeMilliseconds());
        var rows = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var vector = reader.IsDBNull(5) ? "none" : Convert.ToBase64String((byte[])reader.GetValue(5));
                rows.Add(string.Join('|', reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3),
                    reader.IsDBNull(4) ? "" : reader.GetString(4), vector, reader.IsDBNull(6) ? "" : reader.GetString(6),
                    reader.IsDBNull(7) ? "" : reader.GetString(7), (AnswerVerdict)reader.GetInt32(8)));
            }
        }

        var returned = read.Select(q => string.Join('|', q.Id, q.AskerId, q.Text, q.Answered, q.GroupId ?? "",
            q.Embedding is { } v ? Convert.ToBase64String(Vectors.ToBytes(v)) : "none", q.EmbeddingModel ?? "", q.TopAnswerId ?? "", q.Verdict)).ToList();
        Assert.That(returned, Is.EqualTo(rows), when);
    }

    private static AskedQuestion Question(string id, string team, string asker, string text, DateTimeOffset at, float[]? vector) =>
        new(id, team, asker, text, false, at, "key-" + id) { Embedding = vector, EmbeddingModel = vector is null ? null : Model };

    private static float[] Vector(Random random)
    {
        var v = Enumerable.Range(0, 384).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var length = (float)Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => x / length).ToArray();
    }
}
