using LearningBot.Core.Knowledge.Semantic;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// What <c>ask</c> and answers offered in channels share: the question is embedded once (that vector searches and is stored with
/// the question), joins its group of paraphrases (<see cref="QuestionGroups"/>), is searched with the answers its group said
/// "Not it" to moved last, and is judged answered or not by the confidence of the top match (<see cref="AnswerConfidence"/>).
/// Nothing is stored here: the caller records <see cref="QuestionMatch.Question"/> when it wants it kept.
/// </summary>
public sealed class QuestionMatcher(ISearchIndex search, IQuestionRepository questions, AnswerConfidence confidence, IQueryEmbedder? embedder = null)
{
    private readonly IQueryEmbedder _embedder = embedder ?? NoQueryEmbedder.Instance;

    /// <summary>The running model's thresholds (<see cref="IQueryEmbedder.Thresholds"/>).</summary>
    public SimilarityThresholds Thresholds => _embedder.Thresholds;

    /// <summary>How many recent questions of the team a new one is compared with (90 days, newest first).</summary>
    public const int RecentQuestions = 500;

    /// <summary>A hit "answers" a question by this share of its words when no vectors exist (the rule before semantic search).</summary>
    public const double WordCoverage = 0.5;

    /// <param name="draft">The question as it would be stored (id, asker, text, time, key, origin); group, vector and verdict are filled in.</param>
    /// <param name="threshold">The cosine the top match needs to count as the answer (one of the model's <see cref="SimilarityThresholds"/>).</param>
    public async Task<QuestionMatch> MatchAsync(AskedQuestion draft, IReadOnlyList<SearchKind> kinds, int limit, double threshold,
        CancellationToken cancellationToken)
    {
        var vector = await _embedder.EmbedAsync(draft.Text, cancellationToken);
        var earlier = await questions.ListSinceAsync(draft.TeamId, draft.CreatedAt - QuestionGroups.Window, RecentQuestions, cancellationToken);
        var question = draft with { Embedding = vector, EmbeddingModel = vector is null ? null : _embedder.ModelId };
        var groupId = QuestionGroups.MostSimilar(question, earlier, _embedder.Thresholds.SameQuestion)?.GroupKey ?? question.Id;
        var before = earlier.Where(q => q.GroupKey == groupId && q.IdempotencyKey != question.IdempotencyKey).ToList();
        var group = new QuestionGroup(groupId, [.. before.OrderBy(q => q.CreatedAt), question]);
        var rejected = group.Rejected;

        var found = await search.SearchAsync(new SearchQuery(draft.TeamId, draft.Text, kinds, limit + rejected.Count) { Embedding = vector },
            cancellationToken);
        // "Not it" for this question: that answer is never first again for it (still listed, after the others).
        var hits = found.OrderBy(h => h.Kind == SearchKind.Knowledge && rejected.Contains(h.Id) ? 1 : 0).Take(limit).ToList();
        var top = hits.FirstOrDefault();
        var similarity = top is null ? null : await confidence.SimilarityAsync(draft.TeamId, top, vector, cancellationToken);
        var answered = top switch
        {
            null => false,
            { Kind: SearchKind.Knowledge } when rejected.Contains(top.Id) => false, // only answers people said "Not it" to are left
            _ when similarity is { } s => s >= threshold,
            // No vectors (semantic search off or failed): the word rule it had before.
            _ => SearchTerms.Coverage(SearchTerms.Of(draft.Text), top.Title + " " + top.Excerpt) >= WordCoverage,
        };
        var topAnswer = hits.FirstOrDefault(h => h.Kind == SearchKind.Knowledge && !rejected.Contains(h.Id));
        question = question with { GroupId = groupId, Answered = answered, TopAnswerId = topAnswer?.Id };
        return new QuestionMatch(question, group with { Questions = [.. before.OrderBy(q => q.CreatedAt), question] }, hits, topAnswer, similarity);
    }
}

/// <param name="Question">The question, ready to store: group, vector, whether it was answered, the shared answer shown first.</param>
/// <param name="Group">Its group of paraphrases, this question last.</param>
/// <param name="Hits">The results, answers rejected for this group moved last.</param>
/// <param name="TopAnswer">The best shared answer not rejected for this group, or null.</param>
/// <param name="TopSimilarity">The top hit's cosine with the question, when vectors exist.</param>
public sealed record QuestionMatch(AskedQuestion Question, QuestionGroup Group, IReadOnlyList<SearchHit> Hits, SearchHit? TopAnswer,
    double? TopSimilarity);
