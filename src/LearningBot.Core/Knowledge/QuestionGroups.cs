using LearningBot.Core.Knowledge.Semantic;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// Which earlier question a new one is a rewording of. By meaning when both have vectors of the same model, or of all-MiniLM-L6-v2 and
/// its int8 form (<see cref="ModelProfile.SameSpace"/>: questions stored before <c>Search:Embeddings:QueryPrecision</c> changed
/// still group): cosine similarity ≥ the running model's <see cref="SimilarityThresholds.SameQuestion"/>; otherwise (semantic search
/// off, failed, or another model) by words: Jaccard similarity
/// of their content words (<see cref="SearchTerms"/>) ≥ <see cref="SameQuestionWordOverlap"/>. A new question joins the group of
/// its most similar earlier question, so three wordings that each resemble one other are one question asked three times.
/// </summary>
public static class QuestionGroups
{
    /// <summary>The word rule without vectors (as before semantic search): Jaccard ≥ 0.6 (precision 1.0, recall 0.06 on stackfaq).</summary>
    public const double SameQuestionWordOverlap = 0.6;

    /// <summary>How far back a question counts as asked before.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(90);

    /// <summary>
    /// The earlier question (<paramref name="earlier"/>, any order) that <paramref name="question"/> rewords most closely, or null when
    /// none passes its rule. Ties go to the most recent.
    /// </summary>
    /// <param name="sameQuestion">The cosine from which two questions are one (the running model's
    /// <see cref="SimilarityThresholds.SameQuestion"/>); null: the calibrated one of the model that made the vectors
    /// (<see cref="ModelProfile.Known"/>, else all-MiniLM-L6-v2's).</param>
    public static AskedQuestion? MostSimilar(AskedQuestion question, IEnumerable<AskedQuestion> earlier, double? sameQuestion = null)
    {
        var threshold = sameQuestion
                        ?? (ModelProfile.Known(question.EmbeddingModel)?.Thresholds ?? SimilarityThresholds.MiniLM).SameQuestion;
        var terms = new Lazy<IReadOnlySet<string>>(() => SearchTerms.Of(question.Text));
        AskedQuestion? best = null;
        // Semantic matches outrank word matches: a vector says more than shared words.
        var bestScore = double.NegativeInfinity;
        foreach (var candidate in earlier)
        {
            if (candidate.Id == question.Id || candidate.IdempotencyKey == question.IdempotencyKey)
            {
                continue;
            }

            double score;
            if (Comparable(question, candidate))
            {
                var cosine = Vectors.Cosine(question.Embedding!.Value.Span, candidate.Embedding!.Value.Span);
                if (cosine < threshold)
                {
                    continue;
                }

                score = 1 + cosine;
            }
            else
            {
                var overlap = SearchTerms.Similarity(terms.Value, SearchTerms.Of(candidate.Text));
                if (overlap < SameQuestionWordOverlap)
                {
                    continue;
                }

                score = overlap;
            }

            if (score > bestScore || (score == bestScore && candidate.CreatedAt > best!.CreatedAt))
            {
                (best, bestScore) = (candidate, score);
            }
        }

        return best;
    }

    /// <summary>Groups questions (oldest first) into paraphrase groups by <see cref="AskedQuestion.GroupKey"/>; questions stored before groups existed join by <see cref="MostSimilar"/>.</summary>
    public static IReadOnlyList<QuestionGroup> Group(IEnumerable<AskedQuestion> questions)
    {
        var ordered = questions.OrderBy(q => q.CreatedAt).ToList();
        var keyOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var groups = new Dictionary<string, List<AskedQuestion>>(StringComparer.Ordinal);
        for (var i = 0; i < ordered.Count; i++)
        {
            var question = ordered[i];
            var key = question.GroupId is { } stored
                ? keyOf.GetValueOrDefault(stored, stored)
                : MostSimilar(question, ordered.Take(i)) is { } match ? keyOf[match.Id] : question.Id;
            keyOf[question.Id] = key;
            if (!groups.TryGetValue(key, out var members))
            {
                groups[key] = members = [];
            }

            members.Add(question);
        }

        return groups.Select(g => new QuestionGroup(g.Key, g.Value)).ToList();
    }

    private static bool Comparable(AskedQuestion a, AskedQuestion b) =>
        a.Embedding is { } x && b.Embedding is { } y && x.Length == y.Length && x.Length > 0
        && ModelProfile.SameSpace(a.EmbeddingModel, b.EmbeddingModel);
}

/// <summary>One question as the team asked it, in all its wordings (oldest first).</summary>
public sealed record QuestionGroup(string Id, IReadOnlyList<AskedQuestion> Questions)
{
    /// <summary>Whether any asking of it found its answer (a confident match not rejected, or "This helped").</summary>
    public bool Answered => Questions.Any(q => q.Answered);

    /// <summary>The answers people said "Not it" to for this question: never shown first for it again.</summary>
    public IReadOnlySet<string> Rejected => Questions.Where(q => q.Verdict == AnswerVerdict.NotIt && q.TopAnswerId is not null)
        .Select(q => q.TopAnswerId!).ToHashSet(StringComparer.Ordinal);

    /// <summary>The most common wording (case and end punctuation ignored); ties go to the most recent.</summary>
    public string Label => MostCommonWording().Text;

    /// <summary>How many askings used <see cref="Label"/>'s wording: 1 when every asking was worded differently (the label is then the latest).</summary>
    public int LabelCount => MostCommonWording().Count;

    /// <summary>One grouping of the wordings for both <see cref="Label"/> and <see cref="LabelCount"/>.</summary>
    private (string Text, int Count) MostCommonWording()
    {
        var most = Questions
            .Select((q, i) => (q.Text, Key: q.Text.Trim().TrimEnd('?', '.', '!', ' ').ToLowerInvariant(), i))
            .GroupBy(w => w.Key)
            .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Max(w => w.i))
            .First();
        return (most.Last().Text, most.Count());
    }
}
