using LearningBot.Core.Knowledge.Semantic;

namespace LearningBot.SearchQuality;

/// <summary>
/// <c>--sweep</c>: first-hit rate / top-3 rate / MRR of fusion settings over the very lists the real index fused for each query
/// (<see cref="RankedLists"/>), so a grid costs no embedding. Two families: <see cref="HybridFusion"/>'s weighted reciprocal rank
/// fusion (rank constant K × BM25 weight, semantic weight 1, the shipped similarity floor), and a convex combination of scores
/// (α · min-max-normalised BM25 + (1 − α) · cosine). A cell marked <c>*</c> is at least the embedding-only ranking on all three
/// numbers and above it on top 3 or MRR (the issue's "hybrid must beat every other row"); look for a plateau of them.
/// </summary>
internal static class FusionSweep
{
    private static readonly int[] Ks = [1, 2, 3, 5, 10, 20, 60];
    private static readonly double[] LexicalWeights = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 1.0];
    private static readonly double[] Alphas = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5];

    public static void Print(EvaluationSet set, IReadOnlyList<RankedLists> lists, string model)
    {
        var shipped = HybridFusion.Default;
        var baseline = Score(set, lists, q => Semantic(lists[q], -1)); // as the "embedding only" row: no floor
        Console.WriteLine($"fusion sweep ({model}); cells: first / top 3 / MRR; embedding only {Cell(baseline)}; * = beats it (see FusionSweep)");
        Console.WriteLine($"RRF, semantic weight 1, similarity floor {shipped.MinSimilarity}; shipped: K={shipped.K}, BM25 weight {shipped.LexicalWeight}");
        Console.WriteLine($"{"K \\ BM25 weight",-16}" + string.Concat(LexicalWeights.Select(w => $"{w,21:0.00#}")));
        foreach (var k in Ks)
        {
            var cells = LexicalWeights.Select(w =>
            {
                var fusion = shipped with { K = k, LexicalWeight = w, SemanticWeight = 1.0 };
                return Mark(Score(set, lists, q => fusion.Fuse(lists[q].LexicalIds, lists[q].Semantic).Select(m => m.Key)), baseline);
            });
            Console.WriteLine($"{k,-16}" + string.Concat(cells.Select(c => $"{c,21}")));
        }

        Console.WriteLine("convex: α · (BM25 − min) / (max − min) over the lexical top 50 + (1 − α) · cosine (0 for a document missing from a list)");
        Console.WriteLine($"{"α",-16}" + string.Concat(Alphas.Select(a => $"{a,21:0.00}")));
        Console.WriteLine($"{"",-16}" + string.Concat(Alphas.Select(a => $"{Mark(Score(set, lists, q => Convex(lists[q], a, shipped.MinSimilarity)), baseline),21}")));
        Console.WriteLine();
    }

    private static IEnumerable<string> Semantic(RankedLists lists, double floor) =>
        lists.Semantic.Where(s => s.Similarity >= floor).Select(s => s.Id);

    private static IEnumerable<string> Convex(RankedLists lists, double alpha, double floor)
    {
        var scores = new Dictionary<string, double>();
        foreach (var (id, similarity) in lists.Semantic.Where(s => s.Similarity >= floor))
        {
            scores[id] = (1 - alpha) * similarity;
        }

        if (lists.Lexical.Count > 0)
        {
            var max = lists.Lexical.Max(l => l.Score);
            var min = lists.Lexical.Min(l => l.Score);
            foreach (var (id, score) in lists.Lexical)
            {
                var normalised = max > min ? (score - min) / (max - min) : 1.0;
                scores[id] = scores.GetValueOrDefault(id) + alpha * normalised;
            }
        }

        return scores.OrderByDescending(s => s.Value).Select(s => s.Key);
    }

    private static Scores Score(EvaluationSet set, IReadOnlyList<RankedLists> lists, Func<int, IEnumerable<string>> rank)
    {
        var scores = new Scores();
        for (var q = 0; q < lists.Count; q++)
        {
            scores.Add(rank(q).Take(10).ToList(), set.Queries[q].Relevant);
        }

        return scores;
    }

    private static string Cell(Scores s) => $"{s.First * 100:F1}/{s.Top3 * 100:F1}/{s.Mrr:F3}";

    private static string Mark(Scores s, Scores baseline) =>
        (s.First >= baseline.First && s.Top3 >= baseline.Top3 && s.Mrr >= baseline.Mrr && (s.Top3 > baseline.Top3 || s.Mrr > baseline.Mrr) ? "*" : " ")
        + Cell(s);
}
