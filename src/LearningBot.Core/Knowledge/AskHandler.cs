using LearningBot.Core.Commands;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// Searches what the team wrote, and notices repeats: a question asked (in any wording, <see cref="QuestionGroups"/>) three times
/// without its answer being found is a sign that somebody should write the answer down.
/// </summary>
public sealed class AskHandler(QuestionMatcher matcher, IQuestionRepository questions, PeopleNames people) : CommandHandler<AskCommand>
{
    public const int ResultCount = 3;

    /// <summary>From this many askings of one question without its answer found, the reply suggests writing it down.</summary>
    public const int SuggestAfter = 3;

    protected override async Task<BotReply> HandleAsync(AskCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var draft = new AskedQuestion(context.NewId(), context.TeamId, context.UserId, command.Question, false, context.Now,
            context.Message.IdempotencyKey);
        var match = await matcher.MatchAsync(draft, [SearchKind.Knowledge, SearchKind.Learning], ResultCount, AnswerConfidence.AnsweredSimilarity,
            cancellationToken);
        var recorded = await questions.AddAsync(match.Question, cancellationToken);
        var questionId = recorded.Value.Id;
        var hits = match.Hits;

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
            // Buttons for the best shared answer: "Open" shows all of it, "This helped" counts for its author and marks the
            // question answered, "Not it" keeps that answer from being first for this question again.
            if (match.TopAnswer is { } best)
            {
                blocks.Add(new ActionsBlock(AnswerActions(best.Id, best.Title, questionId)));
            }
        }

        var asked = match.Group.Questions.Count;
        if (!match.Group.Answered && asked >= SuggestAfter)
        {
            blocks.Add(new NoteBlock(RichText.Of(
                $"This question has come up {asked} times without a written answer (most often as \"{Reply.Excerpt(match.Group.Label, 80)}\"). " +
                "Once someone knows, write it down for everyone: ",
                new CodeSpan("share <question> :: <answer>"))));
        }

        return new BotReply(ReplyKind.SearchResults, ReplyAudience.Requester, blocks) { IsRedelivery = !recorded.Created };
    }

    /// <summary>"Open", "This helped" and "Not it" for a shared answer shown for a recorded question.</summary>
    public static IReadOnlyList<ReplyAction> AnswerActions(string postId, string postQuestion, string questionId) =>
    [
        new ReplyAction($"Open: {Reply.Excerpt(postQuestion, 30)}", "show " + postId),
        new ReplyAction("This helped", $"helped {postId} {questionId}"),
        new ReplyAction("Not it", $"notit {postId} {questionId}"),
    ];

    private static ListItem ToItem(SearchHit hit, Func<string, MentionSpan> mention, CommandContext context)
    {
        var date = Reply.Date(hit.CreatedAt, context.TimeZone);
        return hit.Kind == SearchKind.Knowledge
            ? new ListItem(RichText.Of(new StrongSpan(hit.Title), " — ", hit.Excerpt),
                $"Shared answer by {mention(hit.PersonId).DisplayName} · {date}")
            : new ListItem(hit.Excerpt, $"Learned by {mention(hit.PersonId).DisplayName} · {date}");
    }
}
