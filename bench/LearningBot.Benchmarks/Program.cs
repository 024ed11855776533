using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;
using LearningBot.Benchmarks.Corpus;

// Usage (see docs/performance.md):
//   dotnet run -c Release --project bench/LearningBot.Benchmarks -- --filter '*'
//   dotnet run -c Release --project bench/LearningBot.Benchmarks -- --filter '*' --job short   (quicker, rougher)
//   ... -- --probe       a quick stopwatch check of ask (median/P95), for profiling.
//   ... -- --scheduled-prompts [--channels 10000] [--repeat 3] [--slack-latency-ms 0] [--config 8/500/15 ...]   issue 6's scheduler scenario
//   ... -- --semantic [--calls 300] [--provider MiniLMInt8|MiniLM | --providers MiniLM,MiniLMInt8,MiniLM+Int8Queries]   issue 14: ask's parts with the real model on 100k + 100k documents with vectors
//   ... -- --host-footprint [--asks 300] [--providers MiniLMInt8,MiniLM,None]   issue 14: the real host on that file, start-up to ready and resident memory
//   ... -- --quantised-query [--queries 300]   issue 14: the MiniLMInt8 and MiniLM providers: load, agreement, latency, docs per CPU-second
//   ... -- --pipeline-cost [--commands 3000] [--rounds 3] [--warmup 3000] [--no-http] [--only text]   issue 18: CPU µs and bytes per command, by path and stage
//   ... -- --seed-only   builds the cached corpus and reports how long that took; --reseed rebuilds it first.
if (args.Contains("--scheduled-prompts"))
{
    // A one-shot throughput scenario through the real web host; needs no search corpus.
    await LearningBot.Benchmarks.ScheduledPrompts.ScheduledPromptsScenario.RunAsync(args);
    return;
}

if (args.Contains("--pipeline-cost"))
{
    // Issue 18: the platform-neutral core's CPU and allocations per command on the real host's services; needs no search corpus.
    await LearningBot.Benchmarks.Pipeline.PipelineCost.RunAsync(args);
    return;
}

if (args.Contains("--semantic"))
{
    // Issue 14's speed at size with the real model: builds (once) the corpus with vectors, then times ask's parts.
    await LearningBot.Benchmarks.Semantic.SemanticScale.RunAsync(args);
    return;
}

if (args.Contains("--quantised-query"))
{
    // Whether an int8 query model would close ask's gap: latency and agreement with the shipped fp32 model (no corpus needed).
    await LearningBot.Benchmarks.Semantic.QuantisedQueryProbe.RunAsync(args);
    return;
}

if (args.Contains("--host-footprint"))
{
    // The real web host on the vector corpus: start-up to ready with and without the model, resident memory after asks.
    await LearningBot.Benchmarks.Semantic.HostFootprint.RunAsync(args);
    return;
}

var rebuild = args.Contains("--reseed");
var seedOnly = args.Contains("--seed-only");
var probe = args.Contains("--probe");
args = args.Where(a => a is not "--reseed" and not "--seed-only" and not "--probe").ToArray();

// Build the corpus once, here, so no benchmark process pays for it inside a measurement.
var (_, report) = await CorpusDatabase.EnsureAsync(rebuild || seedOnly);
Console.WriteLine(report);
if (seedOnly)
{
    return;
}

if (probe)
{
    await LearningBot.Benchmarks.Probe.RunAsync(500);
    return;
}

var config = DefaultConfig.Instance
    .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithArtifactsPath(Path.Combine(CorpusDatabase.ArtifactsDirectory, "results"));
BenchmarkSwitcher.FromAssembly(typeof(CorpusDatabase).Assembly).Run(args, config);
