using LearningBot.Core.Commands;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// Searches what the team wrote, and notices repeats: a question asked (in any wording, <see cref="QuestionGroups"/>) three times
/// without its answer being found is a sign that somebody should write the answer down.
/// </summary>
public sealed class AskHandler(QuestionMatcher matcher, IQuestionRepository questions, PeopleNames people, IAnswerReviewRepository reviews,
    IExpertSuggester experts) : CommandHandler<AskCommand>
{
    public const int ResultCount = 3;

    /// <summary>From this many askings of one question without its answer found, the reply suggests writing it down.</summary>
    public const int SuggestAfter = 3;

    protected override async Task<BotReply> HandleAsync(AskCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var draft = new AskedQuestion(context.NewId(), context.TeamId, context.UserId, command.Question, false, context.Now,
            context.Message.IdempotencyKey);
        var match = await matcher.MatchAsync(draft, [SearchKind.Knowledge, SearchKind.Learning], ResultCount, matcher.Thresholds.Answered,
            cancellationToken);
        WriteResult<AskedQuestion> recorded;
        using (AskStages.Start(AskStages.Write))
        {
            recorded = await questions.AddAsync(match.Question, cancellationToken);
        }

        var questionId = recorded.Value.Id;
        var hits = match.Hits;

        var blocks = new List<ReplyBlock>();
        var replying = AskStages.Start(AskStages.Reply);
        if (hits.Count == 0)
        {
            blocks.Add(new HeadingBlock("Nothing written down about that yet"));
            blocks.Add(new TextBlock(RichText.Of("Someone may still know: try ", new CodeSpan("who knows " + Reply.Excerpt(command.Question, 40)))));
        }
        else
        {
            var mention = await people.ResolveAsync(context, hits.Select(h => h.PersonId), cancellationToken);
            blocks.Add(new HeadingBlock($"What the team wrote about \"{Reply.Excerpt(command.Question, 60)}\""));
            var posts = await PostsOfAsync(context.TeamId, hits, cancellationToken);
            blocks.Add(new ListBlock(hits.Select(hit => ToItem(hit, mention, context, posts.GetValueOrDefault(hit.Id))).ToList()));
            // Buttons for the best shared answer: "Open" shows all of it, "This helped" counts for its author and marks the
            // question answered, "Not it" keeps that answer from being first for this question again.
            if (match.TopAnswer is { } best)
            {
                blocks.Add(new ActionsBlock(AnswerActions(best.Id, best.Title, questionId)));
            }
        }

        replying?.Dispose();
        var asked = match.Group.Questions.Count;
        if (!match.Group.Answered && asked >= SuggestAfter)
        {
            // "most often" only when a wording repeats; three different wordings have none more common than the others.
            var label = (match.Group.LabelCount > 1 ? "most often as \"" : "most recently as \"") + Reply.Excerpt(match.Group.Label, 80) + "\"";
            // A shared answer is listed first but nobody has confirmed it (unsure match, or "Not it" before): saying "without a
            // written answer" under it would contradict the reply, so the note asks whether it is the one.
            blocks.Add(new NoteBlock(match.TopAnswer is { } shown && hits[0] == shown
                ? RichText.Of(
                    $"This question has come up {asked} times ({label}) and nobody has said an answer helped yet. " +
                    "If the one above answers it, press This helped; if not, once someone knows, write it down for everyone: ",
                    new CodeSpan("share <question> :: <answer>"))
                : RichText.Of(
                    $"This question has come up {asked} times without a written answer ({label}). " +
                    "Once someone knows, write it down for everyone: ",
                    new CodeSpan("share <question> :: <answer>"))));
            // Only a first delivery reaches out: a redelivered ask must not count as a new repeat.
            using var suggesting = AskStages.Start(AskStages.Suggestion);
            if (recorded.Created && await SuggestExpertAsync(command, match.Question, match.Group, context, cancellationToken) is { } suggestion)
            {
                blocks.Add(suggestion);
            }
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

    /// <summary>Names the top "who knows" person for the repeated question group, and says whether it was sent to them.</summary>
    private async Task<ReplyBlock?> SuggestExpertAsync(AskCommand command, AskedQuestion question, QuestionGroup questionGroup,
        CommandContext context, CancellationToken cancellationToken)
    {
        var group = new RepeatedQuestion(context.TeamId, questionGroup.Id, command.Question, questionGroup.Questions.Count,
            questionGroup.Questions.Select(q => q.AskerId).Append(context.UserId).ToHashSet(StringComparer.Ordinal), question.Embedding);
        if (await experts.SuggestAsync(group, context.Now, cancellationToken) is not { } suggestion)
        {
            return null;
        }

        var mention = await people.ResolveAsync(context, [suggestion.PersonId], cancellationToken);
        return new NoteBlock(RichText.Of(mention(suggestion.PersonId), " may know: what they wrote matches it best. ", suggestion.Contact switch
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
