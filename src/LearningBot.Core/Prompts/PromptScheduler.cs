using LearningBot.Core.Conversations;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Nudges;
using LearningBot.Core.Outbox;
using LearningBot.Core.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningBot.Core.Prompts;

/// <param name="Posted">Occurrences claimed and queued for posting.</param>
/// <param name="Missed">Occurrences found too late (beyond the grace window) and recorded as missed.</param>
/// <param name="Skipped">Occurrences skipped because the schedule was paused or "skip next" was set.</param>
/// <param name="Closed">Occurrences whose digest was queued.</param>
/// <param name="Nudged">Nudge DMs queued.</param>
public sealed record SchedulerRun(int Posted, int Missed, int Skipped, int Closed, int Nudged)
{
    /// <summary>Prompt reminders queued in threads.</summary>
    public int Reminded { get; init; }

    /// <summary>Answer-review DMs queued to owners.</summary>
    public int ReviewsQueued { get; init; }

    /// <summary>
    /// A list came back full (BatchSize) and this run made progress on it: more may be due right now, so the host
    /// runs again at once instead of waiting a poll interval (10,000 prompts due together would otherwise take
    /// 20 poll intervals at the default batch size).
    /// </summary>
    public bool MoreMayBeDue { get; init; }
}

/// <summary>
/// Turns due schedules into outbox messages. Safe to run on every instance at once: each occurrence
/// and each weekly nudge is claimed with a conditional write, so only one instance queues it.
/// </summary>
public sealed partial class PromptScheduler(
    IPromptRepository prompts,
    INudgeRepository nudges,
    ILearningRepository learnings,
    IMemberRepository members,
    IConversationRepository conversations,
    Away.IAwayRepository away,
    TimeProvider time,
    IOptions<SchedulerOptions> options,
    ILogger<PromptScheduler> logger,
    Knowledge.AnswerReviewSweep reviews,
    LearningBotMetrics? metrics = null)
{
    // Bounds the catch-up after a long downtime: older occurrences are recorded as missed, a few per run.
    private const int MaxOccurrencesPerScheduleAndRun = 50;

    public static DateTimeOffset CloseTime(DateTimeOffset postedAt, DateTimeOffset? nextMeeting, SchedulerOptions options)
    {
        var latest = postedAt + options.MaxAnswerWindow;
        var beforeNext = nextMeeting - options.CloseBeforeNextMeeting;
        return beforeNext is { } early && early > postedAt && early < latest ? early : latest;
    }

    public async Task<SchedulerRun> RunOnceAsync(CancellationToken cancellationToken)
    {
        using var activity = LearningBotMetrics.ActivitySource.StartActivity("scheduler run");
        var now = time.GetUtcNow();
        int posted = 0, missed = 0, skipped = 0, closed = 0, nudged = 0, nudgesClaimed = 0;
        var limit = options.Value.BatchSize;
        var schedules = await prompts.ListDueSchedulesAsync(now, limit, cancellationToken);
        foreach (var schedule in schedules)
        {
            var counts = await ClaimDueOccurrencesAsync(schedule, now, cancellationToken);
            posted += counts.Posted;
            missed += counts.Missed;
            skipped += counts.Skipped;
        }

        var toClose = await prompts.ListOccurrencesToCloseAsync(now, limit, cancellationToken);
        foreach (var occurrence in toClose)
        {
            closed += await CloseAsync(occurrence, now, cancellationToken) ? 1 : 0;
        }

        var dueNudges = await nudges.ListDueAsync(now, limit, cancellationToken);
        foreach (var subscription in dueNudges)
        {
            var (claimed, queued) = await NudgeAsync(subscription, now, cancellationToken);
            nudgesClaimed += claimed ? 1 : 0;
            nudged += queued ? 1 : 0;
        }

        var toRemind = await prompts.ListOccurrencesToRemindAsync(now, limit, cancellationToken);
        int reminded = 0, remindersTaken = 0;
        foreach (var occurrence in toRemind)
        {
            var (taken, queued) = await RemindAsync(occurrence, now, cancellationToken);
            remindersTaken += taken ? 1 : 0;
            reminded += queued ? 1 : 0;
        }

        var (reviewsDue, reviewsQueued) = await reviews.RunOnceAsync(now, limit, cancellationToken);

        activity?.SetTag("learningbot.posted", posted);
        activity?.SetTag("learningbot.closed", closed);
        activity?.SetTag("learningbot.nudged", nudged);
        // Progress is required as well as a full list, so rows that cannot be claimed never make the host spin.
        return new SchedulerRun(posted, missed, skipped, closed, nudged)
        {
            Reminded = reminded,
            ReviewsQueued = reviewsQueued,
            MoreMayBeDue = (schedules.Count >= limit && posted + missed + skipped > 0)
                           || (toClose.Count >= limit && closed > 0)
                           || (dueNudges.Count >= limit && nudgesClaimed > 0)
                           || (toRemind.Count >= limit && remindersTaken > 0)
                           || reviewsDue >= limit,
        };
    }

    private async Task<(int Posted, int Missed, int Skipped)> ClaimDueOccurrencesAsync(PromptSchedule schedule, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        int posted = 0, missed = 0, skipped = 0;
        var due = schedule.NextDueAt;
        for (var i = 0; i < MaxOccurrencesPerScheduleAndRun && due <= now; i++)
        {
            var next = schedule.Recurrence.NextAfter(due);
            var state = now - due > options.Value.GraceWindow ? OccurrenceState.Missed
                : schedule.Paused || schedule.SkipOccurrenceAt == due ? OccurrenceState.Skipped
                : OccurrenceState.Claimed;
            var closeAt = CloseTime(due, next, options.Value);
            var occurrence = new PromptOccurrence(PromptOccurrence.IdFor(schedule.ConversationKey, due), schedule.ConversationKey,
                schedule.TeamId, due, state, closeAt)
            {
                RemindAt = schedule.Remind && state == OccurrenceState.Claimed ? PromptSchedule.ReminderTime(due, closeAt) : null,
            };
            var post = state == OccurrenceState.Claimed
                ? new OutboxMessage(StableId.Of("prompt-post", occurrence.Id), schedule.TeamId, schedule.ConversationKey,
                    OutboxPurpose.PromptPost, occurrence.Id, PromptMessages.Question(schedule.Question), now)
                : null;
            if (!await prompts.ClaimOccurrenceAsync(occurrence, post, next ?? DateTimeOffset.MaxValue, cancellationToken))
            {
                break; // another instance claimed it and moved the schedule on
            }

            LogOccurrence(schedule.ConversationKey, due, state);
            // Lag: how late this instance claimed the occurrence (poll interval, downtime, storage slowness).
            metrics?.SchedulerLag("prompt", state.ToString().ToLowerInvariant(), now - due);
            switch (state)
            {
                case OccurrenceState.Claimed: posted++; break;
                case OccurrenceState.Missed: missed++; break;
                default: skipped++; break;
            }

            if (next is null)
            {
                break;
            }

            due = next.Value;
        }

        return (posted, missed, skipped);
    }

    private async Task<bool> CloseAsync(PromptOccurrence occurrence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var answers = await learnings.ListAsync(
            new LearningQuery(occurrence.TeamId, null, null, 500) { OccurrenceId = occurrence.Id }, cancellationToken);
        var names = await members.GetDisplayNamesAsync(occurrence.TeamId, answers.Select(a => a.UserId).Distinct().ToList(), cancellationToken);
        var digest = new OutboxMessage(StableId.Of("prompt-digest", occurrence.Id), occurrence.TeamId, occurrence.ConversationKey,
            OutboxPurpose.PromptDigest, occurrence.Id, PromptMessages.Digest(answers.Reverse().ToList(), names), now)
        {
            ThreadId = occurrence.PostedMessageId,
        };
        return await prompts.CloseOccurrenceAsync(occurrence.Id, digest, cancellationToken);
    }

    /// <summary>
    /// The one reminder of an occurrence, in its thread. Taken without a message when it is too late (the digest is due) or the
    /// channel turned reminders off since the prompt was posted.
    /// </summary>
    private async Task<(bool Taken, bool Queued)> RemindAsync(PromptOccurrence occurrence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        OutboxMessage? reminder = null;
        if (now < occurrence.CloseAt && occurrence.PostedMessageId is { Length: > 0 } thread
            && await prompts.GetScheduleAsync(occurrence.TeamId, occurrence.ConversationKey, cancellationToken) is { Remind: true } schedule)
        {
            reminder = new OutboxMessage(StableId.Of("prompt-reminder", occurrence.Id), occurrence.TeamId, occurrence.ConversationKey,
                OutboxPurpose.PromptReminder, occurrence.Id,
                PromptMessages.Reminder(occurrence.CloseAt, TeamClock.FindOrUtc(schedule.Recurrence.TimeZoneId)), now)
            {
                ThreadId = thread,
            };
        }

        var taken = await prompts.ClaimReminderAsync(occurrence.Id, reminder, cancellationToken);
        return (taken, taken && reminder is not null);
    }

    /// <returns>Whether this instance claimed the week, and whether it queued a DM (not when missed or without a DM conversation).</returns>
    private async Task<(bool Claimed, bool Queued)> NudgeAsync(NudgeSubscription subscription, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var due = subscription.NextDueAt;
        var next = subscription.Recurrence.NextAfter(now) ?? DateTimeOffset.MaxValue;
        var weekKey = TeamClock.StartOfWeek(due, TeamClock.FindOrUtc(subscription.Recurrence.TimeZoneId)).ToString("yyyy-MM-dd");
        OutboxMessage? dm = null;
        // Someone away gets no nudge that week: the week is claimed without a DM, like a missed one.
        var awayPeriod = await away.GetAsync(subscription.TeamId, subscription.UserId, cancellationToken);
        if (now - due <= options.Value.GraceWindow && awayPeriod?.IsAwayAt(due) != true
            && await conversations.FindPersonalAsync(subscription.TeamId, subscription.UserId, cancellationToken) is { } personal)
        {
            var names = await members.GetDisplayNamesAsync(subscription.TeamId, [subscription.UserId], cancellationToken);
            dm = new OutboxMessage(StableId.Of("nudge", subscription.TeamId, subscription.UserId, weekKey), subscription.TeamId,
                personal.Key, OutboxPurpose.Nudge, weekKey,
                PromptMessages.Nudge(names.TryGetValue(subscription.UserId, out var name) ? name : "there"), now);
        }

        var claimed = await nudges.ClaimAsync(subscription, due, weekKey, dm, next, cancellationToken);
        if (claimed)
        {
            metrics?.SchedulerLag("nudge", dm is null ? "missed" : "claimed", now - due);
        }

        return (claimed, claimed && dm is not null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prompt occurrence {ScheduledAt:o} of {ConversationKey}: {State}")]
    private partial void LogOccurrence(string conversationKey, DateTimeOffset scheduledAt, OccurrenceState state);
}
