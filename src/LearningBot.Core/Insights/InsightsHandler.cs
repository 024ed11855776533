using System.Globalization;
using LearningBot.Core.Commands;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;
using LearningBot.Core.Time;

namespace LearningBot.Core.Insights;

public sealed class InsightsHandler(TeamActivityReader reader, IPrivateLinks links, PeopleNames people) : CommandHandler<InsightsCommand>
{
    protected override async Task<BotReply> HandleAsync(InsightsCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var since = TeamClock.StartOf(command.Period, context.Now, context.TimeZone)!.Value;
        var weeks = (int)Math.Ceiling((context.Now - TeamClock.StartOfWeek(since, context.TimeZone)).TotalDays / 7);
        var activity = await reader.ReadAsync(context.TeamId, TeamClock.StartOfWeek(since, context.TimeZone), cancellationToken);
        var inPeriod = activity with
        {
            Learnings = activity.Learnings.Where(l => l.CreatedAt >= since).ToList(),
            Kudos = activity.Kudos.Where(k => k.CreatedAt >= since).ToList(),
            SharedAnswers = activity.SharedAnswers.Where(p => p.CreatedAt >= since).ToList(),
            Questions = activity.Questions.Where(q => q.CreatedAt >= since).ToList(),
        };
        var insights = InsightsCalculator.Compute(inPeriod, context.Now, context.TimeZone, Math.Max(1, weeks));
        var participantIds = inPeriod.Learnings.Select(l => l.UserId).ToHashSet(StringComparer.Ordinal);
        var participants = participantIds.Count;
        // Who was away in the period and took no part is not counted (AwayRules), as in the dashboard's weekly rates.
        var counted = Away.AwayRules.CountedMembers(inPeriod.Members.Select(m => m.UserId).Concat(participantIds), participantIds,
            inPeriod.Away, since, DateTimeOffset.MaxValue).Count; // through now: a period starts when it is said, never later
        var participation = counted == 0 ? 0 : (double)participants / counted;
        // Counts include private learnings (anonymous totals); their minutes are the author's alone.
        var minutes = inPeriod.Learnings.Shareable().Sum(l => l.Minutes ?? 0);
        var answered = inPeriod.Questions.Count(q => q.Answered);
        var mention = await people.ResolveAsync(context, insights.TopTags.Select(t => t.TopPersonId).OfType<string>(), cancellationToken);

        var when = command.Period == Period.Week ? "this week" : "this month";
        var blocks = new List<ReplyBlock>
        {
            new HeadingBlock($"Learning insights {when}"),
            new FactsBlock(
            [
                new Fact("Learnings", $"{inPeriod.Learnings.Count} from {Reply.Plural(participants, "person", "people")} ({Percent(participation)} of {counted}"
                                      + (counted < insights.MemberCount ? $"; {insights.MemberCount - counted} away" : string.Empty) + ")"),
                new Fact("Time spent learning", minutes > 0 ? Reply.Duration(minutes) : "none logged"),
                new Fact("Kudos", $"{inPeriod.Kudos.Sum(k => k.ReceiverIds.Count)} · reached {Percent(insights.RecognitionSpread)} of the team"),
                new Fact("Shared answers", inPeriod.SharedAnswers.Count.ToString(CultureInfo.InvariantCulture)),
                new Fact("Questions", $"{inPeriod.Questions.Count} asked · {answered} found an answer"),
            ]),
        };
        if (insights.Offers.Offered > 0)
        {
            blocks.Add(new FactsBlock([new Fact("Answers offered in channels",
                $"{insights.Offers.Offered} · {insights.Offers.Helped} helped · {insights.Offers.NotIt} not it")]));
        }

        if (insights.UnansweredTopics.Count > 0)
        {
            blocks.Add(new TextBlock(RichText.Of(new StrongSpan("Write this down next"))));
            blocks.Add(new ListBlock(insights.UnansweredTopics.Take(3)
                .Select(t => new ListItem(t.Label, $"asked {Reply.Plural(t.Count, "time")}")).ToList()));
        }

        // Kudos per team value (#ownership …): which values people see lived, counted per receiver like the kudos total.
        var byValue = inPeriod.Kudos.Where(k => k.Value is not null)
            .GroupBy(k => k.Value!, StringComparer.Ordinal)
            .Select(g => (Value: g.Key, Count: g.Sum(k => k.ReceiverIds.Count)))
            .OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal).ToList();
        if (byValue.Count > 0)
        {
            blocks.Add(new TextBlock(RichText.Of(new StrongSpan("Kudos by value"))));
            blocks.Add(new ListBlock(byValue.Take(5).Select(v => new ListItem(RichText.Of($"#{v.Value}"), Reply.Plural(v.Count, "kudos", "kudos"))).ToList()));
        }

        if (insights.TopTags.Count > 0)
        {
            blocks.Add(new TextBlock(RichText.Of(new StrongSpan("Top topics"))));
            blocks.Add(new ListBlock(insights.TopTags.Take(3).Select(t => new ListItem(
                t.TopPersonId is null ? RichText.Of($"#{t.Tag}") : RichText.Of($"#{t.Tag} — ask ", mention(t.TopPersonId)),
                Reply.Plural(t.Count, "mention"))).ToList()));
        }

        blocks.Add(new NoteBlock(RichText.Of(new LinkSpan("Open the team dashboard", links.Dashboard(context.TeamId, context.UserId)),
            $" (a private link, valid for {links.Lifetime.TotalMinutes:0} minutes)")));
        return Reply.Notice(ReplyKind.Digest, [.. blocks]);
    }

    private static string Percent(double share) => share.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", string.Empty, StringComparison.Ordinal);
}
