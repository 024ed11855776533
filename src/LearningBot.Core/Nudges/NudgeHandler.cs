using LearningBot.Core.Commands;
using LearningBot.Core.Conversations;
using LearningBot.Core.Prompts;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Nudges;

public sealed class NudgeHandler(INudgeRepository nudges, IConversationRepository conversations) : CommandHandler<NudgeCommand>
{
    protected override async Task<BotReply> HandleAsync(NudgeCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        if (!command.On)
        {
            await nudges.DeleteAsync(context.TeamId, context.UserId, cancellationToken);
            return Reply.Notice(ReplyKind.Nudge, new TextBlock("Nudges are off. You can still log a learning any time with `learned`."));
        }

        var personal = context.Message.PrivateConversation
                       ?? (context.Message.Conversation is { Kind: ConversationKind.Personal } here ? here : null);
        if (personal is not null)
        {
            await conversations.SaveAsync(personal, cancellationToken);
        }

        var zone = context.Message.UserTimeZoneId ?? context.Settings.TimeZoneId;
        var recurrence = new Recurrence([command.Day ?? NudgeSubscription.DefaultDay], command.At ?? NudgeSubscription.DefaultTime, zone);
        await nudges.SaveAsync(new NudgeSubscription(context.TeamId, context.UserId, recurrence, recurrence.NextAfter(context.Now)!.Value),
            cancellationToken);

        var blocks = new List<ReplyBlock>
        {
            new TextBlock($"Nudges on: {recurrence.Describe()}. Reply to the DM and I'll log it."),
            new NoteBlock(RichText.Of("Say ", new CodeSpan("nudge off"), " any time.")),
        };
        if (await conversations.FindPersonalAsync(context.TeamId, context.UserId, cancellationToken) is null)
        {
            blocks.Add(new NoteBlock("Send me a direct message once, so I can reach you there."));
        }

        return Reply.Notice(ReplyKind.Nudge, [.. blocks]);
    }
}
