using LearningBot.Core.Storage;

namespace LearningBot.Core.Kudos;

/// <summary>One <c>kudos</c> command: one giver, one reason, one or more receivers (each uses one unit of budget).</summary>
public sealed record KudosGift(
    string Id,
    string TeamId,
    string GiverId,
    IReadOnlyList<string> ReceiverIds,
    string Reason,
    string? Value,
    DateTimeOffset CreatedAt,
    string IdempotencyKey);

/// <param name="WeeklyLimit">How many kudos a person may give in a week.</param>
/// <param name="WeekStart">Start of the current week in the team's time zone.</param>
public sealed record KudosBudget(int WeeklyLimit, DateTimeOffset WeekStart);

public enum KudosGiveStatus { Given, AlreadyGiven, OverBudget }

/// <param name="Gift">The stored gift (for <see cref="KudosGiveStatus.OverBudget"/>, the one that was refused).</param>
/// <param name="RemainingThisWeek">Budget left after this call.</param>
public sealed record KudosGiveResult(KudosGiveStatus Status, KudosGift Gift, int RemainingThisWeek);

public sealed record LeaderboardEntry(string UserId, int KudosReceived, int DistinctGivers);

public interface IKudosRepository
{
    /// <summary>
    /// Checks the giver's weekly budget and stores the gift as one atomic step, so two concurrent
    /// commands can never overspend. A redelivered gift (same idempotency key) returns <see cref="KudosGiveStatus.AlreadyGiven"/>.
    /// </summary>
    Task<KudosGiveResult> GiveAsync(KudosGift gift, KudosBudget budget, CancellationToken cancellationToken);

    /// <summary>Gifts since an instant, newest first.</summary>
    Task<IReadOnlyList<KudosGift>> ListSinceAsync(string teamId, DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>Gifts one person received, newest first (each with all its receivers).</summary>
    Task<IReadOnlyList<KudosGift>> ListReceivedAsync(string teamId, string userId, int limit, CancellationToken cancellationToken);

    /// <summary>People ranked by kudos received since an instant (all time when null).</summary>
    Task<IReadOnlyList<LeaderboardEntry>> GetLeaderboardAsync(string teamId, DateTimeOffset? since, int top,
        CancellationToken cancellationToken);
}
