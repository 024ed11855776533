namespace LearningBot.Core.Kudos;

/// <summary>One kudos: one giver, one reason, one or more receivers (each uses one unit of budget).</summary>
/// <param name="IdempotencyKey">The platform's message id (or, for a reaction, message + reacting person): one gift per key.</param>
public sealed record KudosGift(
    string Id,
    string TeamId,
    string GiverId,
    IReadOnlyList<string> ReceiverIds,
    string Reason,
    string? Value,
    DateTimeOffset CreatedAt,
    string IdempotencyKey)
{
    /// <summary>The channel it was given in (Slack <c>C…</c>, Teams channel or chat id without the thread part, playground <c>general</c>); null in a DM or when unknown.</summary>
    public string? ChannelId { get; init; }

    /// <summary>A link to the message it was given for (a Slack permalink for kudos by reaction); null when there is none.</summary>
    public string? Link { get; init; }
}

/// <param name="Limit">How many kudos a person may give in one budget period.</param>
/// <param name="PeriodStart">Start of the current budget period in the team's time zone (<see cref="KudosPeriods.StartOf"/>).</param>
public sealed record KudosBudget(int Limit, DateTimeOffset PeriodStart)
{
    public KudosPeriod Period { get; init; } = KudosPeriod.Week;
}

public enum KudosGiveStatus { Given, AlreadyGiven, OverBudget }

/// <param name="Gift">The stored gift (for <see cref="KudosGiveStatus.OverBudget"/>, the one that was refused).</param>
/// <param name="Remaining">Budget left in the period after this call.</param>
public sealed record KudosGiveResult(KudosGiveStatus Status, KudosGift Gift, int Remaining);

/// <param name="Count">Kudos received (receivers board) or given (givers board).</param>
/// <param name="DistinctPeople">From how many givers (receivers board), or to how many receivers (givers board).</param>
public sealed record LeaderboardEntry(string UserId, int Count, int DistinctPeople);

public enum KudosBoardSide { Receivers, Givers }

/// <summary>Which board: who received or who gave, since an instant (all time when null), in one channel (every channel when null).</summary>
public sealed record KudosBoardQuery(KudosBoardSide Side, DateTimeOffset? Since, string? ChannelId = null);

public interface IKudosRepository
{
    /// <summary>
    /// Checks the giver's budget for the period and stores the gift as one atomic step, so two concurrent
    /// commands can never overspend. A redelivered gift (same idempotency key) returns <see cref="KudosGiveStatus.AlreadyGiven"/>.
    /// </summary>
    Task<KudosGiveResult> GiveAsync(KudosGift gift, KudosBudget budget, CancellationToken cancellationToken);

    /// <summary>The gift stored under an idempotency key, or null.</summary>
    Task<KudosGift?> FindAsync(string teamId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a gift (a reaction taken back) and gives its budget back to the giver; <paramref name="budget"/> is the period
    /// the gift was given in. False when it was not there (already taken back).
    /// </summary>
    Task<bool> TakeBackAsync(KudosGift gift, KudosBudget budget, CancellationToken cancellationToken);

    /// <summary>Gifts since an instant, newest first.</summary>
    Task<IReadOnlyList<KudosGift>> ListSinceAsync(string teamId, DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>Gifts one person received, newest first (each with all its receivers).</summary>
    Task<IReadOnlyList<KudosGift>> ListReceivedAsync(string teamId, string userId, int limit, CancellationToken cancellationToken);

    /// <summary>People ranked by kudos received (or given), most first; ties by distinct people, then id.</summary>
    Task<IReadOnlyList<LeaderboardEntry>> GetBoardAsync(string teamId, KudosBoardQuery query, int top, CancellationToken cancellationToken);

    /// <summary>People ranked by kudos received since an instant (all time when null).</summary>
    Task<IReadOnlyList<LeaderboardEntry>> GetLeaderboardAsync(string teamId, DateTimeOffset? since, int top,
        CancellationToken cancellationToken) =>
        GetBoardAsync(teamId, new KudosBoardQuery(KudosBoardSide.Receivers, since), top, cancellationToken);

    /// <summary><c>kudos hide me</c> (true) / <c>kudos show me</c> (false): idempotent.</summary>
    Task SetHiddenFromBoardsAsync(string teamId, string userId, bool hidden, CancellationToken cancellationToken);

    /// <summary>Everyone in the team who hid themselves from the boards.</summary>
    Task<IReadOnlySet<string>> ListHiddenFromBoardsAsync(string teamId, CancellationToken cancellationToken);
}
