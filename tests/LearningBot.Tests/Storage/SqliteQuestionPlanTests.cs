using LearningBot.Core.Knowledge;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Storage;

/// <summary>
/// The three reads behind <c>ask</c>'s recent questions touch only the rows they return, on a real file the bot migrated and
/// filled (several teams, questions with vectors): SQLite's own plan (EXPLAIN QUERY PLAN) for each. Each rule was a measured cost
/// on the 100,000 + 100,000 benchmark file (docs/performance.md): sorting the window (10 ms instead of 1), walking the team's
/// index to find a few vectors by id (9.5 ms instead of 0.03), or walking it to find the rows written since the last read.
/// </summary>
public sealed class SqliteQuestionPlanTests
{
    private TempDirectory _directory = null!;
    private ServiceProvider _services = null!;

    [SetUp]
    public async Task Start()
    {
        _directory = new TempDirectory();
        _services = new ServiceCollection().AddLogging().AddSqliteStorage(_directory.File("plans.db")).BuildServiceProvider();
        await _services.GetRequiredService<SqliteDatabase>().InitializeAsync(default);
        var questions = _services.GetRequiredService<IQuestionRepository>();
        var now = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 300; i++)
        {
            await questions.AddAsync(new AskedQuestion($"q{i}", i % 3 == 0 ? "globex" : "acme", $"u{i % 7}", $"how do I rotate key {i}", false,
                now.AddMinutes(-i), $"key-{i}") { Embedding = new float[384], EmbeddingModel = "all-MiniLM-L6-v2" }, default);
        }
    }

    [TearDown]
    public async Task Stop()
    {
        await _services.DisposeAsync();
        _directory.Dispose();
    }

    [Test]
    public async Task The_window_is_read_in_the_team_index_order_and_stops_at_the_limit_without_sorting()
    {
        var plan = await PlanAsync(SqliteQuestionRepository.WindowSql, ("$teamId", "acme"), ("$since", 0L), ("$limit", 500));
        Assert.That(plan, Does.Contain("USING INDEX ix_questions_team_time"));
        Assert.That(plan, Does.Not.Contain("TEMP B-TREE"), "no sort of the window");
    }

    [Test]
    public async Task Rows_written_since_the_last_read_are_found_by_rowid_not_by_walking_the_team()
    {
        var plan = await PlanAsync(SqliteQuestionRepository.AddedSql, ("$after", 290L), ("$teamId", "acme"));
        Assert.That(plan, Does.Contain("USING INTEGER PRIMARY KEY (rowid>?)"));
    }

    [Test]
    public async Task Vectors_not_held_are_read_by_primary_key_not_by_walking_the_team()
    {
        var plan = await PlanAsync(SqliteQuestionRepository.VectorsSql, ("$ids", "[\"q1\",\"q2\"]"), ("$teamId", "acme"));
        Assert.That(plan, Does.Contain("sqlite_autoindex_questions_1 (id=?)"));
        Assert.That(plan, Does.Not.Contain("ix_questions_team_time"));
    }

    private async Task<string> PlanAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={_directory.File("plans.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(3));
        }

        return string.Join('\n', lines);
    }
}
