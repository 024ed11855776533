using LearningBot.Core.Commands;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// Searches what the team wrote, and notices repeats: a question asked twice before without a good
/// answer is a sign that somebody should write the answer down.
/// </summary>
public sealed class AskHandler(ISearchIndex search, IQuestionRepository questions, PeopleNames people, IAnswerReviewRepository reviews,
    IExpertSuggester experts) : CommandHandler<AskCommand>
{
    public const int ResultCount = 3;

    /// <summary>A hit is a good answer when it contains at least this share of the question's words.</summary>
    public const double GoodAnswerCoverage = 0.5;

    /// <summary>Two questions are "the same question" from this Jaccard similarity of their words.</summary>
    public const double SameQuestionSimilarity = 0.6;

    private static readonly TimeSpan RepeatWindow = TimeSpan.FromDays(90);

    // A recorded question never changes, so its words are worked out once, not on every ask (bounded memory).
    private const int MaxCachedQuestions = 50_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlySet<string>> _questionTerms = new(StringComparer.Ordinal);

    protected override async Task<BotReply> HandleAsync(AskCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var terms = SearchTerms.Of(command.Question);
        var hits = await search.SearchAsync(
            new SearchQuery(context.TeamId, command.Question, [SearchKind.Knowledge, SearchKind.Learning], ResultCount),
            cancellationToken);
        var answered = hits.Any(h => SearchTerms.Coverage(terms, h.Title + " " + h.Excerpt) >= GoodAnswerCoverage);

        // Repeats only matter when nothing good was found, so an answered question costs no read of the history.
        IReadOnlyList<AskedQuestion> repeats = [];
        if (!answered)
        {
            var earlier = await questions.ListUnansweredSinceAsync(context.TeamId, context.Now - RepeatWindow, 500, cancellationToken);
            repeats = earlier.Where(q => q.IdempotencyKey != context.Message.IdempotencyKey
                                         && SearchTerms.Similarity(terms, TermsOf(q)) >= SameQuestionSimilarity).ToList();
        }

        var unansweredRepeats = repeats.Count;

        var recorded = await questions.AddAsync(new AskedQuestion(context.NewId(), context.TeamId, context.UserId, command.Question,
            answered, context.Now, context.Message.IdempotencyKey), cancellationToken);

        var blocks = new List<ReplyBlock>();
        if (hits.Count == 0)
        {
            blocks.Add(new HeadingBlock("Nothing written down about that yet"));
            blocks.Add(new TextBlock(RichText.Of("Someone may still know: try ", new CodeSpan("who knows " + Reply.Excerpt(command.Question, 40)))));
        }
        else
        {
            var mention = await people.ResolveAsync(context, hits.Select(h => h.PersonId), cancellationToken);
            var posts = await PostsOfAsync(context.TeamId, hits, cancellationToken);
            blocks.Add(new HeadingBlock($"What the team wrote about \"{Reply.Excerpt(command.Question, 60)}\""));
            blocks.Add(new ListBlock(hits.Select(hit => ToItem(hit, mention, context, posts.GetValueOrDefault(hit.Id))).ToList()));
            // Buttons for the best shared answer: "Open" shows all of it, "This helped" counts for its author.
            var helpful = hits.Where(h => h.Kind == SearchKind.Knowledge).Take(1)
                .SelectMany(h => new[]
                {
                    new ReplyAction($"Open: {Reply.Excerpt(h.Title, 30)}", "show " + h.Id),
                    new ReplyAction("This helped", "helped " + h.Id),
                }).ToList();
            if (helpful.Count > 0)
            {
                blocks.Add(new ActionsBlock(helpful));
            }
        }

        if (!answered && unansweredRepeats >= 2)
        {
            blocks.Add(new NoteBlock(RichText.Of(
                $"This question has come up {unansweredRepeats + 1} times without a written answer. Once someone knows, write it down for everyone: ",
                new CodeSpan("share <question> :: <answer>"))));
            // Only a first delivery reaches out: a redelivered ask must not count as a new repeat.
            if (recorded.Created && await SuggestExpertAsync(command, repeats, context, cancellationToken) is { } suggestion)
            {
                blocks.Add(suggestion);
            }
        }

        return new BotReply(ReplyKind.SearchResults, ReplyAudience.Requester, blocks) { IsRedelivery = !recorded.Created };
    }

    /// <summary>Names the top "who knows" person for the repeated question, and says whether it was sent to them.</summary>
    private async Task<ReplyBlock?> SuggestExpertAsync(AskCommand command, IReadOnlyList<AskedQuestion> repeats, CommandContext context,
        CancellationToken cancellationToken)
    {
        var group = new RepeatedQuestion(context.TeamId, repeats.MinBy(q => q.CreatedAt)!.Id, command.Question, repeats.Count + 1,
            repeats.Select(q => q.AskerId).Append(context.UserId).ToHashSet(StringComparer.Ordinal));
        if (await experts.SuggestAsync(group, context.Now, cancellationToken) is not { } suggestion)
        {
            return null;
        }

        var mention = await people.ResolveAsync(context, [suggestion.PersonId], cancellationToken);
        return new NoteBlock(RichText.Of(mention(suggestion.PersonId), " may know: they wrote the most about this. ", suggestion.Contact switch
        {
            ExpertContact.SentNow => "I've sent them the question.",
            ExpertContact.SentBefore => "I sent them this question earlier.",
            _ => "Ask them, or try who knows.",
        }));
    }

    /// <summary>The shared answers behind the knowledge hits, for their review state: one read, none without such hits.</summary>
    private async Task<Dictionary<string, KnowledgePost>> PostsOfAsync(string teamId, IReadOnlyList<SearchHit> hits, CancellationToken cancellationToken)
    {
        var ids = hits.Where(h => h.Kind == SearchKind.Knowledge).Select(h => h.Id).ToList();
        return ids.Count == 0
            ? []
            : (await reviews.GetManyAsync(teamId, ids, cancellationToken)).ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    private IReadOnlySet<string> TermsOf(AskedQuestion question)
    {
        if (_questionTerms.Count >= MaxCachedQuestions)
        {
            _questionTerms.Clear();
        }

        return _questionTerms.GetOrAdd(question.TeamId + "/" + question.Id, _ => SearchTerms.Of(question.Text));
    }

    private static ListItem ToItem(SearchHit hit, Func<string, MentionSpan> mention, CommandContext context, KnowledgePost? post)
    {
        var date = Reply.Date(hit.CreatedAt, context.TimeZone);
        return hit.Kind == SearchKind.Knowledge
            ? new ListItem(RichText.Of(new StrongSpan(hit.Title), " — ", hit.Excerpt),
                $"Shared answer by {mention(hit.PersonId).DisplayName} · {date}"
                + (post is null ? string.Empty : " · " + AnswerReviewMessages.Freshness(post, context.Now, context.TimeZone)))
            : new ListItem(hit.Excerpt, $"Learned by {mention(hit.PersonId).DisplayName} · {date}");
    }
}
