using LearningBot.Core.Commands;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Kudos;

/// <summary>
/// Gives kudos, from <c>kudos …</c>, inline (<c>@bo ++ …</c>) or by reaction, under one set of rules: the team's budget per
/// period, no kudos to oneself or to bots, one gift per message per giver (the message's idempotency key), the team's values.
/// A command is answered in the channel; inline and reaction kudos quietly (<see cref="BotReply.IsQuiet"/>). Refusals are private.
/// </summary>
public sealed class GiveKudosHandler(IKudosRepository kudos, PeopleNames people) : CommandHandler<GiveKudosCommand>
{
    protected override async Task<BotReply> HandleAsync(GiveKudosCommand command, CommandContext context,
        CancellationToken cancellationToken)
    {
        var reply = await GiveAsync(command, context, cancellationToken);
        // Refusals are the giver's business alone; inline and reaction kudos weren't even addressed to the bot.
        return reply.Audience == ReplyAudience.Requester ? reply with { IsPrivateNotice = true } : reply;
    }

    private async Task<BotReply> GiveAsync(GiveKudosCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var bots = context.Message.Mentions.Where(m => m.IsBot).Select(m => m.UserId).ToHashSet(StringComparer.Ordinal);
        var receivers = command.ReceiverIds.Where(id => id != context.UserId && !bots.Contains(id)).ToList();
        var thankedSelf = command.ReceiverIds.Contains(context.UserId);
        var thankedBot = command.ReceiverIds.Any(bots.Contains);
        if (receivers.Count == 0)
        {
            return thankedBot && !thankedSelf
                ? Reply.Notice(ReplyKind.Error,
                    new TextBlock("Kudos are for people: bots and apps don't collect them (but the thought is kind)."),
                    new NoteBlock("Nothing was given, and no budget was used."))
                : Reply.Notice(ReplyKind.Error,
                    new TextBlock("Kudos are for thanking someone else — but it sounds like you did something worth being proud of."),
                    new NoteBlock(RichText.Of("Log it as a learning instead: ", new CodeSpan("learned " + command.Reason))));
        }

        if (KudosValues.Check(command.Value, context.Settings.Values) is { } unknownValue)
        {
            return unknownValue;
        }

        var period = context.Settings.KudosBudgetPeriod;
        var budget = new KudosBudget(context.Settings.KudosWeeklyBudget, KudosPeriods.StartOf(period, context.Now, context.TimeZone)) { Period = period };
        var gift = new KudosGift(context.NewId(), context.TeamId, context.UserId, receivers, command.Reason, command.Value,
            context.Now, context.Message.IdempotencyKey)
        {
            ChannelId = context.Message.ChannelId,
            Link = command.Link,
        };
        var result = await kudos.GiveAsync(gift, budget, cancellationToken);
        var when = KudosPeriods.Current(period);

        if (result.Status == KudosGiveStatus.OverBudget)
        {
            var problem = result.Remaining == 0
                ? $"You've given all {budget.Limit} kudos for {when} — thank you for being generous! Your budget refills {KudosPeriods.Refills(period)}."
                : $"That's {Reply.Plural(receivers.Count, "kudos", "kudos")}, and you have {result.Remaining} left {when}. Try thanking fewer people at once.";
            return Reply.Notice(ReplyKind.Error, new TextBlock(problem),
                new NoteBlock("Nothing was given. A thank-you in the thread always counts too."));
        }

        var stored = result.Gift;
        var mention = await people.ResolveAsync(context, stored.ReceiverIds.Append(stored.GiverId), cancellationToken);
        var names = new List<Span>();
        for (var i = 0; i < stored.ReceiverIds.Count; i++)
        {
            names.Add(i == 0 ? string.Empty : i == stored.ReceiverIds.Count - 1 ? " and " : ", ");
            names.Add(mention(stored.ReceiverIds[i]));
        }

        var reasonSpans = new List<Span> { new StrongSpan(stored.Reason) };
        if (stored.Link is { } link)
        {
            reasonSpans.Add(" (");
            reasonSpans.Add(new LinkSpan("the message", link));
            reasonSpans.Add(")");
        }

        var directMessage = new BotReply(ReplyKind.Kudos, ReplyAudience.Requester,
        [
            new TextBlock(new RichText([mention(stored.GiverId), " gave you kudos for ", .. reasonSpans])),
            new NoteBlock("Recognition like this is how a team learns what good help looks like. 🙌"),
        ]);
        var directMessages = stored.ReceiverIds.Select(id => new DirectMessage(id, directMessage)).ToList();
        var isRedelivery = result.Status == KudosGiveStatus.AlreadyGiven;

        if (command.Source != KudosSource.Command)
        {
            // One short line: Slack shows it as a reaction on the message, Teams as one reply in its thread.
            return new BotReply(ReplyKind.Kudos, ReplyAudience.Channel,
                [new TextBlock(new RichText([$"{KudosEmoji.Shown(context.Settings.KudosEmoji).Split(' ')[^1]} Kudos to ", .. names,
                    stored.Value is null ? string.Empty : " · #" + stored.Value]))])
            {
                IsQuiet = true,
                DirectMessages = directMessages,
                IsRedelivery = isRedelivery,
            };
        }

        var note = $"{(stored.Value is null ? string.Empty : "#" + stored.Value + " · ")}{mention(stored.GiverId).DisplayName} has {result.Remaining} of {budget.Limit} kudos left {when}.";
        var blocks = new List<ReplyBlock>
        {
            new HeadingBlock("🎉 Kudos!"),
            new TextBlock(new RichText([mention(stored.GiverId), " gave kudos to ", .. names])),
            new TextBlock(RichText.Of("For ", new StrongSpan(stored.Reason))),
            new NoteBlock(note),
        };
        if (thankedSelf)
        {
            blocks.Add(new NoteBlock("(I left you out of the list — kudos are for others, but well done all the same.)"));
        }

        if (thankedBot)
        {
            blocks.Add(new NoteBlock("(Bots and apps were left out: kudos are for people.)"));
        }

        return new BotReply(ReplyKind.Kudos, ReplyAudience.Channel, blocks)
        {
            DirectMessages = directMessages,
            IsRedelivery = isRedelivery,
        };
    }
}
