using LearningBot.Core.Commands;
using LearningBot.Core.Outbox;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;
using Microsoft.Extensions.Options;

namespace LearningBot.Core.Prompts;

public sealed class PromptActionHandler(IPromptRepository prompts, IOptions<SchedulerOptions> options) : CommandHandler<PromptActionCommand>
{
    protected override async Task<BotReply> HandleAsync(PromptActionCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var key = context.Message.Conversation?.Key;
        var schedule = key is null ? null : await prompts.GetScheduleAsync(context.TeamId, key, cancellationToken);
        if (command.Action == PromptAction.Show)
        {
            return schedule is null
                ? Reply.Notice(ReplyKind.Prompt, new TextBlock("There's no standing-meeting prompt in this channel yet."),
                    new NoteBlock(RichText.Of("An admin can add one: ", new CodeSpan(PromptGrammar.Usage.Example))))
                : PromptAccess.Describe("Standing-meeting prompt", schedule, ReplyAudience.Requester);
        }

        if ((PromptAccess.Refusal(context) ?? (command.Action is PromptAction.Now or PromptAction.Resume ? PromptAccess.NoThreads(context) : null))
            is { } refusal)
        {
            return refusal;
        }

        if (schedule is null)
        {
            return Reply.Error("There's no prompt in this channel to change yet.", PromptGrammar.Usage);
        }

        switch (command.Action)
        {
            case PromptAction.Off:
                await prompts.DeleteScheduleAsync(context.TeamId, schedule.ConversationKey, cancellationToken);
                return new BotReply(ReplyKind.Prompt, ReplyAudience.Channel,
                    [new TextBlock("The standing-meeting prompt is off for this channel. Learnings and answers stay.")]);
            case PromptAction.Now:
                return await PostNowAsync(schedule, context, cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            var changed = command.Action switch
            {
                PromptAction.Pause => schedule with { Paused = true },
                PromptAction.Resume => schedule with { Paused = false, NextDueAt = schedule.Recurrence.NextAfter(context.Now)!.Value },
                PromptAction.RemindOn => schedule with { Remind = true },
                PromptAction.RemindOff => schedule with { Remind = false },
                _ => schedule with { SkipOccurrenceAt = schedule.NextDueAt },
            };
            try
            {
                var saved = await prompts.SaveScheduleAsync(changed, cancellationToken);
                var heading = command.Action switch
                {
                    PromptAction.Pause => "Prompt paused",
                    PromptAction.Resume => "Prompt resumed",
                    PromptAction.RemindOn => "Reminder on: one message in the thread an hour before the digest, from the next prompt",
                    PromptAction.RemindOff => "Reminder off",
                    _ => "The next prompt will be skipped",
                };
                return PromptAccess.Describe(heading, saved, ReplyAudience.Channel);
            }
            catch (ConcurrencyConflictException) when (attempt < 3)
            {
                schedule = await prompts.GetScheduleAsync(context.TeamId, schedule.ConversationKey, cancellationToken) ?? schedule;
            }
        }
    }

    private async Task<BotReply> PostNowAsync(PromptSchedule schedule, CommandContext context, CancellationToken cancellationToken)
    {
        var at = context.Now;
        // Named after the message, not the time: a redelivery of the same "prompt now" claims nothing new and posts nothing twice.
        var occurrence = new PromptOccurrence(StableId.Of("occurrence-now", schedule.ConversationKey, context.Message.IdempotencyKey),
            schedule.ConversationKey, schedule.TeamId, at, OccurrenceState.Claimed, PromptScheduler.CloseTime(at, schedule.NextDueAt, options.Value));
        var post = new OutboxMessage(StableId.Of("prompt-post", occurrence.Id), schedule.TeamId, schedule.ConversationKey,
            OutboxPurpose.PromptPost, occurrence.Id, PromptMessages.Question(schedule.Question), at);
        var claimed = await prompts.ClaimOccurrenceAsync(occurrence, post, nextDueAt: null, cancellationToken);
        return Reply.Notice(ReplyKind.Prompt, new TextBlock("Posting the prompt now — answers in its thread will be collected.")) with
        {
            IsRedelivery = !claimed,
        };
    }
}
