using LearningBot.Core.Learnings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Learnings;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Storage;

/// <summary>
/// <c>me</c>'s counts (issue 18) read only the person's range of the covering index <c>ix_learnings_user_marks</c>, twice (all
/// time, and from the month's start), never table rows and never another person's entries: SQLite's own plan (EXPLAIN QUERY PLAN)
/// on a real file the bot migrated and filled with several people's learnings in two teams.
/// </summary>
public sealed class SqliteLearningPlanTests
{
    private TempDirectory _directory = null!;
    private ServiceProvider _services = null!;

    [SetUp]
    public async Task Start()
    {
        _directory = new TempDirectory();
        _services = new ServiceCollection().AddLogging().AddSqliteStorage(_directory.File("plans.db")).BuildServiceProvider();
        await _services.GetRequiredService<SqliteDatabase>().InitializeAsync(default);
        var learnings = _services.GetRequiredService<ILearningRepository>();
        var now = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 400; i++)
        {
            await learnings.AddAsync(new LearningEntry($"l{i}", i % 4 == 0 ? "globex" : "acme", $"u{i % 9}", $"how the planner picks index {i}",
                ["sqlite"], i % 3 == 0 ? null : 15, now.AddHours(-i * 5), $"key-{i}") { IsPrivate = i % 7 == 0 }, default);
        }

        await using var connection = new SqliteConnection($"Data Source={_directory.File("plans.db")};Pooling=False");
        await connection.OpenAsync();
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        await analyze.ExecuteNonQueryAsync();
    }

    [TearDown]
    public async Task Stop()
    {
        SqliteDatabase.ClearPools();
        await _services.DisposeAsync();
        _directory.Dispose();
    }

    [Test]
    public async Task Mes_all_time_and_month_counts_read_the_persons_covering_index_range_twice_and_no_table_rows()
    {
        var plan = await PlanAsync(SqliteLearningRepository.TalliesSql, ("$teamId", "acme"), ("$userId", "u1"), ("$since", 0L));

        var lines = plan.Split('\n').Where(l => l.Contains("learnings", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(2), plan);
        Assert.That(lines[0], Does.EndWith("USING COVERING INDEX ix_learnings_user_marks (team_id=? AND user_id=?)"), plan);
        Assert.That(lines[1], Does.EndWith("USING COVERING INDEX ix_learnings_user_marks (team_id=? AND user_id=? AND created_at>?)"), plan);
        Assert.That(plan, Does.Not.Contain("SCAN learnings"), "never a walk of the table or of another index");
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
