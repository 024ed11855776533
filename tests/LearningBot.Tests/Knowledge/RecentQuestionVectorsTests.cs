using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Privacy;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Knowledge;

/// <summary>
/// The recent questions <c>ask</c> groups a new question with, read with their vectors from memory
/// (<see cref="QuestionVectors"/>) instead of from the file: on a real SQLite file, every read must return exactly what the file
/// holds (each row, each vector bit for bit), for one team only, and follow every change made by this process, another process,
/// <c>forget me</c>, verdicts, the 90-day window and a rolled-back write.
/// </summary>
public sealed class RecentQuestionVectorsTests
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

    private Task<IReadOnlyList<AskedQuestion>> RecentAsync(SqliteQuestionRepository? questions = null, string team = Team) =>
        (questions ?? Questions).ListSinceAsync(team, Now - QuestionGroups.Window, QuestionMatcher.RecentQuestions, default);

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
        Assert.That(Questions.RecentVectors.Of(Team).Keys, Is.EquivalentTo((await RecentAsync()).Select(q => q.Id)), "held: this team's read only");
        Assert.That(Questions.RecentVectors.Of("globex").Keys, Is.EquivalentTo((await RecentAsync(team: "globex")).Select(q => q.Id)));
        var globex = Enumerable.Range(0, 40).Where(i => i % 4 == 3).Select(i => $"q{i}").ToList();
        Assert.That(Questions.RecentVectors.Of(Team).Keys.Intersect(globex), Is.Empty, "globex's questions are never held for acme");
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
        Assert.That(Questions.RecentVectors.Of(Team).Keys, Is.EquivalentTo(new[] { "cy1", "bo1", "ann1" }));

        await Questions.SetVerdictAsync(Team, "cy1", "post-1", AnswerVerdict.NotIt, default);
        await _services.GetRequiredService<IPersonalDataStore>().ForgetAsync(Team, "bo", keepSharedAnswers: true, Now, default);

        var after = await RecentAsync();
        Assert.That(after.Select(q => q.Id), Is.EqualTo(new[] { "cy1", "ann1" }));
        Assert.That(after[0].Verdict, Is.EqualTo(AnswerVerdict.NotIt));
        Assert.That(after[0].TopAnswerId, Is.EqualTo("post-1"));
        await AssertAsFileAsync(after, Team, "after forget me and a verdict");
        Assert.That(Questions.RecentVectors.Of(Team).Keys, Is.EquivalentTo(new[] { "cy1", "ann1" }), "bo's vector is not kept");
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
        Assert.That(Questions.RecentVectors.Of(Team).Keys, Is.EquivalentTo(new[] { "kept" }));
    }

    /// <summary>Every question of the read equals its row in the file, vector included, and the read holds every row of the window.</summary>
    private async Task AssertAsFileAsync(IReadOnlyList<AskedQuestion> read, string team, string when)
    {
        await using var connection = new SqliteConnection($"Data Source={_directory.File("questions.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
                              SELECT id, asker_id, text, answered, group_id, embedding, embedding_model, top_answer_id, verdict
                              FROM questions WHERE team_id = $t AND created_at >= $since ORDER BY created_at DESC
                              """;
        command.Parameters.AddWithValue("$t", team);
        command.Parameters.AddWithValue("$since", (Now - QuestionGroups.Window).ToUnixTimeMilliseconds());
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
