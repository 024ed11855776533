using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// "This helped": counts one per person for the answer's author and, when the button names the question it was shown for,
/// marks that question answered (so it leaves "write this down next").
/// </summary>
public sealed class MarkHelpfulHandler(IKnowledgeRepository knowledge, IQuestionRepository questions) : CommandHandler<MarkHelpfulCommand>
{
    protected override async Task<BotReply> HandleAsync(MarkHelpfulCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var post = await knowledge.MarkHelpfulAsync(context.TeamId, command.PostId, context.UserId, cancellationToken);
        if (post is null)
        {
            return Reply.Notice(ReplyKind.Error, new TextBlock("I couldn't find that shared answer — it may have been removed."));
        }

        if (command.QuestionId is { } questionId)
        {
            await questions.SetVerdictAsync(context.TeamId, questionId, post.Id, AnswerVerdict.Helped, cancellationToken);
        }

        return Reply.Notice(ReplyKind.Confirmation,
            new TextBlock(RichText.Of("Glad it helped! ", new StrongSpan(post.Question), $" has now helped {Reply.Plural(post.HelpfulCount, "person", "people")}.")));
    }
}

/// <summary>
/// "Not it": the shared answer shown did not answer the question. The question counts as unanswered again, and that answer is
/// not shown first for the question's group of paraphrases any more (<see cref="QuestionGroup.Rejected"/>).
/// </summary>
public sealed class NotItHandler(IQuestionRepository questions) : CommandHandler<NotItCommand>
{
    protected override async Task<BotReply> HandleAsync(NotItCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var question = await questions.SetVerdictAsync(context.TeamId, command.QuestionId, command.PostId, AnswerVerdict.NotIt, cancellationToken);
        if (question is null)
        {
            return Reply.Notice(ReplyKind.Error, new TextBlock("I couldn't find that question any more — it may have been removed."));
        }

        return Reply.Notice(ReplyKind.Confirmation,
            new TextBlock("Thanks — I won't show that answer first for this question again."),
            new NoteBlock(RichText.Of("If you find the answer, write it down for everyone: ", new CodeSpan("share <question> :: <answer>"))));
    }
}
