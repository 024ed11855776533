using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using LearningBot.Benchmarks.Corpus;
using LearningBot.Embeddings;

namespace LearningBot.Benchmarks.Semantic;

/// <summary>
/// <c>-- --host-footprint [--asks 300] [--data folder]</c>: the real web host (the built <c>LearningBot.Web.dll</c>, Production
/// environment, playground on) in a process of its own on a copy of the vector corpus (<see cref="SemanticCorpus"/>), once for each
/// <c>Search__Embeddings__Provider</c> in <c>--providers</c> (default <c>MiniLMInt8,MiniLM,None</c>). Reports the time from process start to the first 200 from
/// <c>/health/ready</c>, the first <c>ask</c> (it reads every vector into memory), then <c>ask</c> over HTTP for real stackfaq
/// questions, and the host's resident memory from <c>/proc/PID/status</c> (VmRSS now, VmHWM the peak). <c>MiniLM</c> runs with
/// <c>Search__Embeddings__QueryPrecision=Float32</c> (one model), <c>MiniLM+Int8Queries</c> with <c>Int8</c> (both models loaded),
/// <c>MiniLM+Q2</c> with <c>Search__Embeddings__QueryThreads=2</c> (a second float32 session for queries); the others with 1.
/// </summary>
internal static class HostFootprint
{
    public static async Task RunAsync(string[] args)
    {
        var asks = int.Parse(SemanticScale.Option(args, "--asks") ?? "300", CultureInfo.InvariantCulture);
        var data = SemanticScale.Option(args, "--data") ?? VectorPool.DefaultData;
        string cached;
        using (var model = SentenceEmbeddingGenerator.Load(EmbeddingProviders.MiniLM, intraOpThreads: 1))
        {
            (cached, var report) = await SemanticCorpus.EnsureAsync(model, data);
            Console.WriteLine(report);
        }

        var solution = Directory.GetParent(CorpusDatabase.ArtifactsDirectory)!.Parent!.FullName;
        var dll = Path.Combine(solution, "src", "LearningBot.Web", "bin", "Release", "net10.0", "LearningBot.Web.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"Build the host first: dotnet build src/LearningBot.Web -c Release ({dll} is missing).");
        }

        var questions = VectorPool.ReadQueries(data).ToArray();
        new Random(5).Shuffle(questions);
        Console.WriteLine($"{Environment.ProcessorCount} logical cores, .NET {Environment.Version}, {DateTimeOffset.UtcNow:u}, load {SemanticScale.Load()}");
        Console.WriteLine("| Search__Embeddings__Provider | start → /health/ready (ms) | first ask (ms) | ask p50 / p95 over HTTP (ms) | VmRSS after asks (MB) | VmHWM peak (MB) | /health search |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|---|");
        // --providers: the host's Search__Embeddings__Provider values to measure, one host after another.
        var providers = (SemanticScale.Option(args, "--providers") ?? $"{EmbeddingProviders.MiniLMInt8},{EmbeddingProviders.MiniLM},{EmbeddingProviders.None}")
            .Split(',', StringSplitOptions.RemoveEmptyEntries);
        foreach (var provider in providers)
        {
            Console.WriteLine(await MeasureAsync(dll, cached, provider, questions.Take(asks).ToArray()));
        }

        Console.WriteLine($"load at the end {SemanticScale.Load()}");
    }

    private static async Task<string> MeasureAsync(string dll, string cached, string provider, string[] questions)
    {
        var database = Path.Combine(CorpusDatabase.ArtifactsDirectory, $"host-{provider}-{Environment.ProcessId}.db");
        // The vectors under the provider's model id: the host then finds nothing to re-embed (with None they are not read).
        var int8Queries = provider == ProviderComparison.Int8Queries;
        // <provider>+Q<n>: that provider with Search__Embeddings__QueryThreads=n (e.g. MiniLM+Q2).
        var threads = System.Text.RegularExpressions.Regex.Match(provider, @"^(\w+)\+Q([1-4])$");
        var setting = int8Queries ? EmbeddingProviders.MiniLM : threads.Success ? threads.Groups[1].Value : provider;
        await SemanticCorpus.CopyForModelAsync(cached, database,
            EmbeddingProviders.ModelIds.TryGetValue(setting, out var modelId) ? modelId : EmbeddingProviders.ModelIds[EmbeddingProviders.MiniLM]);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Playground__Enabled"] = "true";
        start.Environment["Dashboard__SigningKey"] = new string('k', 40);
        start.Environment["Storage__Sqlite__Path"] = database;
        start.Environment["Search__Embeddings__Provider"] = setting;
        start.Environment["Search__Embeddings__QueryPrecision"] = int8Queries ? "Int8" : "Float32";
        start.Environment["Search__Embeddings__QueryThreads"] = threads.Success ? threads.Groups[2].Value : "1";
        var log = Path.Combine(CorpusDatabase.ArtifactsDirectory, $"host-{provider}.log");
        await using var logWriter = new StreamWriter(log) { AutoFlush = true };

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => { lock (logWriter) { logWriter.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (logWriter) { logWriter.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            var ready = await ReadyAsync(http, process, clock, log);
            var health = await http.GetStringAsync("/health");
            var search = System.Text.Json.JsonDocument.Parse(health).RootElement.TryGetProperty("search", out var s) ? s.ToString() : "?";

            var first = Stopwatch.StartNew();
            await AskAsync(http, "how do I rotate the staging database password");
            var firstAsk = first.Elapsed.TotalMilliseconds;
            var times = new List<double>(questions.Length);
            foreach (var question in questions)
            {
                var one = Stopwatch.StartNew();
                await AskAsync(http, question);
                times.Add(one.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            var (rss, peak) = Memory(process.Id);
            return string.Create(CultureInfo.InvariantCulture,
                $"| {provider} | {ready:F0} | {firstAsk:F0} | {times[times.Count / 2]:F1} / {times[(int)(times.Count * 0.95)]:F1} | {rss:F0} | {peak:F0} | {search} |");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            CorpusDatabase.DeleteDatabase(database);
        }
    }

    private static async Task<double> ReadyAsync(HttpClient http, Process process, Stopwatch clock, string log)
    {
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {process.ExitCode}; see {log}.");
            }

            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return clock.Elapsed.TotalMilliseconds;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"The host was not ready within 3 minutes; see {log}.");
    }

    private static async Task AskAsync(HttpClient http, string question)
    {
        using var response = await http.PostAsJsonAsync("/api/playground", new { team = "bench-team", user = "ann", text = "ask " + question });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || !body.Contains("\"text\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"ask answered {(int)response.StatusCode}: {body}");
        }
    }

    /// <summary>VmRSS and VmHWM of a process, in MB (from kB).</summary>
    private static (double Rss, double Peak) Memory(int pid)
    {
        double Read(string key) => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(key + ":", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).First();
        return (Read("VmRSS"), Read("VmHWM"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
