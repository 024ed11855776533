using System.Globalization;
using Microsoft.Data.Sqlite;

namespace LearningBot.LoadTest;

/// <summary>
/// Splits the host's CPU into the background embedder and the rest ("chat path"): the embedder runs the model on one thread
/// named <c>lb-embedder</c> (EmbeddingWorker.ThreadName), whose CPU time Linux reports in <c>/proc/PID/task/TID/stat</c>;
/// and counts the vectors it wrote to the SQLite file, for documents per embedder CPU-second.
/// </summary>
public static class EmbedderProbe
{
    /// <summary>The host's embedding thread, as <c>comm</c> shows it (Linux keeps 15 characters).</summary>
    public const string ThreadName = "lb-embedder";

    /// <summary>User + system CPU time of the host's threads named <see cref="ThreadName"/> (zero when there is none).</summary>
    public static TimeSpan Cpu(int pid)
    {
        long ticks = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != ThreadName)
                    {
                        continue;
                    }

                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    // After the ")" that closes the name: utime and stime are fields 14 and 15 of the line.
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // the thread ended meanwhile
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the process is gone
        }

        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>Vectors in the host's SQLite file (<c>search_vectors</c>), or 0 when there is no file or table yet.</summary>
    public static long Embedded(string? databasePath)
    {
        if (databasePath is null || !File.Exists(databasePath))
        {
            return 0;
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = databasePath,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM search_vectors";
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0; // no such table (an older host), or busy: counted as nothing embedded
        }
    }
}
