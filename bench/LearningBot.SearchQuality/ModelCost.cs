using System.Diagnostics;
using LearningBot.Embeddings;
using Microsoft.Extensions.AI;

namespace LearningBot.SearchQuality;

/// <summary>
/// What a packaged model costs, measured on the bare model (never through <see cref="EmbeddingFileCache"/>): load time (load and
/// the first embedding), query embedding latency p50/p95 (one query per call, as <c>ask</c> does; <c>--cost-queries</c> of the
/// set's queries, evenly spread), documents embedded per CPU-second (process CPU time over <c>--cost-documents</c> posts as the
/// background embedder sends them: question + answer, batches of 16), working set added by the model (after a full GC), nupkg
/// size in the NuGet cache, licence (nuspec and model card).
/// </summary>
internal sealed record ModelCost(IEmbeddingGenerator<string, Embedding<float>> Generator, string Model, double LoadMs,
    double QueryP50Ms, double QueryP95Ms, double DocumentsPerCpuSecond, double WorkingSetMb, double PackageMb, int Queries, int Documents)
{
    public const string Header = "model                       load ms   q p50   q p95  docs/cpu-s   +WS MB  nupkg MB  licence";

    public static async Task<ModelCost> MeasureAsync(string model, EvaluationSet set, int queries, int documents)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = Process.GetCurrentProcess().WorkingSet64;
        var load = Stopwatch.StartNew();
        var generator = SentenceEmbeddingGenerator.Load(model, intraOpThreads: 1);
        await generator.GenerateAsync(["warm up"]);
        load.Stop();

        var step = Math.Max(1, set.Queries.Count / Math.Max(1, queries));
        var latencies = new List<double>();
        for (var i = 0; i < set.Queries.Count && latencies.Count < queries; i += step)
        {
            var clock = Stopwatch.StartNew();
            await generator.GenerateAsync([set.Queries[i].Text]);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        latencies.Sort();
        var texts = set.Corpus.Take(documents).Select(p => p.Question + "\n" + p.Answer).ToList();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        foreach (var batch in texts.Chunk(16))
        {
            await generator.GenerateAsync(batch);
        }

        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var added = (Process.GetCurrentProcess().WorkingSet64 - before) / 1e6;
        var id = generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? model;
        return new ModelCost(generator, id, load.Elapsed.TotalMilliseconds, Percentile(latencies, 0.5), Percentile(latencies, 0.95),
            texts.Count / cpuSeconds, added, PackageMegabytes("sentencetransformers." + model.ToLowerInvariant()), latencies.Count, texts.Count);
    }

    public override string ToString() =>
        $"{Model,-26} {LoadMs,8:F0} {QueryP50Ms,7:F1} {QueryP95Ms,7:F1} {DocumentsPerCpuSecond,11:F1} {WorkingSetMb,8:F0} {PackageMb,9:F0}  " +
        $"Apache-2.0 model, MIT package ({Queries} queries, {Documents} documents)";

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, sorted.Count * p)];

    private static double PackageMegabytes(string id)
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var file = Directory.Exists(Path.Combine(root, id))
            ? Directory.EnumerateFiles(Path.Combine(root, id), "*.nupkg", SearchOption.AllDirectories).FirstOrDefault()
            : null;
        return file is null ? double.NaN : new FileInfo(file).Length / 1e6;
    }
}

/// <summary>One query's inputs to fusion, as the real index produced them: its vector, the lexical top 50 (id, BM25 score, higher
/// better) and the semantic top 50 (id, cosine).</summary>
internal sealed record RankedLists(ReadOnlyMemory<float>? Query, IReadOnlyList<(string Id, double Score)> Lexical,
    IReadOnlyList<(string Id, double Similarity)> Semantic)
{
    public IReadOnlyList<string> LexicalIds => Lexical.Select(l => l.Id).ToList();
}
