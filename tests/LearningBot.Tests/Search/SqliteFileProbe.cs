using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace LearningBot.Tests.Search;

/// <summary>
/// What the host-level search tests need from outside the host: a count read straight from its SQLite file (a connection of the
/// test's own, unpooled, so the host's connections and caches are not involved) and a wait for the background embedder.
/// </summary>
internal static class SqliteFileProbe
{
    /// <summary>The first column of the first row of <paramref name="sql"/> on the file at <paramref name="path"/>, as a long.</summary>
    public static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Polls <paramref name="condition"/> every <paramref name="poll"/> until it holds; fails the test, naming
    /// <paramref name="what"/>, once <paramref name="within"/> has passed.</summary>
    public static async Task WaitAsync(Func<bool> condition, string what, TimeSpan within, TimeSpan poll)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(clock.Elapsed, Is.LessThan(within), what);
            await Task.Delay(poll);
        }
    }
}
