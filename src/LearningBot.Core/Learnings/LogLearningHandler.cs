using LearningBot.Core.Commands;
using LearningBot.Core.Replies;
using LearningBot.Core.Time;

namespace LearningBot.Core.Learnings;

public sealed class LogLearningHandler(ILearningRepository learnings) : CommandHandler<LogLearningCommand>
{
    protected override async Task<BotReply> HandleAsync(LogLearningCommand command, CommandContext context,
        CancellationToken cancellationToken)
    {
        var entry = new LearningEntry(context.NewId(), context.TeamId, context.UserId, command.Text, command.Tags,
            command.Minutes, context.Now, context.Message.IdempotencyKey)
        {
            IsPrivate = command.IsPrivate,
            SourceMessage = context.Message.SourceMessage,
        };
        var stored = await learnings.AddAsync(entry, cancellationToken);

        // Reads bounded by what the reply shows, not by the person's history (issue 18): one aggregate for this week, and
        // the streak's weeks in windows that grow only while the streak fills them.
        var thisWeek = await learnings.TallyAsync(context.TeamId, context.UserId, TeamClock.StartOfWeek(context.Now, context.TimeZone),
            cancellationToken);
        var streak = await learnings.WeeklyStreakAsync(context, cancellationToken);
        var minutesThisWeek = thisWeek.Minutes;

        var facts = new List<Fact>();
        if (stored.Value.Tags.Count > 0)
        {
            facts.Add(new Fact("Tags", Reply.Tags(stored.Value.Tags)));
        }

        if (stored.Value.Minutes is { } minutes)
        {
            facts.Add(new Fact("Time spent", Reply.Duration(minutes)));
        }

        if (stored.Value.IsPrivate)
        {
            facts.Add(new Fact("Visibility", "private: only you see it; it counts in anonymous totals"));
        }

        facts.Add(new Fact("Streak", streak == 1 ? "1 week — a fine start" : $"{streak} weeks in a row"));
        facts.Add(new Fact("This week", Reply.Plural(thisWeek.Count, "learning")
                                        + (minutesThisWeek > 0 ? $" · {Reply.Duration(minutesThisWeek)}" : string.Empty)));

        return new BotReply(ReplyKind.Confirmation, ReplyAudience.Requester,
        [
            new HeadingBlock($"Logged — nice one, {context.Message.UserName}!"),
            new TextBlock(RichText.Of(new StrongSpan(stored.Value.Text))),
            new FactsBlock(facts),
            LearningEdits.TypedForms(stored.Value),
            LearningEdits.Buttons(stored.Value),
        ])
        {
            IsRedelivery = !stored.Created,
            ShowsPrivateLearnings = stored.Value.IsPrivate,
        };
    }
}
