using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

public sealed class MarkHelpfulHandler(IKnowledgeRepository knowledge) : CommandHandler<MarkHelpfulCommand>
{
    protected override async Task<BotReply> HandleAsync(MarkHelpfulCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var post = await knowledge.MarkHelpfulAsync(context.TeamId, command.PostId, context.UserId, cancellationToken);
        if (post is null)
        {
            return Reply.Notice(ReplyKind.Error, new TextBlock("I couldn't find that shared answer — it may have been removed."));
        }

        return Reply.Notice(ReplyKind.Confirmation,
            new TextBlock(RichText.Of("Glad it helped! ", new StrongSpan(post.Question), $" has now helped {Reply.Plural(post.HelpfulCount, "person", "people")}.")));
    }
}
