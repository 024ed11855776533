using LearningBot.Core.Knowledge.Semantic;
using Microsoft.Extensions.AI;

namespace LearningBot.SearchQuality;

/// <summary>
/// Measurements behind the defaults (docs/search.md): float32 against int8 vectors and embedding the question alone
/// (<see cref="FusionSweep"/> sweeps the fusion).
/// </summary>
internal static class Exploration
{
    public static async Task RunAsync(EvaluationSet set, IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<ReadOnlyMemory<float>?> queries, IReadOnlyList<IReadOnlyList<string>> lexical, List<(string, Scores)> rows, string model)
    {
        var full = await EmbedAsync(generator, set.Corpus.Select(p => p.Question + "\n" + p.Answer).ToList());
        var titles = await EmbedAsync(generator, set.Corpus.Select(p => p.Question).ToList());
        var fullScores = new Scores();
        var titleScores = new Scores();
        var maxScores = new Scores();
        var hybridMax = new Scores();
        for (var q = 0; q < set.Queries.Count; q++)
        {
            if (queries[q] is not { } vector)
            {
                continue;
            }

            var byFull = Rank(set, full, vector.Span);
            var byTitle = Rank(set, titles, vector.Span);
            var byMax = set.Corpus.Select((p, i) => (p.Id, Similarity: Math.Max(Dot(full[i], vector.Span), Dot(titles[i], vector.Span))))
                .OrderByDescending(p => p.Similarity).ToList();
            fullScores.Add(byFull.Take(10).Select(p => p.Id).ToList(), set.Queries[q].Relevant);
            titleScores.Add(byTitle.Take(10).Select(p => p.Id).ToList(), set.Queries[q].Relevant);
            maxScores.Add(byMax.Take(10).Select(p => p.Id).ToList(), set.Queries[q].Relevant);
            var fused = HybridFusion.Default.Fuse(lexical[q], byMax.Take(50).ToList());
            hybridMax.Add(fused.Take(10).Select(m => m.Key).ToList(), set.Queries[q].Relevant);
        }

        rows.Add(($"  explore: embedding only ({model}, float32)", fullScores));
        rows.Add(($"  explore: question-only vector ({model})", titleScores));
        rows.Add(($"  explore: max(question, full) ({model})", maxScores));
        rows.Add(($"  explore: hybrid over max(question, full)", hybridMax));
    }

    private static async Task<float[][]> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<string> texts)
    {
        var vectors = new List<float[]>();
        foreach (var batch in texts.Chunk(32))
        {
            vectors.AddRange((await generator.GenerateAsync(batch)).Select(e => e.Vector.ToArray()));
        }

        return vectors.ToArray();
    }

    private static List<(string Id, double Similarity)> Rank(EvaluationSet set, float[][] vectors, ReadOnlySpan<float> query)
    {
        var ranked = new List<(string, double)>(vectors.Length);
        for (var i = 0; i < vectors.Length; i++)
        {
            ranked.Add((set.Corpus[i].Id, Dot(vectors[i], query)));
        }

        return ranked.OrderByDescending(p => p.Item2).ToList();
    }

    private static double Dot(float[] a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
}
