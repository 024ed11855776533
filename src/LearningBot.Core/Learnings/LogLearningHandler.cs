using LearningBot.Core.Commands;
using LearningBot.Core.Replies;
using LearningBot.Core.Time;

namespace LearningBot.Core.Learnings;

public sealed class LogLearningHandler(ILearningRepository learnings) : CommandHandler<LogLearningCommand>
{
    // Enough history for any realistic streak, without reading a person's whole log.
    private static readonly TimeSpan StreakHorizon = TimeSpan.FromDays(2 * 365);

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

        var marks = await learnings.ListMarksAsync(context.TeamId, context.UserId, context.Now - StreakHorizon, cancellationToken);
        var streak = WeeklyStreak.Count(marks.Select(m => m.CreatedAt), context.Now, context.TimeZone);
        var weekStart = TeamClock.StartOfWeek(context.Now, context.TimeZone);
        var thisWeek = marks.Where(m => m.CreatedAt >= weekStart).ToList();
        var minutesThisWeek = thisWeek.Sum(m => m.Minutes ?? 0);

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
