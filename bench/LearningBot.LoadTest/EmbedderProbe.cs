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
    public static TimeSpan Cpu(int pid) =>
        TimeSpan.FromSeconds(Threads(pid).Values.Where(t => t.Name == ThreadName).Sum(t => t.Ticks) / 100.0);

    /// <summary>
    /// The host's live threads: id → name (<c>comm</c>, e.g. <c>.NET TP Worker</c>, <c>.NET Server GC</c>, <c>lb-embedder</c>) and
    /// user + system CPU ticks (1/100 s). Read at both ends of a phase, they show where the chat path's CPU goes and whether any
    /// thread besides the embedder (a native library's own threads, GC threads) grows with the model on.
    /// </summary>
    public static Dictionary<int, (string Name, long Ticks)> Threads(int pid)
    {
        var threads = new Dictionary<int, (string, long)>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    // After the ")" that closes the name: utime and stime are fields 14 and 15 of the line.
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (name,
                        long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
                {
                    // the thread ended meanwhile
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the process is gone
        }

        return threads;
    }

    /// <summary>
    /// CPU per request by thread name between two <see cref="Threads"/> readings, most first (<c>.NET TP Worker 1.52,
    /// .NET Server GC 0.31, …</c>), threads that started meanwhile counted whole; what threads that ended meanwhile used is the
    /// rest of the process's CPU (<paramref name="processCpu"/>), shown as "ended threads". Names under 0.01 ms are left out.
    /// </summary>
    public static string Split(IReadOnlyDictionary<int, (string Name, long Ticks)> before, IReadOnlyDictionary<int, (string Name, long Ticks)> after,
        TimeSpan processCpu, int requests)
    {
        if (requests <= 0)
        {
            return string.Empty;
        }

        var byName = after
            .GroupBy(t => t.Value.Name)
            .Select(g => (Name: g.Key, Ms: g.Sum(t => t.Value.Ticks - (before.TryGetValue(t.Key, out var b) ? b.Ticks : 0)) * 10.0 / requests))
            .ToList();
        var ended = processCpu.TotalMilliseconds / requests - byName.Sum(t => t.Ms);
        byName.Add(("ended threads", ended));
        return string.Join(", ", byName.Where(t => t.Ms >= 0.01).OrderByDescending(t => t.Ms)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Ms:F2}")));
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
