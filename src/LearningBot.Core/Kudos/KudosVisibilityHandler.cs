using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Kudos;

/// <summary><c>kudos hide me</c> / <c>kudos show me</c>: leave or rejoin both boards; kudos given and received still count for the team.</summary>
public sealed class KudosVisibilityHandler(IKudosRepository kudos) : CommandHandler<KudosVisibilityCommand>
{
    protected override async Task<BotReply> HandleAsync(KudosVisibilityCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        await kudos.SetHiddenFromBoardsAsync(context.TeamId, context.UserId, command.Hidden, cancellationToken);
        return command.Hidden
            ? Reply.Notice(ReplyKind.Confirmation,
                new TextBlock("Done: you're off the kudos boards (received and given)."),
                new NoteBlock(RichText.Of("Your kudos still count in the team's totals and insights. Come back any time with ",
                    new CodeSpan("kudos show me"))))
            : Reply.Notice(ReplyKind.Confirmation,
                new TextBlock("Welcome back: you're on the kudos boards again."),
                new NoteBlock(RichText.Of("Leave them any time with ", new CodeSpan("kudos hide me"))));
    }
}
