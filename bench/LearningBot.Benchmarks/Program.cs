using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;
using LearningBot.Benchmarks.Corpus;

// Usage (see docs/performance.md):
//   dotnet run -c Release --project bench/LearningBot.Benchmarks -- --filter '*'
//   dotnet run -c Release --project bench/LearningBot.Benchmarks -- --filter '*' --job short   (quicker, rougher)
//   ... -- --seed-only   builds the cached corpus and reports how long that took; --reseed rebuilds it first.
var rebuild = args.Contains("--reseed");
var seedOnly = args.Contains("--seed-only");
args = args.Where(a => a is not "--reseed" and not "--seed-only").ToArray();

// Build the corpus once, here, so no benchmark process pays for it inside a measurement.
var (_, report) = await CorpusDatabase.EnsureAsync(rebuild || seedOnly);
Console.WriteLine(report);
if (seedOnly)
{
    return;
}

var config = DefaultConfig.Instance
    .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithArtifactsPath(Path.Combine(CorpusDatabase.ArtifactsDirectory, "results"));
BenchmarkSwitcher.FromAssembly(typeof(CorpusDatabase).Assembly).Run(args, config);
