using LearningBot.Core.Commands;
using LearningBot.Core.Conversations;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;

namespace LearningBot.Core.Prompts;

public sealed class SetPromptHandler(IPromptRepository prompts, IConversationRepository conversations) : CommandHandler<SetPromptCommand>
{
    protected override async Task<BotReply> HandleAsync(SetPromptCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        if (PromptAccess.Refusal(context) is { } refusal)
        {
            return refusal;
        }

        var conversation = context.Message.Conversation!;
        await conversations.SaveAsync(conversation, cancellationToken);
        var recurrence = new Recurrence(command.Days, command.At, command.TimeZoneId ?? context.Settings.TimeZoneId);
        var next = recurrence.NextAfter(context.Now)!.Value;

        // Read-modify-write: the scheduler may advance the same schedule at this moment.
        for (var attempt = 1; ; attempt++)
        {
            var existing = await prompts.GetScheduleAsync(context.TeamId, conversation.Key, cancellationToken);
            var schedule = new PromptSchedule(conversation.Key, context.TeamId, recurrence,
                command.Question ?? existing?.Question ?? PromptSchedule.DefaultQuestion, next)
            {
                Version = existing?.Version,
            };
            try
            {
                var saved = await prompts.SaveScheduleAsync(schedule, cancellationToken);
                return PromptAccess.Describe("Standing-meeting prompt set", saved, ReplyAudience.Channel);
            }
            catch (ConcurrencyConflictException) when (attempt < 3)
            {
            }
        }
    }
}

/// <summary>Who may change a channel's prompt, and how a schedule is shown.</summary>
internal static class PromptAccess
{
    public static BotReply? Refusal(CommandContext context)
    {
        if (context.Message.Conversation is not { Kind: not ConversationKind.Personal })
        {
            return Reply.Error("Standing-meeting prompts live in a channel: run this in the channel where your team meets.", CommandCatalog.Prompt);
        }

        return context.Message.IsTeamAdmin
            ? null
            : Reply.Notice(ReplyKind.Error,
                new TextBlock("Only team admins can change the channel's prompt. Ask an admin, or the person who installed me."),
                new NoteBlock(RichText.Of("Anyone can look: ", new CodeSpan("prompt show"))));
    }

    public static BotReply Describe(string heading, PromptSchedule schedule, ReplyAudience audience)
    {
        var zone = Time.TeamClock.FindOrUtc(schedule.Recurrence.TimeZoneId);
        var next = TimeZoneInfo.ConvertTime(schedule.NextDueAt, zone);
        var status = schedule.Paused ? "paused"
            : schedule.SkipOccurrenceAt == schedule.NextDueAt ? "the next one is skipped" : "on";
        return new BotReply(ReplyKind.Prompt, audience,
        [
            new HeadingBlock(heading),
            new FactsBlock(
            [
                new Fact("When", schedule.Recurrence.Describe()),
                new Fact("Question", schedule.Question),
                new Fact("Next", next.ToString("ddd d MMM HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
                new Fact("Status", status),
            ]),
            new NoteBlock("Answers in the thread become learnings; a digest follows before the next meeting."),
        ]);
    }
}
