using System.Diagnostics;
using System.Globalization;
using LearningBot.Embeddings;
using Microsoft.Extensions.AI;

namespace LearningBot.Benchmarks.Semantic;

/// <summary>
/// <c>-- --quantised-query [--queries 300] [--data folder]</c>: the product's two MiniLM providers side by side, as the host
/// loads them (<see cref="SentenceEmbeddingGenerator.Load"/>, one ONNX Runtime thread): <c>MiniLM</c> (float32, as packaged) and
/// <c>MiniLMInt8</c> (its weight matrices quantised to int8 at load). Prints each one's load time, the cosine between their
/// vectors of the same real question (stackfaq's queries.jsonl), one-question latency p50/p95 (ms, interleaved so both meet the
/// same moments of a shared machine), and documents embedded per CPU-second (stackfaq posts, question + answer, in batches of 16,
/// interleaved by batch).
/// </summary>
internal static class QuantisedQueryProbe
{
    public static async Task RunAsync(string[] args)
    {
        var count = int.Parse(SemanticScale.Option(args, "--queries") ?? "300", CultureInfo.InvariantCulture);
        var data = SemanticScale.Option(args, "--data") ?? VectorPool.DefaultData;
        var questions = VectorPool.ReadQueries(data).Take(count).ToArray();
        Console.WriteLine($"{Environment.ProcessorCount} logical cores, {DateTimeOffset.UtcNow:u}, load {SemanticScale.Load()}");
        var models = new List<(string Name, SentenceEmbeddingGenerator Model)>();
        foreach (var provider in new[] { EmbeddingProviders.MiniLM, EmbeddingProviders.MiniLMInt8 })
        {
            var clock = Stopwatch.StartNew();
            var model = SentenceEmbeddingGenerator.Load(provider, intraOpThreads: 1);
            await model.GenerateAsync(["warm up"]);
            Console.WriteLine($"{provider}: loaded + first embedding in {clock.Elapsed.TotalMilliseconds:F0} ms");
            models.Add((provider, model));
        }

        try
        {
            var cosines = new List<double>();
            foreach (var question in questions)
            {
                var a = (await models[0].Model.GenerateAsync([question]))[0].Vector;
                var b = (await models[1].Model.GenerateAsync([question]))[0].Vector;
                cosines.Add(Dot(a.Span, b.Span));
            }

            cosines.Sort();
            Console.WriteLine($"cosine(fp32, int8) over {cosines.Count} questions: mean {cosines.Average():F4}, min {cosines[0]:F4}, p5 {cosines[cosines.Count / 20]:F4}");

            var times = models.ToDictionary(m => m.Name, _ => new List<double>());
            for (var i = 0; i < 400; i++)
            {
                // Which goes first alternates.
                foreach (var (name, model) in i % 2 == 0 ? models : Enumerable.Reverse(models))
                {
                    var watch = Stopwatch.StartNew();
                    await model.GenerateAsync([questions[i % questions.Length]]);
                    times[name].Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            foreach (var (name, list) in times)
            {
                list.Sort();
                Console.WriteLine($"{name}: one question, p50 {list[list.Count / 2]:F2} ms, p95 {list[(int)(list.Count * 0.95)]:F2} ms");
            }

            var posts = File.ReadLines(Path.Combine(data, "corpus.jsonl")).Take(128).Select(l =>
            {
                using var post = System.Text.Json.JsonDocument.Parse(l);
                return post.RootElement.GetProperty("question").GetString() + "\n" + post.RootElement.GetProperty("answer").GetString();
            }).ToArray();
            var cpu = models.ToDictionary(m => m.Name, _ => TimeSpan.Zero);
            foreach (var (batch, i) in posts.Chunk(16).Select((b, i) => (b, i)))
            {
                foreach (var (name, model) in i % 2 == 0 ? models : Enumerable.Reverse(models))
                {
                    var before = Process.GetCurrentProcess().TotalProcessorTime;
                    await model.GenerateAsync(batch);
                    cpu[name] += Process.GetCurrentProcess().TotalProcessorTime - before;
                }
            }

            foreach (var (name, time) in cpu)
            {
                Console.WriteLine($"{name}: {posts.Length} stackfaq posts (question + answer) in batches of 16: {posts.Length / time.TotalSeconds:F1} documents per CPU-second");
            }
        }
        finally
        {
            foreach (var (_, model) in models)
            {
                model.Dispose();
            }
        }
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var k = 0; k < a.Length; k++)
        {
            sum += a[k] * b[k];
        }

        return sum;
    }
}
