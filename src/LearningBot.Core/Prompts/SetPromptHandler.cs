using LearningBot.Core.Commands;
using LearningBot.Core.Conversations;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;

namespace LearningBot.Core.Prompts;

public sealed class SetPromptHandler(IPromptRepository prompts, IConversationRepository conversations) : CommandHandler<SetPromptCommand>
{
    protected override async Task<BotReply> HandleAsync(SetPromptCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        if ((PromptAccess.Refusal(context) ?? PromptAccess.NoThreads(context)) is { } refusal)
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
                Remind = existing?.Remind ?? false,
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
            return Reply.Error("Standing-meeting prompts live in a channel: run this in the channel where your team meets.", PromptGrammar.Usage);
        }

        return context.Message.IsTeamAdmin
            ? null
            : Reply.Notice(ReplyKind.Error,
                new TextBlock("Only team admins can change the channel's prompt. " + context.Message.Scope.WhomToAsk),
                new NoteBlock(RichText.Of("Anyone can look: ", new CodeSpan("prompt show"))));
    }

    /// <summary>
    /// A prompt collects its answers in the thread under its post; where there are no threads (a Teams group chat) the
    /// answers would mix with the chat, so posting one is refused with what to do instead. Turning an existing
    /// prompt off, pausing or skipping it stays possible.
    /// </summary>
    public static BotReply? NoThreads(CommandContext context) => context.Message.Scope.HasThreads
        ? null
        : Reply.Notice(ReplyKind.Error,
            new TextBlock("Standing-meeting prompts need a channel: I collect the answers in a thread under the prompt, and this chat has no threads."),
            new NoteBlock(RichText.Of("Add me to your team, then in the channel where it meets: ", new CodeSpan("@LearningBot " + PromptGrammar.Usage.Example),
                ". Here, anyone can still log what they learned: ", new CodeSpan("@LearningBot learned …"))));

    public static BotReply Describe(string heading, PromptSchedule schedule, ReplyAudience audience)
    {
        var zone = Time.TeamClock.FindOrUtc(schedule.Recurrence.TimeZoneId);
        string Format(DateTimeOffset at) =>
            TimeZoneInfo.ConvertTime(at, zone).ToString("ddd d MMM HH:mm", System.Globalization.CultureInfo.InvariantCulture);

        // A skipped occurrence is not "next": the one after it is, and the skipped one is named as such.
        var skipped = !schedule.Paused && schedule.SkipOccurrenceAt == schedule.NextDueAt;
        var next = skipped ? schedule.Recurrence.NextAfter(schedule.NextDueAt) : schedule.NextDueAt;
        var status = schedule.Paused ? "paused" : skipped ? "on, one skipped" : "on";
        List<Fact> facts =
        [
            new("When", schedule.Recurrence.Describe()),
            new("Question", schedule.Question),
            new("Next", schedule.Paused ? "none while paused" : next is { } at ? Format(at) : "none"),
        ];
        if (skipped)
        {
            facts.Add(new Fact("Skipped", Format(schedule.NextDueAt)));
        }

        facts.Add(new Fact("Reminder", schedule.Remind ? "one in the thread an hour before the digest" : "off"));
        facts.Add(new Fact("Status", status));
        return new BotReply(ReplyKind.Prompt, audience,
        [
            new HeadingBlock(heading),
            new FactsBlock(facts),
            new NoteBlock("Answers in the thread become learnings; a digest follows before the next meeting."),
        ]);
    }
}
