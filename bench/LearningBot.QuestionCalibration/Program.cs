using System.Globalization;
using System.Text.Json;
using LearningBot.Core.Knowledge;
using LearningBot.Embeddings;
using Microsoft.Extensions.AI;

// Usage: dotnet run -c Release --project bench/LearningBot.QuestionCalibration -- <stackfaq folder> [MiniLM|MiniLMInt8|ArcticXs] [--int8-queries]
//    or: ... -- --similar [MiniLM|MiniLMInt8|ArcticXs] < lines.txt   (cosine of every pair of lines)
// Prints, for the packaged model: (1) same-question detection on pairs.jsonl (cosine of the two questions) and the old
// word-overlap rule, (2) answer confidence on corpus.jsonl + queries.jsonl: the cosine of a query and its top document,
// labelled correct when that document is from the query's thread. Negatives for (2) also come from each query searched
// with its own thread left out (a question the team has no answer for), so "no answer" is as common as "answer".
var folder = args.Length > 0 ? args[0] : "/work/shared/data/stackfaq";
var provider = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : "MiniLM";
// --int8-queries (MiniLM only): the product's Search:Embeddings:QueryPrecision=Int8 mode. Documents are embedded by the float32
// model, every question (pairs, queries) by MiniLMInt8, as the host does: so (1) compares int8 with int8 question vectors (and
// reports int8 against float32, the stored questions of before the switch), (2) and the floor compare int8 queries with float32 documents.
var int8Queries = args.Contains("--int8-queries");
if (int8Queries && provider != EmbeddingProviders.MiniLM)
{
    Console.Error.WriteLine("--int8-queries needs the MiniLM provider (its documents stay float32).");
    return 2;
}

using var generator = SentenceEmbeddingGenerator.Load(provider, Environment.ProcessorCount);
using var queryGenerator = int8Queries ? SentenceEmbeddingGenerator.Load(EmbeddingProviders.MiniLMInt8, Environment.ProcessorCount) : generator;
// Questions are embedded as the product embeds queries (GeneratorQueryEmbedder: with the model's query prefix), documents without.
var profile = LearningBot.Core.Knowledge.Semantic.ModelProfile.Known(generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId)
              ?? throw new InvalidOperationException($"No model profile for {provider}");
if (folder == "--similar")
{
    // Cosine of every pair of the lines on standard input (e.g. wordings of one question), to check a threshold by hand.
    var lines = Console.In.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    var vectors = (await generator.GenerateAsync(lines)).Select(e => e.Vector.ToArray()).ToList();
    for (var i = 0; i < lines.Length; i++)
    {
        for (var j = i + 1; j < lines.Length; j++)
        {
            Console.WriteLine($"{Dot(vectors[i], vectors[j]):0.000}  {lines[i]}  |  {lines[j]}");
        }
    }

    return 0;
}

static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();

Task<float[][]> Embed(IReadOnlyList<string> texts) => EmbedWith(generator, texts);

Task<float[][]> EmbedQueries(IReadOnlyList<string> texts) => EmbedWith(queryGenerator, texts);

static async Task<float[][]> EmbedWith(SentenceEmbeddingGenerator model, IReadOnlyList<string> texts)
{
    var result = new List<float[]>();
    foreach (var chunk in texts.Chunk(32))
    {
        result.AddRange((await model.GenerateAsync(chunk)).Select(e => e.Vector.ToArray()));
    }

    return [.. result];
}

static double Cosine(float[] a, float[] b)
{
    double dot = 0;
    for (var i = 0; i < a.Length; i++)
    {
        dot += a[i] * b[i];
    }

    return dot;
}

static IEnumerable<JsonElement> Lines(string path) =>
    File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone());

string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);

// ---- (1) same question ----
var pairs = Lines(Path.Combine(folder, "pairs.jsonl"))
    .Select(e => (Q1: e.GetProperty("q1").GetString()!, Q2: e.GetProperty("q2").GetString()!, Same: e.GetProperty("duplicate").GetBoolean()))
    .ToList();
var v1 = await EmbedQueries(pairs.Select(p => profile.QueryPrefix + p.Q1).ToList());
var v2 = await EmbedQueries(pairs.Select(p => profile.QueryPrefix + p.Q2).ToList());
var scored = pairs.Select((p, i) => (Score: Cosine(v1[i], v2[i]), p.Same)).ToList();
// int8 question against a float32 one (a question stored before QueryPrecision=Int8, grouped with one asked after): both orders.
var mixedPairs = new List<(double Score, bool Same)>();
if (int8Queries)
{
    var f1 = await Embed(pairs.Select(p => p.Q1).ToList());
    var f2 = await Embed(pairs.Select(p => p.Q2).ToList());
    mixedPairs.AddRange(pairs.Select((p, i) => (Cosine(v1[i], f2[i]), p.Same)));
    mixedPairs.AddRange(pairs.Select((p, i) => (Cosine(f1[i], v2[i]), p.Same)));
}
var words = pairs.Select(p => (Score: SearchTerms.Similarity(SearchTerms.Of(p.Q1), SearchTerms.Of(p.Q2)), p.Same)).ToList();

Console.WriteLine($"Same question: {pairs.Count} pairs from {folder}/pairs.jsonl ({pairs.Count(p => p.Same)} duplicates), model {provider}" +
                  (int8Queries ? ", both questions int8 (MiniLMInt8)" : ""));
Console.WriteLine("threshold  precision  recall  F1");
foreach (var t in Enumerable.Range(40, 56).Select(i => i / 100.0))
{
    Report(scored, t);
}

var bestSame = Best(scored);
Console.WriteLine($"best F1 at cosine >= {F(bestSame)}");
Console.Write("word overlap (Jaccard >= 0.60): ");
Report(words, 0.6);
Console.Write("word overlap best: ");
Report(words, Best(words));

// ---- (2) answer confidence ----
var corpus = Lines(Path.Combine(folder, "corpus.jsonl"))
    .Select(e => (Id: e.GetProperty("id").GetString()!, Text: e.GetProperty("question").GetString() + "\n" + e.GetProperty("answer").GetString()))
    .ToList();
var queries = Lines(Path.Combine(folder, "queries.jsonl"))
    .Select(e => (Text: e.GetProperty("query").GetString()!, Thread: e.GetProperty("relevant")[0].GetString()!))
    .ToList();
var docs = await Embed(corpus.Select(c => c.Text).ToList());
var qv = await EmbedQueries(queries.Select(q => profile.QueryPrefix + q.Text).ToList());
static string ThreadOf(string id) => id.Split('-')[0];
var confidence = new List<(double Score, bool Same)>();
var firstRight = 0;
for (var q = 0; q < queries.Count; q++)
{
    var ranked = docs.Select((d, i) => (Score: Cosine(qv[q], d), Thread: ThreadOf(corpus[i].Id))).OrderByDescending(x => x.Score).ToList();
    var top = ranked[0];
    firstRight += top.Thread == queries[q].Thread ? 1 : 0;
    confidence.Add((top.Score, top.Thread == queries[q].Thread));
    var without = ranked.First(x => x.Thread != queries[q].Thread);
    confidence.Add((without.Score, false));
}

Console.WriteLine();
Console.WriteLine($"Answer confidence: {queries.Count} queries over {corpus.Count} posts (question + answer embedded); " +
                  $"embedding-only top-1 right for {F(100.0 * firstRight / queries.Count)}%; plus each query with its thread left out");
Console.WriteLine("threshold  precision  recall  F1");
foreach (var t in Enumerable.Range(30, 66).Select(i => i / 100.0))
{
    Report(confidence, t);
}

Console.WriteLine($"best F1 at cosine >= {F(Best(confidence))}");
foreach (var target in new[] { 0.90, 0.95, 0.98 })
{
    var t = Enumerable.Range(0, 100).Select(i => i / 100.0).FirstOrDefault(t => Precision(confidence, t) >= target, 1.0);
    Console.Write($"lowest threshold with precision >= {target:0.00}: ");
    Report(confidence, t);
}

// Unrelated pairs: each query against 20 posts of other threads, drawn with a fixed seed. The floor is set where 95% of them fall
// below it, so a question nothing answers finds (almost) nothing; stackfaq's posts are all about software, so "unrelated" here is
// closer than a real team's pizza question.
var random = new Random(14);
var unrelated = new List<double>();
for (var q = 0; q < queries.Count; q++)
{
    for (var k = 0; k < 20; k++)
    {
        var d = random.Next(corpus.Count);
        if (ThreadOf(corpus[d].Id) != queries[q].Thread)
        {
            unrelated.Add(Cosine(qv[q], docs[d]));
        }
    }
}

unrelated.Sort();
double Percentile(double p) => unrelated[(int)Math.Min(unrelated.Count - 1, Math.Round(p * (unrelated.Count - 1)))];
Console.WriteLine();
Console.WriteLine($"Unrelated query-post pairs ({unrelated.Count}): p50 {F(Percentile(0.5))}, p95 {F(Percentile(0.95))}, p99 {F(Percentile(0.99))}, " +
                  $"p99.9 {F(Percentile(0.999))}, max {F(unrelated[^1])}");

// The rules SimilarityThresholds documents, applied to this model (a 0.01 grid).
var grid = Enumerable.Range(0, 101).Select(i => i / 100.0).ToList();
var relevant = grid.Last(t => Recall(confidence, t) >= 0.998);
var floor = Math.Min(Math.Floor(Percentile(0.95) * 100) / 100, relevant);
var sameQuestion = grid.First(t => Precision(scored, t) >= 0.96);
var answered = Best(confidence);
var offer = grid.First(t => Precision(confidence, t) >= 0.95);
Console.WriteLine();
Console.WriteLine($"Thresholds by the rules (model {profile.ModelId}{(int8Queries ? ", int8 queries" : "")}, query prefix \"{profile.QueryPrefix}\"): " +
                  $"Floor {F(floor)}, Relevant {F(relevant)}, SameQuestion {F(sameQuestion)}, Answered {F(answered)}, Offer {F(offer)}");
foreach (var (name, t) in new[] { ("SameQuestion", sameQuestion), ("Answered", answered), ("Offer", offer) })
{
    Console.Write($"at {name} {F(t)}: ");
    Report(name == "SameQuestion" ? scored : confidence, t);
}

if (int8Queries)
{
    Console.Write($"int8 question vs float32 question ({mixedPairs.Count} pairs, both orders) at SameQuestion {F(sameQuestion)}: ");
    Report(mixedPairs, sameQuestion);
    Console.WriteLine($"int8 vs float32 questions by the rule alone: SameQuestion {F(grid.First(t => Precision(mixedPairs, t) >= 0.96))}");
}

Console.WriteLine($"Shipped: {(int8Queries ? LearningBot.Core.Knowledge.Semantic.ModelProfile.MiniLMInt8Queries : profile).Thresholds}");

return 0;

void Report(List<(double Score, bool Same)> items, double t)
{
    var p = Precision(items, t);
    var r = Recall(items, t);
    Console.WriteLine($"{F(t)}      {F(p)}      {F(r)}   {F(p + r == 0 ? 0 : 2 * p * r / (p + r))}");
}

static double Precision(List<(double Score, bool Same)> items, double t)
{
    var predicted = items.Where(x => x.Score >= t).ToList();
    return predicted.Count == 0 ? 1 : (double)predicted.Count(x => x.Same) / predicted.Count;
}

static double Recall(List<(double Score, bool Same)> items, double t) =>
    (double)items.Count(x => x.Same && x.Score >= t) / Math.Max(1, items.Count(x => x.Same));

static double Best(List<(double Score, bool Same)> items) =>
    Enumerable.Range(0, 100).Select(i => i / 100.0)
        .OrderByDescending(t => { var p = Precision(items, t); var r = Recall(items, t); return p + r == 0 ? 0 : 2 * p * r / (p + r); })
        .ThenByDescending(t => t).First();
