using LearningBot.Core.Commands;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;
using LearningBot.Core.Time;

namespace LearningBot.Core.Insights;

/// <summary>A person's own page in chat: what they learned, shared and were thanked for.</summary>
public sealed class MeHandler(ILearningRepository learnings, IKudosRepository kudos, IKnowledgeRepository knowledge, PeopleNames people,
    IPrivateLinks links, Away.IAwayRepository away, Settings.IPersonSettingsRepository personal)
    : CommandHandler<MeCommand>
{
    protected override async Task<BotReply> HandleAsync(MeCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        // Counted by the store, never by reading the person's entries (issue 18): one aggregate for all time and this month, and
        // the streak's week windows.
        var (all, thisMonth) = await learnings.TallyAllTimeAndSinceAsync(context.TeamId, context.UserId,
            TeamClock.StartOfMonth(context.Now, context.TimeZone), cancellationToken);
        var streak = await learnings.WeeklyStreakAsync(context, cancellationToken);
        var received = await kudos.ListReceivedAsync(context.TeamId, context.UserId, 5, cancellationToken);
        var posts = await knowledge.ListAsync(new KnowledgeQuery(context.TeamId, context.UserId, null, 1000), cancellationToken);
        var mention = await people.ResolveAsync(context, received.Select(g => g.GiverId), cancellationToken);

        var blocks = new List<ReplyBlock>
        {
            new HeadingBlock($"{context.Message.UserName}'s learning"),
            new FactsBlock(
            [
                new Fact("Learnings", $"{all.Count} in all · {thisMonth.Count} this month"
                                      + (all.PrivateCount > 0 ? $" ({all.PrivateCount} private)" : string.Empty)),
                new Fact("Streak", Reply.Plural(streak, "week") + " in a row"),
                new Fact("Time this month", thisMonth.Minutes is var minutes and > 0 ? Reply.Duration(minutes) : "none logged"),
                new Fact("Shared answers", $"{posts.Count} · helped {Reply.Plural(posts.Sum(p => p.HelpfulCount), "person", "people")}"),
                new Fact("Ask me", (await personal.GetAsync(context.TeamId, context.UserId, cancellationToken)).AskMe
                    ? "on (repeated questions on your topics come to you)" : "off (settings ask-me on)"),
            ]),
        };
        if (await away.GetAsync(context.TeamId, context.UserId, cancellationToken) is { } period && period.IsAwayAt(context.Now))
        {
            blocks.Insert(1, new TextBlock(RichText.Of("🌴 Away until ", new StrongSpan(period.LastDay.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture)),
                ": no nudges, not counted in participation. Say ", new CodeSpan("back"), " to end it.")));
        }

        if (received.Count > 0)
        {
            blocks.Add(new TextBlock(RichText.Of(new StrongSpan("Kudos you received"))));
            blocks.Add(new ListBlock(received.Select(g => new ListItem(RichText.Of(mention(g.GiverId), ": ", Reply.Excerpt(g.Reason, 160)),
                Reply.Date(g.CreatedAt, context.TimeZone))).ToList()));
        }

        if (posts.Count > 0)
        {
            blocks.Add(new TextBlock(RichText.Of(new StrongSpan("Your most helpful answers"))));
            blocks.Add(new ListBlock(posts.OrderByDescending(p => p.HelpfulCount).ThenByDescending(p => p.CreatedAt).Take(3)
                .Select(p => new ListItem(p.Question, $"helped {Reply.Plural(p.HelpfulCount, "person", "people")}")).ToList()));
        }

        blocks.Add(new NoteBlock(RichText.Of("Only you see this. ", new CodeSpan("export me"), " downloads it all; ",
            new CodeSpan("forget me"), " deletes it.")));
        if (context.Message.Platform != "web")
        {
            blocks.Add(new NoteBlock(RichText.Of(new LinkSpan("Open your page on the web", links.Personal(context.TeamId, context.UserId)),
                $" (a private link, valid for {links.Lifetime.TotalMinutes:0} minutes)")));
        }
        return Reply.Notice(ReplyKind.Learnings, [.. blocks]) with { ShowsPrivateLearnings = all.PrivateCount > 0 };
    }
}
