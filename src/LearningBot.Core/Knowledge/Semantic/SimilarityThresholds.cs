namespace LearningBot.Core.Knowledge.Semantic;

/// <summary>
/// The cosine similarities (−1..1) at which search decides things, for one embedding model. Each model spreads its cosines
/// differently (all-MiniLM-L6-v2 gives unrelated texts ~0.0–0.3, snowflake-arctic-embed-xs ~0.6–0.8), so every threshold is
/// calibrated per model on stackfaq with <c>bench/LearningBot.QuestionCalibration</c>, by the rules given on each parameter
/// (docs/search.md, "Thresholds per model").
/// </summary>
/// <param name="Floor">A semantic match counts in hybrid search at all from here (95% of a query's cosines with random posts of
/// other stackfaq threads are below it, but never above <paramref name="Relevant"/>): a question nothing answers finds nothing
/// instead of its nearest neighbours.</param>
/// <param name="Relevant">A hit is about the topic from here (recall ≥ 0.998 of right top-1 answers): <c>who knows</c> drops
/// nearer-nothing neighbours.</param>
/// <param name="SameQuestion">Two questions are one question reworded from here (the lowest cosine with precision ≥ 0.96 on
/// stackfaq's pairs.jsonl).</param>
/// <param name="Answered">A question counts as answered by its top hit from here (best F1 of right vs wrong top-1 answers).</param>
/// <param name="Offer">An answer is offered unasked in a channel from here (the lowest cosine with precision ≥ 0.95): quiet
/// when unsure.</param>
public sealed record SimilarityThresholds(double Floor, double Relevant, double SameQuestion, double Answered, double Offer)
{
    /// <summary>
    /// all-MiniLM-L6-v2 on stackfaq: same question 0.55 (precision 0.961, recall 0.893); answered 0.62 (precision 0.846, recall
    /// 0.853); offer 0.74 (precision 0.964, recall 0.457); relevant 0.40 (recall 0.998); floor 0.30 (the rule gives 0.31: unrelated
    /// pairs' p95 is 0.317; 0.30 was chosen before the rule, changing no stackfaq result).
    /// </summary>
    public static SimilarityThresholds MiniLM { get; } = new(Floor: 0.30, Relevant: 0.40, SameQuestion: 0.55, Answered: 0.62, Offer: 0.74);

    /// <summary>
    /// all-MiniLM-L6-v2 with int8 weight matrices (<see cref="ModelProfile.MiniLMInt8"/>) on stackfaq, by the same rules, each the
    /// rule's value: same question 0.56 (precision 0.960, recall 0.880; at 0.55 precision 0.957 misses the rule); answered 0.60
    /// (best F1: precision 0.803, recall 0.888); offer 0.72 (precision 0.950, recall 0.535); relevant 0.43 (recall 0.998); floor 0.31
    /// (unrelated pairs' p95 is 0.320). Within 0.03 of the float32 model's (docs/search.md, "int8 MiniLM").
    /// </summary>
    public static SimilarityThresholds MiniLMInt8 { get; } = new(Floor: 0.31, Relevant: 0.43, SameQuestion: 0.56, Answered: 0.60, Offer: 0.72);

    /// <summary>
    /// all-MiniLM-L6-v2's float32 documents with int8 queries (<see cref="ModelProfile.MiniLMInt8Queries"/>) on stackfaq, by the same
    /// rules (<c>bench/LearningBot.QuestionCalibration -- … MiniLM --int8-queries</c>), each the rule's value: floor 0.31 (int8 query
    /// against float32 post, unrelated pairs' p95 0.318), relevant 0.40 (recall 0.998), answered 0.61 (best F1: precision 0.830,
    /// recall 0.871), offer 0.73 (precision 0.951, recall 0.491); same question 0.56 from int8 question against int8 question
    /// (precision 0.960, recall 0.880), which also holds for an int8 question against a float32 one stored before the switch
    /// (precision 0.962, recall 0.883; the rule gives 0.56 there too). docs/search.md, "int8 queries".
    /// </summary>
    public static SimilarityThresholds MiniLMInt8Queries { get; } = new(Floor: 0.31, Relevant: 0.40, SameQuestion: 0.56, Answered: 0.61, Offer: 0.73);

    /// <summary>
    /// snowflake-arctic-embed-xs with its query prefix (<see cref="ModelProfile.ArcticXs"/>) on stackfaq, by the same rules: same
    /// question 0.79 (precision 0.966, recall 0.667); answered 0.74 (precision 0.747, recall 0.814); offer 0.80 (precision 0.952,
    /// recall 0.408); relevant 0.61 (recall 0.998); floor 0.61 (unrelated pairs' p95 is 0.634, above relevant). Its cosines are
    /// compressed: unrelated posts score 0.51 at the median, loose paraphrases 0.45–0.60, so it drops some that MiniLM finds.
    /// </summary>
    public static SimilarityThresholds ArcticXs { get; } = new(Floor: 0.61, Relevant: 0.61, SameQuestion: 0.79, Answered: 0.74, Offer: 0.80);

    /// <summary>Why these thresholds cannot work (each within −1..1; Floor ≤ Relevant ≤ Answered ≤ Offer), or null when they can.</summary>
    public string? Problem()
    {
        double[] all = [Floor, Relevant, SameQuestion, Answered, Offer];
        if (all.Any(t => double.IsNaN(t) || t < -1 || t > 1))
        {
            return "every similarity threshold must be a cosine between -1 and 1";
        }

        return Floor <= Relevant && Relevant <= Answered && Answered <= Offer
            ? null
            : "the thresholds must rise: Floor <= Relevant <= Answered <= Offer";
    }
}
