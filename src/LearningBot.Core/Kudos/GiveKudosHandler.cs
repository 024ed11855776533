using LearningBot.Core.Commands;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;
using LearningBot.Core.Time;

namespace LearningBot.Core.Kudos;

public sealed class GiveKudosHandler(IKudosRepository kudos, PeopleNames people) : CommandHandler<GiveKudosCommand>
{
    protected override async Task<BotReply> HandleAsync(GiveKudosCommand command, CommandContext context,
        CancellationToken cancellationToken)
    {
        var receivers = command.ReceiverIds.Where(id => id != context.UserId).ToList();
        var thankedSelf = receivers.Count < command.ReceiverIds.Count;
        if (receivers.Count == 0)
        {
            return Reply.Notice(ReplyKind.Error,
                new TextBlock("Kudos are for thanking someone else — but it sounds like you did something worth being proud of."),
                new NoteBlock(RichText.Of("Log it as a learning instead: ", new CodeSpan("learned " + command.Reason))));
        }

        var budget = new KudosBudget(context.Settings.KudosWeeklyBudget, TeamClock.StartOfWeek(context.Now, context.TimeZone));
        var gift = new KudosGift(context.NewId(), context.TeamId, context.UserId, receivers, command.Reason, command.Value,
            context.Now, context.Message.IdempotencyKey);
        var result = await kudos.GiveAsync(gift, budget, cancellationToken);

        if (result.Status == KudosGiveStatus.OverBudget)
        {
            var problem = result.RemainingThisWeek == 0
                ? $"You've given all {budget.WeeklyLimit} kudos for this week — thank you for being generous! Your budget refills on Monday."
                : $"That's {Reply.Plural(receivers.Count, "kudos", "kudos")}, and you have {result.RemainingThisWeek} left this week. Try thanking fewer people at once.";
            return Reply.Notice(ReplyKind.Error, new TextBlock(problem),
                new NoteBlock("Nothing was posted. A thank-you in the thread always counts too."));
        }

        var stored = result.Gift;
        var mention = await people.ResolveAsync(context, stored.ReceiverIds.Append(stored.GiverId), cancellationToken);
        var headline = new List<Span> { mention(stored.GiverId), " gave kudos to " };
        for (var i = 0; i < stored.ReceiverIds.Count; i++)
        {
            headline.Add(i == 0 ? string.Empty : i == stored.ReceiverIds.Count - 1 ? " and " : ", ");
            headline.Add(mention(stored.ReceiverIds[i]));
        }

        var note = $"{(stored.Value is null ? string.Empty : "#" + stored.Value + " · ")}{mention(stored.GiverId).DisplayName} has {result.RemainingThisWeek} of {budget.WeeklyLimit} kudos left this week.";
        var blocks = new List<ReplyBlock>
        {
            new HeadingBlock("🎉 Kudos!"),
            new TextBlock(new RichText(headline)),
            new TextBlock(RichText.Of("For ", new StrongSpan(stored.Reason))),
            new NoteBlock(note),
        };
        if (thankedSelf)
        {
            blocks.Add(new NoteBlock("(I left you out of the list — kudos are for others, but well done all the same.)"));
        }

        var directMessage = new BotReply(ReplyKind.Kudos, ReplyAudience.Requester,
        [
            new TextBlock(RichText.Of(mention(stored.GiverId), " gave you kudos for ", new StrongSpan(stored.Reason))),
            new NoteBlock("Recognition like this is how a team learns what good help looks like. 🙌"),
        ]);

        return new BotReply(ReplyKind.Kudos, ReplyAudience.Channel, blocks)
        {
            DirectMessages = stored.ReceiverIds.Select(id => new DirectMessage(id, directMessage)).ToList(),
            IsRedelivery = result.Status == KudosGiveStatus.AlreadyGiven,
        };
    }
}
