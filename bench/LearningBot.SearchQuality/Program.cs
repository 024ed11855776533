using System.Diagnostics;
using System.Globalization;
using LearningBot.Core;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Storage;
using LearningBot.Embeddings;
using LearningBot.SearchQuality;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using LearningBot.Storage.Sqlite.Knowledge.Semantic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Usage: LearningBot.SearchQuality [--corpus corpus.jsonl] [--queries queries.jsonl] [--models MiniLM,ArcticXs] [--sweep] [--explore]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length && !args[p.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[p.i + 1] : "true");
var data = options.GetValueOrDefault("data", "/work/shared/data/stackfaq");
var set = EvaluationSet.Load(options.GetValueOrDefault("corpus", Path.Combine(data, "corpus.jsonl")),
    options.GetValueOrDefault("queries", Path.Combine(data, "queries.jsonl")));
var models = options.GetValueOrDefault("models", "MiniLM,ArcticXs").Split(',', StringSplitOptions.RemoveEmptyEntries);
Console.WriteLine($"{set.Corpus.Count} posts, {set.Queries.Count} queries; thread-level hits (any post in 'relevant'); MRR over the top 10");
Console.WriteLine();

const string Team = "quality";
var rows = new List<(string Name, Scores Scores)>();
var modelRows = new List<string>();
var lexicalDone = false;
foreach (var model in models)
{
    using var folder = new TempFolder();
    var memoryBefore = Process.GetCurrentProcess().WorkingSet64;
    await using var services = Services(Path.Combine(folder.Path, "quality.db"), model);
    foreach (var initializer in services.GetServices<IStorageInitializer>())
    {
        await initializer.InitializeAsync(default);
    }

    var load = Stopwatch.StartNew();
    var embedder = services.GetRequiredService<IQueryEmbedder>();
    await embedder.EmbedAsync("warm up", default);
    load.Stop();

    // Through the real repository, as `share` stores them.
    var knowledge = services.GetRequiredService<IKnowledgeRepository>();
    var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    foreach (var post in set.Corpus)
    {
        await knowledge.AddAsync(new KnowledgePost(post.Id, Team, "author", post.Question, post.Answer, [], at, post.Id), default);
    }

    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var drain = Stopwatch.StartNew();
    var embedded = await services.GetRequiredService<EmbeddingWorker>().DrainAsync(default);
    drain.Stop();
    var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;

    var index = services.GetRequiredService<ISearchIndex>();
    var database = services.GetRequiredService<SqliteDatabase>();
    var cache = services.GetRequiredService<SqliteVectorCache>();
    var embeddingOnly = new SqliteSearchIndex(database, cache, embedder, new HybridFusion(60, 0, 1, -1, 50));
    var hybrid = new Scores();
    var lexical = new Scores();
    var semantic = new Scores();
    var latencies = new List<double>();
    var lexicalLists = new List<IReadOnlyList<string>>();
    var semanticLists = new List<IReadOnlyList<(string Id, double Similarity)>>();
    var queryVectors = new List<ReadOnlyMemory<float>?>();
    foreach (var query in set.Queries)
    {
        var clock = Stopwatch.StartNew();
        var vector = await embedder.EmbedAsync(query.Text, default);
        latencies.Add(clock.Elapsed.TotalMilliseconds);
        queryVectors.Add(vector);
        // As AskHandler asks (knowledge and learnings, the query's embedding), with a longer list for MRR.
        var asked = new SearchQuery(Team, query.Text, [SearchKind.Knowledge, SearchKind.Learning], 10) { Embedding = vector };
        hybrid.Add((await index.SearchAsync(asked, default)).Select(h => h.Id).ToList(), query.Relevant);
        var semanticHits = await embeddingOnly.SearchAsync(asked with { Limit = 50 }, default);
        semantic.Add(semanticHits.Take(10).Select(h => h.Id).ToList(), query.Relevant);
        semanticLists.Add(semanticHits.Where(h => h.Similarity is not null).Select(h => (h.Id, h.Similarity!.Value)).ToList());
        var lexicalHits = (await index.SearchAsync(asked with { Embedding = null, Limit = 50 }, default)).Select(h => h.Id).ToList();
        lexical.Add(lexicalHits.Take(10).ToList(), query.Relevant);
        lexicalLists.Add(lexicalHits);
    }

    var modelId = embedder.ModelId;
    rows.Add(($"ask: hybrid ({modelId})", hybrid));
    if (!lexicalDone)
    {
        rows.Add(("lexical only (FTS5 BM25: the old ask)", lexical));
        using var lucene = new LuceneBaseline(set.Corpus);
        var peer = new Scores();
        foreach (var query in set.Queries)
        {
            peer.Add(lucene.Search(query.Text, 10), query.Relevant);
        }

        rows.Add(("Lucene.Net 4.8 BM25, EnglishAnalyzer", peer));
        lexicalDone = true;
    }

    rows.Add(($"embedding only ({modelId}, int8)", semantic));
    var generator = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
    if (options.ContainsKey("explore"))
    {
        await Exploration.RunAsync(set, generator, queryVectors, lexicalLists, rows, modelId!);
    }

    if (options.ContainsKey("sweep"))
    {
        Exploration.Sweep(set, lexicalLists, semanticLists, modelId!);
    }

    latencies.Sort();
    GC.Collect();
    var memory = (Process.GetCurrentProcess().WorkingSet64 - memoryBefore) / 1e6;
    var package = PackageMegabytes("sentencetransformers." + model.ToLowerInvariant());
    modelRows.Add($"{modelId,-26} {load.Elapsed.TotalMilliseconds,8:F0} {latencies[latencies.Count / 2],7:F1} {latencies[(int)(latencies.Count * 0.95)],7:F1} " +
                  $"{embedded / cpuSeconds,9:F1} {embedded / drain.Elapsed.TotalSeconds,8:F1} {memory,8:F0} {package,8:F0}  Apache-2.0 model, MIT package");
}

Console.WriteLine($"{"row",-44} {"first",7} {"top 3",7} {"MRR",6}");
foreach (var (name, scores) in rows)
{
    Console.WriteLine($"{name,-44} {scores}");
}

Console.WriteLine();
Console.WriteLine($"{"model",-26} {"load ms",8} {"q p50",7} {"q p95",7} {"docs/s/cpu",9} {"docs/s",8} {"+WS MB",8} {"nupkg MB",8}  licence");
foreach (var row in modelRows)
{
    Console.WriteLine(row);
}

return;

static ServiceProvider Services(string databasePath, string model)
{
    var configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Search:Embeddings:Provider"] = model })
        .Build();
    var services = new ServiceCollection();
    services.AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
    services.AddLearningBotCore();
    services.AddSqliteStorage(databasePath);
    services.AddLearningBotEmbeddings(configuration);
    return services.BuildServiceProvider();
}

static double PackageMegabytes(string id)
{
    var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
               ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    var file = Directory.Exists(Path.Combine(root, id))
        ? Directory.EnumerateFiles(Path.Combine(root, id), "*.nupkg", SearchOption.AllDirectories).FirstOrDefault()
        : null;
    return file is null ? double.NaN : new FileInfo(file).Length / 1e6;
}

internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("search-quality-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}
