using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Kudos;

/// <summary>
/// A kudos reaction removed within <see cref="Window"/> of giving it takes the kudos back (a slip of the finger); later the
/// kudos stay. Silent either way: the reaction disappearing is the acknowledgement. The gift is found by the reaction's
/// idempotency key (message + person), so only the person who reacted can take it back, and a redelivery finds nothing.
/// </summary>
public sealed class TakeBackKudosHandler(IKudosRepository kudos) : CommandHandler<TakeBackKudosCommand>
{
    /// <summary>How long after giving a reaction can still take the kudos back.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    protected override async Task<BotReply> HandleAsync(TakeBackKudosCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var gift = await kudos.FindAsync(context.TeamId, context.Message.IdempotencyKey, cancellationToken);
        if (gift is null || gift.GiverId != context.UserId || context.Now - gift.CreatedAt > Window)
        {
            return Reply.Silent(ReplyKind.Kudos);
        }

        // The budget of the period the gift was given in (a reaction at 23:59:50 Sunday, removed on Monday, refunds last week).
        var period = context.Settings.KudosBudgetPeriod;
        var budget = new KudosBudget(context.Settings.KudosWeeklyBudget, KudosPeriods.StartOf(period, gift.CreatedAt, context.TimeZone)) { Period = period };
        await kudos.TakeBackAsync(gift, budget, cancellationToken);
        return Reply.Silent(ReplyKind.Kudos);
    }
}
