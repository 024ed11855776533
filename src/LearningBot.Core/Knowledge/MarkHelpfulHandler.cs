using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// "This helped": counts one per person for the answer's author (never the author's own vote, as kudos never thank oneself) and,
/// when the button names the question it was shown for, marks that question answered (so it leaves "write this down next"). Only
/// the person who asked decides whether their question was answered (<see cref="AnswerVerdicts"/>): a colleague's click under an
/// answer offered in a channel thread counts for the answer, not for the question.
/// </summary>
public sealed class MarkHelpfulHandler(IKnowledgeRepository knowledge, IQuestionRepository questions) : CommandHandler<MarkHelpfulCommand>
{
    protected override async Task<BotReply> HandleAsync(MarkHelpfulCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var shown = await knowledge.GetAsync(context.TeamId, command.PostId, cancellationToken);
        if (shown is null)
        {
            return Reply.Notice(ReplyKind.Error, new TextBlock("I couldn't find that shared answer — it may have been removed."));
        }

        if (command.QuestionId is { } questionId
            && await questions.GetAsync(context.TeamId, questionId, cancellationToken) is { } question
            && AnswerVerdicts.IsTheAskersVerdict(question, shown.Id, context.UserId))
        {
            await questions.SetVerdictAsync(context.TeamId, questionId, shown.Id, AnswerVerdict.Helped, cancellationToken);
        }

        if (shown.AuthorId == context.UserId)
        {
            return Reply.Notice(ReplyKind.Confirmation, new TextBlock(RichText.Of("That's your own answer — glad it's written down. ",
                new StrongSpan(shown.Question), $" has helped {Reply.Plural(shown.HelpfulCount, "person", "people")}; it counts each colleague it helps.")));
        }

        var post = await knowledge.MarkHelpfulAsync(context.TeamId, command.PostId, context.UserId, cancellationToken) ?? shown;
        return Reply.Notice(ReplyKind.Confirmation,
            new TextBlock(RichText.Of("Glad it helped! ", new StrongSpan(post.Question), $" has now helped {Reply.Plural(post.HelpfulCount, "person", "people")}.")));
    }
}

/// <summary>
/// "Not it": the shared answer shown did not answer the question. The question counts as unanswered again, and that answer is
/// not shown first for the question's group of paraphrases any more (<see cref="QuestionGroup.Rejected"/>). Only the person who
/// asked, and only for the answer that was shown to them (<see cref="AnswerVerdicts"/>).
/// </summary>
public sealed class NotItHandler(IQuestionRepository questions) : CommandHandler<NotItCommand>
{
    protected override async Task<BotReply> HandleAsync(NotItCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var question = await questions.GetAsync(context.TeamId, command.QuestionId, cancellationToken);
        if (question is null)
        {
            return Reply.Notice(ReplyKind.Error, new TextBlock("I couldn't find that question any more — it may have been removed."));
        }

        if (question.AskerId != context.UserId)
        {
            return Reply.Notice(ReplyKind.Error,
                new TextBlock("Only the person who asked can say whether this answered their question."),
                new NoteBlock(RichText.Of("Looking for something else? Ask it in your own words: ", new CodeSpan("ask <question>"))));
        }

        if (question.TopAnswerId != command.PostId)
        {
            return Reply.Notice(ReplyKind.Error, new TextBlock("That button points at an answer I didn't show for this question."));
        }

        await questions.SetVerdictAsync(context.TeamId, command.QuestionId, command.PostId, AnswerVerdict.NotIt, cancellationToken);
        return Reply.Notice(ReplyKind.Confirmation,
            new TextBlock("Thanks — I won't show that answer first for this question again."),
            new NoteBlock(RichText.Of("If you find the answer, write it down for everyone: ", new CodeSpan("share <question> :: <answer>"))));
    }
}

/// <summary>
/// Who may say whether a recorded question was answered: the person who asked it, about the shared answer shown first for it
/// (<see cref="AskedQuestion.TopAnswerId"/>, the one the buttons carry). The button commands can be typed too (<c>helped &lt;post&gt;
/// &lt;question&gt;</c>), and an answer offered in a channel thread shows its buttons to everyone there.
/// </summary>
public static class AnswerVerdicts
{
    /// <summary>True when <paramref name="userId"/> asked <paramref name="question"/> and <paramref name="postId"/> is the answer shown for it.</summary>
    public static bool IsTheAskersVerdict(AskedQuestion question, string postId, string userId) =>
        question.AskerId == userId && question.TopAnswerId == postId;
}
