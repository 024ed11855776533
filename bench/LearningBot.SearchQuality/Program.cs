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

// Usage: LearningBot.SearchQuality [--data folder | --corpus corpus.jsonl --queries queries.jsonl] [--models MiniLM,MiniLMInt8,ArcticXs] [--int8-queries]  (--int8-queries: + the MiniLM rows with int8 queries, the host's QueryPrecision=Int8 mode)
//        [--sweep] [--explore] [--no-cache] [--cost-queries 200] [--cost-documents 128]
//        [--who-knows] [--who-knows-only]  (+ the `who knows` rows, WhoKnowsQuality, for the first model; --who-knows-only: those rows alone)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length && !args[p.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[p.i + 1] : "true");
var data = options.GetValueOrDefault("data", "/work/shared/data/stackfaq");
var set = EvaluationSet.Load(options.GetValueOrDefault("corpus", Path.Combine(data, "corpus.jsonl")),
    options.GetValueOrDefault("queries", Path.Combine(data, "queries.jsonl")));
var models = options.GetValueOrDefault("models", "MiniLM,ArcticXs").Split(',', StringSplitOptions.RemoveEmptyEntries);
var useCache = !options.ContainsKey("no-cache");
var costQueries = int.Parse(options.GetValueOrDefault("cost-queries", "200"), CultureInfo.InvariantCulture);
var costDocuments = int.Parse(options.GetValueOrDefault("cost-documents", "128"), CultureInfo.InvariantCulture);
Console.WriteLine($"{set.Corpus.Count} posts, {set.Queries.Count} queries; thread-level hits (any post in 'relevant'); MRR over the top 10");
Console.WriteLine($"started {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
Console.WriteLine();

const string Team = "quality";
var rows = new List<(string Name, Scores Scores)>();
var modelRows = new List<string>();
var lexicalDone = false;
var total = Stopwatch.StartNew();
if (options.ContainsKey("who-knows-only"))
{
    // Only the `who knows` rows: the first model, behind the embedding cache as below; no ask rows, no cost rows.
    using var folder = new TempFolder();
    using var bare = SentenceEmbeddingGenerator.Load(models[0], intraOpThreads: 1);
    using var cache = useCache ? new EmbeddingFileCache(EmbeddingFileCache.DefaultPath(models[0])) : null;
    var generator = cache is null ? (IEmbeddingGenerator<string, Embedding<float>>)bare : bare.AsBuilder().UseDistributedCache(cache).Build();
    await WhoKnowsQuality.RunAsync(set, models[0], generator, folder.Path);
    Console.WriteLine($"finished in {total.Elapsed.TotalMinutes:F1} min, load average {LoadAverage()}");
    return;
}

foreach (var model in models)
{
    // Cost first, on the bare model (never through the cache): load, query latency, documents per CPU-second, memory.
    var cost = await ModelCost.MeasureAsync(model, set, costQueries, costDocuments);
    modelRows.Add(cost.ToString());

    using var folder = new TempFolder();
    using var cache = useCache ? new EmbeddingFileCache(EmbeddingFileCache.DefaultPath(model)) : null;
    IEmbeddingGenerator<string, Embedding<float>> generator = cache is null
        ? cost.Generator
        : cost.Generator.AsBuilder().UseDistributedCache(cache).Build();
    await using var services = Services(Path.Combine(folder.Path, "quality.db"), model, generator);
    foreach (var initializer in services.GetServices<IStorageInitializer>())
    {
        await initializer.InitializeAsync(default);
    }

    var embedder = services.GetRequiredService<IQueryEmbedder>();

    // Through the real repository, as `share` stores them, and the real background embedder.
    var knowledge = services.GetRequiredService<IKnowledgeRepository>();
    var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    foreach (var post in set.Corpus)
    {
        await knowledge.AddAsync(new KnowledgePost(post.Id, Team, "author", post.Question, post.Answer, [], at, post.Id), default);
    }

    var drain = Stopwatch.StartNew();
    await services.GetRequiredService<EmbeddingWorker>().DrainAsync(default);
    drain.Stop();

    var index = services.GetRequiredService<ISearchIndex>();
    var embeddingOnly = new SqliteSearchIndex(services.GetRequiredService<SqliteDatabase>(), services.GetRequiredService<SqliteVectorCache>(),
        embedder, new HybridFusion(60, 0, 1, -1, 50));
    var modelId = embedder.ModelId!;
    // The product's query embedder puts the model's query prefix (ModelProfile.QueryPrefix: arctic-embed's) before each query.
    var label = modelId;
    var hybrid = new Scores();
    var lexical = new Scores();
    var semantic = new Scores();
    var lists = new List<RankedLists>();
    foreach (var query in set.Queries)
    {
        // As AskHandler asks (abbreviations spelled out, knowledge and learnings, the query's embedding), with a longer list for MRR.
        var text = Abbreviations.Expand(query.Text);
        var vector = await embedder.EmbedAsync(text, default);
        var asked = new SearchQuery(Team, text, [SearchKind.Knowledge, SearchKind.Learning], 10) { Embedding = vector };
        hybrid.Add((await index.SearchAsync(asked, default)).Select(h => h.Id).ToList(), query.Relevant);
        var semanticHits = await embeddingOnly.SearchAsync(asked with { Limit = 50 }, default);
        semantic.Add(semanticHits.Take(10).Select(h => h.Id).ToList(), query.Relevant);
        var lexicalHits = await index.SearchAsync(asked with { Embedding = null, Limit = 50 }, default);
        lexical.Add(lexicalHits.Take(10).Select(h => h.Id).ToList(), query.Relevant);
        lists.Add(new RankedLists(vector, lexicalHits.Select(h => (h.Id, h.Score)).ToList(),
            semanticHits.Where(h => h.Similarity is not null).Select(h => (h.Id, h.Similarity!.Value)).ToList()));
    }

    rows.Add(($"ask: hybrid ({label})", hybrid));
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

    rows.Add(($"embedding only ({label}, int8)", semantic));
    if (options.ContainsKey("int8-queries") && model == EmbeddingProviders.MiniLM)
    {
        // The product's QueryPrecision=Int8 mode: the float32 model's stored documents, each query embedded by MiniLMInt8 through
        // the host's own path (a second bot on the same file, the int8 generator keyed as the host keys it: GeneratorQueryEmbedder,
        // the MiniLMInt8Queries thresholds).
        using var int8Cache = useCache ? new EmbeddingFileCache(EmbeddingFileCache.DefaultPath(EmbeddingProviders.MiniLMInt8)) : null;
        using var int8Model = SentenceEmbeddingGenerator.Load(EmbeddingProviders.MiniLMInt8, 1);
        var int8 = int8Cache is null ? (IEmbeddingGenerator<string, Embedding<float>>)int8Model : int8Model.AsBuilder().UseDistributedCache(int8Cache).Build();
        await using var mixed = Services(Path.Combine(folder.Path, "quality.db"), model, generator, int8);
        var mixedEmbedder = mixed.GetRequiredService<IQueryEmbedder>();
        if (mixedEmbedder.QueryModelId != ModelProfile.MiniLMInt8.ModelId || mixedEmbedder.Thresholds != SimilarityThresholds.MiniLMInt8Queries)
        {
            throw new InvalidOperationException($"int8 queries did not take effect: queries {mixedEmbedder.QueryModelId}, {mixedEmbedder.Thresholds}");
        }

        var mixedIndex = mixed.GetRequiredService<ISearchIndex>();
        var mixedOnly = new SqliteSearchIndex(mixed.GetRequiredService<SqliteDatabase>(), mixed.GetRequiredService<SqliteVectorCache>(),
            mixedEmbedder, new HybridFusion(60, 0, 1, -1, 50));
        var mixedHybrid = new Scores();
        var mixedSemantic = new Scores();
        foreach (var query in set.Queries)
        {
            var vector = await mixedEmbedder.EmbedAsync(query.Text, default);
            var asked = new SearchQuery(Team, query.Text, [SearchKind.Knowledge, SearchKind.Learning], 10) { Embedding = vector };
            mixedHybrid.Add((await mixedIndex.SearchAsync(asked, default)).Select(h => h.Id).ToList(), query.Relevant);
            mixedSemantic.Add((await mixedOnly.SearchAsync(asked, default)).Select(h => h.Id).ToList(), query.Relevant);
        }

        rows.Add(($"ask: hybrid ({label} documents, int8 queries)", mixedHybrid));
        rows.Add(($"embedding only ({label} documents, int8 queries)", mixedSemantic));
    }

    if (options.ContainsKey("explore"))
    {
        await Exploration.RunAsync(set, generator, lists.Select(l => l.Query).ToList(), lists.Select(l => l.LexicalIds).ToList(), rows, label);
    }

    if (options.ContainsKey("who-knows") && model == models[0])
    {
        await WhoKnowsQuality.RunAsync(set, model, generator, folder.Path);
    }

    if (options.ContainsKey("sweep"))
    {
        FusionSweep.Print(set, lists, label);
    }

    if (cache is not null)
    {
        Console.WriteLine($"{modelId}: embedding cache {cache.Path}: {cache.Hits} hits, {cache.Misses} computed; documents drained in {drain.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine();
    }
}

Console.WriteLine($"{"row",-58} {"first",7} {"top 3",7} {"MRR",6}");
foreach (var (name, scores) in rows)
{
    Console.WriteLine($"{name,-58} {scores}");
}

Console.WriteLine();
Console.WriteLine(ModelCost.Header);
foreach (var row in modelRows)
{
    Console.WriteLine(row);
}

Console.WriteLine();
Console.WriteLine($"finished in {total.Elapsed.TotalMinutes:F1} min, load average {LoadAverage()}");
return;

static ServiceProvider Services(string databasePath, string model, IEmbeddingGenerator<string, Embedding<float>> generator,
    IEmbeddingGenerator<string, Embedding<float>>? queryGenerator = null) => QualityServices.Create(databasePath, model, generator, queryGenerator);

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("search-quality-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}

// Internal: the tests reference this tool (Search/WhoKnowsQualitySetTests) next to the web host, whose Program they need.
internal partial class Program;
