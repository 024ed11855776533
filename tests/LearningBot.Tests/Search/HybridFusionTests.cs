using LearningBot.Core.Knowledge.Semantic;

namespace LearningBot.Tests.Search;

/// <summary>
/// The shipped fusion's rule (docs/search.md, "Fusion"): the meaning ranking leads and BM25 only breaks near-ties. The stackfaq
/// sweep chose it; these pin the rule itself, so a change of K or weights that reorders these shapes is a deliberate one.
/// </summary>
public sealed class HybridFusionTests
{
    private static readonly HybridFusion Fusion = HybridFusion.Default;

    [Test]
    public void Bm25s_first_hit_lifts_the_second_semantic_match_above_the_first()
    {
        var fused = Fusion.Fuse(["b", "x"], [("a", 0.71), ("b", 0.70), ("c", 0.55)]);

        Assert.That(fused.Select(m => m.Key), Is.EqualTo(new[] { "b", "a", "c", "x" }));
    }

    [Test]
    public void Bm25s_first_hit_does_not_lift_the_third_semantic_match_above_the_first()
    {
        // The words agree with the third-closest meaning only: the closest meaning stays first (the old K = 5, weight 0.5 put "c" first).
        var fused = Fusion.Fuse(["c", "x"], [("a", 0.80), ("b", 0.62), ("c", 0.60)]);

        Assert.That(fused.Select(m => m.Key).Take(2), Is.EqualTo(new[] { "a", "c" }));
    }

    [Test]
    public void A_document_only_bm25_finds_ranks_below_every_counted_semantic_match_of_the_top_three()
    {
        var fused = Fusion.Fuse(["x"], [("a", 0.5), ("b", 0.45), ("c", 0.4)]);

        Assert.That(fused.Select(m => m.Key), Is.EqualTo(new[] { "a", "b", "c", "x" }));
    }

    [Test]
    public void A_semantic_match_under_the_floor_does_not_count_but_a_word_match_still_does()
    {
        var fused = Fusion.Fuse(["y"], [("far", Fusion.MinSimilarity - 0.01)]);

        Assert.That(fused.Select(m => m.Key), Is.EqualTo(new[] { "y" }));
        Assert.That(fused[0].LexicalRank, Is.EqualTo(1));
    }
}
