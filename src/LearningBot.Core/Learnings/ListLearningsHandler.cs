using LearningBot.Core.Commands;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;
using LearningBot.Core.Time;

namespace LearningBot.Core.Learnings;

public sealed class ListLearningsHandler(ILearningRepository learnings, PeopleNames people) : CommandHandler<ListLearningsCommand>
{
    private const int PageSize = 10;

    protected override async Task<BotReply> HandleAsync(ListLearningsCommand command, CommandContext context,
        CancellationToken cancellationToken)
    {
        var personId = command.Scope switch
        {
            LearningScope.Me => context.UserId,
            LearningScope.Person => command.PersonId,
            _ => null,
        };
        var since = TeamClock.StartOf(command.Period, context.Now, context.TimeZone);
        var entries = await learnings.ListAsync(
            new LearningQuery(context.TeamId, personId, since, PageSize) { IncludePrivate = personId == context.UserId },
            cancellationToken);
        var mention = await people.ResolveAsync(context, entries.Select(e => e.UserId).Append(personId ?? context.UserId), cancellationToken);

        var who = personId is null ? "The team's" : personId == context.UserId ? "Your" : mention(personId).DisplayName + "'s";
        var when = command.Period switch { Period.Week => " this week", Period.Month => " this month", _ => string.Empty };
        if (entries.Count == 0)
        {
            return Reply.Notice(ReplyKind.Learnings,
                new HeadingBlock($"{who} learnings{when}"),
                new TextBlock("Nothing logged here yet — a good moment to share one small thing."),
                new NoteBlock(RichText.Of("Try ", new CodeSpan(LearnedGrammar.Usage.Example))));
        }

        var items = entries.Select(e => new ListItem(
            RichText.Of(e.Text, e.Tags.Count > 0 ? " " + Reply.Tags(e.Tags) : string.Empty),
            string.Join(" · ", new[]
            {
                mention(e.UserId).DisplayName,
                Reply.Date(e.CreatedAt, context.TimeZone),
                e.Minutes is { } m ? Reply.Duration(m) : null,
                e.IsPrivate ? "private" : null,
            }.OfType<string>()))).ToList();

        return Reply.Notice(ReplyKind.Learnings,
            new HeadingBlock($"{who} learnings{when}"),
            new ListBlock(items),
            new NoteBlock(entries.Count == PageSize ? $"Showing the newest {PageSize}." : $"{Reply.Plural(entries.Count, "entry", "entries")}.")) with
        {
            ShowsPrivateLearnings = entries.Any(e => e.IsPrivate),
        };
    }
}
