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

    /// <param name="draft">The question as it would be stored (id, asker, text, time, key, origin); group, vector and verdict are filled in,
    /// and the text gets its abbreviations' long forms (<see cref="Abbreviations.Expand"/>).</param>
    /// <param name="threshold">The cosine the top match needs to count as the answer (one of the model's <see cref="SimilarityThresholds"/>).</param>
    public async Task<QuestionMatch> MatchAsync(AskedQuestion draft, IReadOnlyList<SearchKind> kinds, int limit, double threshold,
        CancellationToken cancellationToken)
    {
        // Searched, embedded and stored with its abbreviations spelled out ("k8s" → "k8s (Kubernetes)"), so the group's wording shows them.
        draft = draft with { Text = Abbreviations.Expand(draft.Text) };
        // The model runs on a pool thread while this one reads the recent questions (on SQLite from memory, ~0.2 ms:
        // RecentQuestionCache) and runs the search's lexical half (ISearchIndex's overlapping SearchAsync): the embedding and the
        // words cost max(both), not their sum (docs/search.md, docs/performance.md "Recent questions in memory"). When the model
        // itself uses both cores (IQueryEmbedder.EmbedFirst), the words wait for the vector and run beside the vector scan.
        var embedding = _embedder.ModelId is null
            ? Task.FromResult<ReadOnlyMemory<float>?>(null)
            : Task.Run(async () =>
            {
                using var stage = AskStages.Start(AskStages.Embedding);
                return await _embedder.EmbedAsync(draft.Text, cancellationToken);
            }, cancellationToken);
        IReadOnlyList<AskedQuestion> earlier;
        using (AskStages.Start(AskStages.RecentQuestions))
        {
            earlier = await questions.ListSinceAsync(draft.TeamId, draft.CreatedAt - QuestionGroups.Window, RecentQuestions, cancellationToken);
        }

        // Which answers the question's group rejected is known only with its vector, so the search asks for enough extra hits to
        // drop every answer rejected in the window, and shows the limit (the hits' order does not depend on how many are asked).
        var mayBeRejected = earlier.Where(q => q.Verdict == AnswerVerdict.NotIt && q.TopAnswerId is not null)
            .Select(q => q.TopAnswerId).Distinct(StringComparer.Ordinal).Count();
        if (_embedder.EmbedFirst)
        {
            // The model uses both cores (Search:Embeddings:QueryThreads > 1): the words would only slow it down. With the vector
            // ready, the search runs its vector scan on a pool thread beside the words (docs/performance.md, "Embedding first").
            await embedding;
        }

        var searching = search.SearchAsync(new SearchQuery(draft.TeamId, draft.Text, kinds, limit + mayBeRejected) { Shown = limit },
            embedding, cancellationToken);
        var vector = await embedding;
        var question = draft with { Embedding = vector, EmbeddingModel = vector is null ? null : _embedder.QueryModelId };
        var grouping = AskStages.Start(AskStages.Grouping);
        // The earlier askings of a group, and the group with this question last.
        (List<AskedQuestion> Before, QuestionGroup Group) Join(string id)
        {
            var askings = earlier.Where(q => q.GroupKey == id && q.IdempotencyKey != question.IdempotencyKey).OrderBy(q => q.CreatedAt).ToList();
            return (askings, new QuestionGroup(id, [.. askings, question]));
        }

        var groupId = QuestionGroups.MostSimilar(question, earlier, _embedder.Thresholds.SameQuestion)?.GroupKey ?? question.Id;
        var (before, group) = Join(groupId);
        var rejected = group.Rejected;
        grouping?.Dispose();

        var found = await searching;
        // "Not it" for this question: that answer is never first again for it (still listed, after the others).
        var hits = found.OrderBy(h => h.Kind == SearchKind.Knowledge && rejected.Contains(h.Id) ? 1 : 0).Take(limit).ToList();
        var top = hits.FirstOrDefault();
        double? similarity;
        using (AskStages.Start(AskStages.Confidence))
        {
            similarity = top is null ? null : await confidence.SimilarityAsync(draft.TeamId, top, vector, cancellationToken);
        }

        if (top?.CorrectedQuery is { } corrected && vector is not null && similarity < threshold
            && await CorrectedAsync(draft, kinds, limit, corrected, top, cancellationToken) is { } better && better.Similarity > similarity)
        {
            // Found through its typos' corrections: the question means what its corrected words say, so that is how sure we are, which
            // group it joins, and the vector it is stored with (later paraphrases are compared with the meaning, not the misspelling).
            similarity = better.Similarity;
            question = question with { Embedding = better.Vector };
            if (QuestionGroups.MostSimilar(question, earlier, _embedder.Thresholds.SameQuestion)?.GroupKey is { } correctedGroup && correctedGroup != groupId)
            {
                groupId = correctedGroup;
                (before, group) = Join(groupId);
                rejected = group.Rejected;
            }
        }

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
        return new QuestionMatch(question, group with { Questions = [.. before, question] }, hits, topAnswer, similarity);
    }

    /// <summary>
    /// The corrected question (<see cref="SearchHit.CorrectedQuery"/>) embedded and searched like the question, for the cosine of
    /// <paramref name="top"/> with it; null when the model gives no vector. Costs one more query embedding and search, only for a question whose top
    /// hit came through typo corrections and whose cosine as typed is below the threshold.
    /// </summary>
    private async Task<CorrectedMatch?> CorrectedAsync(AskedQuestion draft, IReadOnlyList<SearchKind> kinds, int limit, string corrected,
        SearchHit top, CancellationToken cancellationToken)
    {
        if (await _embedder.EmbedAsync(corrected, cancellationToken) is not { } vector)
        {
            return null;
        }

        // The index scores any hit it returns against the vector it was given; a hit not returned, or not embedded yet, is embedded
        // by AnswerConfidence as for any question.
        var again = await search.SearchAsync(new SearchQuery(draft.TeamId, corrected, kinds, limit) { Embedding = vector, Excerpts = false },
            cancellationToken);
        var same = again.FirstOrDefault(h => h.Kind == top.Kind && h.Id == top.Id) ?? top with { Similarity = null };
        return await confidence.SimilarityAsync(draft.TeamId, same, vector, cancellationToken) is { } similarity
            ? new CorrectedMatch(vector, similarity)
            : null;
    }
}

/// <summary>The corrected question's vector and the top hit's cosine with it.</summary>
internal sealed record CorrectedMatch(ReadOnlyMemory<float> Vector, double Similarity);

/// <param name="Question">The question, ready to store: group, vector, whether it was answered, the shared answer shown first.</param>
/// <param name="Group">Its group of paraphrases, this question last.</param>
/// <param name="Hits">The results, answers rejected for this group moved last.</param>
/// <param name="TopAnswer">The best shared answer not rejected for this group, or null.</param>
/// <param name="TopSimilarity">The top hit's cosine with the question, when vectors exist.</param>
public sealed record QuestionMatch(AskedQuestion Question, QuestionGroup Group, IReadOnlyList<SearchHit> Hits, SearchHit? TopAnswer,
    double? TopSimilarity);
