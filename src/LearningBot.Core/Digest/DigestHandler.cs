using LearningBot.Core.Commands;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;
using LearningBot.Core.Time;

namespace LearningBot.Core.Digest;

/// <summary>The week in one message: learnings grouped by tag, then kudos.</summary>
public sealed class DigestHandler(ILearningRepository learnings, IKudosRepository kudos, PeopleNames people) : CommandHandler<DigestCommand>
{
    private const int MaxTags = 8;
    private const int MaxItemsPerTag = 5;
    private const string Untagged = "other";

    protected override async Task<BotReply> HandleAsync(DigestCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var weekStart = TeamClock.StartOfWeek(context.Now, context.TimeZone);
        var entries = await learnings.ListAsync(new LearningQuery(context.TeamId, null, weekStart, 1000), cancellationToken);
        var gifts = await kudos.ListSinceAsync(context.TeamId, weekStart, 200, cancellationToken);
        var heading = $"This week in learning · since {Reply.Date(weekStart, context.TimeZone)}";
        if (entries.Count == 0 && gifts.Count == 0)
        {
            return new BotReply(ReplyKind.Digest, ReplyAudience.Channel,
            [
                new HeadingBlock(heading),
                new TextBlock("Quiet week so far — a good time to share one small thing you learned."),
                new NoteBlock(RichText.Of("Try ", new CodeSpan(LearnedGrammar.Usage.Example))),
            ]);
        }

        var mention = await people.ResolveAsync(context,
            entries.Select(e => e.UserId).Concat(gifts.SelectMany(g => g.ReceiverIds.Append(g.GiverId))), cancellationToken);
        var blocks = new List<ReplyBlock>
        {
            new HeadingBlock(heading),
            new TextBlock($"{Reply.Plural(entries.Count, "learning")} from {Reply.Plural(entries.Select(e => e.UserId).Distinct().Count(), "person", "people")}"
                          + $" · {Reply.Plural(gifts.Sum(g => g.ReceiverIds.Count), "kudos", "kudos")}"),
        };

        var byTag = entries
            .SelectMany(e => (e.Tags.Count > 0 ? e.Tags : [Untagged]).Select(tag => (Tag: tag, Entry: e)))
            .GroupBy(x => x.Tag, x => x.Entry)
            .OrderBy(g => g.Key == Untagged).ThenByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(MaxTags);
        foreach (var group in byTag)
        {
            blocks.Add(new TextBlock(RichText.Of(new StrongSpan($"{(group.Key == Untagged ? "Other" : "#" + group.Key)} ({group.Count()})"))));
            blocks.Add(new ListBlock(group.Take(MaxItemsPerTag)
                .Select(e => new ListItem(RichText.Of(mention(e.UserId), ": ", Reply.Excerpt(e.Text, 200)))).ToList()));
        }

        if (gifts.Count > 0)
        {
            // Counted like the header and the budget: one kudos per person thanked.
            blocks.Add(new TextBlock(RichText.Of(new StrongSpan($"Kudos ({gifts.Sum(g => g.ReceiverIds.Count)})"))));
            blocks.Add(new ListBlock(gifts.Take(MaxItemsPerTag * 2).Select(g => new ListItem(
                RichText.Of([mention(g.GiverId), " → ", .. Join(g.ReceiverIds.Select(mention)), ": ", Reply.Excerpt(g.Reason, 160)]),
                g.Value is null ? null : "#" + g.Value)).ToList()));
        }

        blocks.Add(new NoteBlock("Thank you to everyone who shared. Small notes add up."));
        return new BotReply(ReplyKind.Digest, ReplyAudience.Channel, blocks);
    }

    private static IEnumerable<Span> Join(IEnumerable<MentionSpan> mentions)
    {
        var first = true;
        foreach (var mention in mentions)
        {
            if (!first)
            {
                yield return ", ";
            }

            first = false;
            yield return mention;
        }
    }
}
