using LearningBot.Core.Commands;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// Searches what the team wrote, and notices repeats: a question asked twice before without a good
/// answer is a sign that somebody should write the answer down.
/// </summary>
public sealed class AskHandler(ISearchIndex search, IQueryEmbedder embedder, IQuestionRepository questions, PeopleNames people)
    : CommandHandler<AskCommand>
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
        // Embedded once, here: hybrid (words + meaning) when a model is configured, lexical when not or when it fails.
        var hits = await search.SearchAsync(
            new SearchQuery(context.TeamId, command.Question, [SearchKind.Knowledge, SearchKind.Learning], ResultCount)
            {
                Embedding = await embedder.EmbedAsync(command.Question, cancellationToken),
            },
            cancellationToken);
        var answered = hits.Any(h => SearchTerms.Coverage(terms, h.Title + " " + h.Excerpt) >= GoodAnswerCoverage);

        // Repeats only matter when nothing good was found, so an answered question costs no read of the history.
        var unansweredRepeats = 0;
        if (!answered)
        {
            var earlier = await questions.ListUnansweredSinceAsync(context.TeamId, context.Now - RepeatWindow, 500, cancellationToken);
            unansweredRepeats = earlier.Count(q => q.IdempotencyKey != context.Message.IdempotencyKey
                                                   && SearchTerms.Similarity(terms, TermsOf(q)) >= SameQuestionSimilarity);
        }

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
            blocks.Add(new HeadingBlock($"What the team wrote about \"{Reply.Excerpt(command.Question, 60)}\""));
            blocks.Add(new ListBlock(hits.Select(hit => ToItem(hit, mention, context)).ToList()));
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
        }

        return new BotReply(ReplyKind.SearchResults, ReplyAudience.Requester, blocks) { IsRedelivery = !recorded.Created };
    }

    private IReadOnlySet<string> TermsOf(AskedQuestion question)
    {
        if (_questionTerms.Count >= MaxCachedQuestions)
        {
            _questionTerms.Clear();
        }

        return _questionTerms.GetOrAdd(question.TeamId + "/" + question.Id, _ => SearchTerms.Of(question.Text));
    }

    private static ListItem ToItem(SearchHit hit, Func<string, MentionSpan> mention, CommandContext context)
    {
        var date = Reply.Date(hit.CreatedAt, context.TimeZone);
        return hit.Kind == SearchKind.Knowledge
            ? new ListItem(RichText.Of(new StrongSpan(hit.Title), " — ", hit.Excerpt),
                $"Shared answer by {mention(hit.PersonId).DisplayName} · {date}")
            : new ListItem(hit.Excerpt, $"Learned by {mention(hit.PersonId).DisplayName} · {date}");
    }
}
