using System.Security.Cryptography;
using System.Text;

namespace LearningBot.Storage.Cosmos;

/// <summary>
/// Deterministic document ids. A record written for an idempotency key always gets the same id inside
/// its team's partition, so a redelivered write is a 409 Conflict instead of a second record.
/// Hashing keeps ids short and free of characters Cosmos forbids in ids (/ \ ? #).
/// </summary>
internal static class DocumentIds
{
    public const string Settings = "settings";

    public static string Learning(string idempotencyKey) => "learning-" + Hash(idempotencyKey);

    public static string Knowledge(string idempotencyKey) => "knowledge-" + Hash(idempotencyKey);

    public static string Question(string idempotencyKey) => "question-" + Hash(idempotencyKey);

    public static string AnswerChannel(string channelId) => "answerchannel-" + Hash(channelId);

    public static string Kudos(string idempotencyKey) => "kudos-" + Hash(idempotencyKey);

    public static string Member(string userId) => "member-" + Hash(userId);

    public static string Away(string userId) => "away-" + Hash(userId);

    /// <summary>A giver's budget for the period starting at <paramref name="periodStart"/>; weekly ids keep their original form.</summary>
    public static string KudosBudget(string giverId, DateTimeOffset periodStart, Core.Kudos.KudosPeriod period = Core.Kudos.KudosPeriod.Week) =>
        period == Core.Kudos.KudosPeriod.Week
            ? $"budget-{Hash(giverId)}-{periodStart.ToUnixTimeSeconds()}"
            : $"budget-{Core.Kudos.KudosPeriods.Unit(period)}-{Hash(giverId)}-{periodStart.ToUnixTimeSeconds()}";

    public static string KudosHidden(string userId) => "kudoshidden-" + Hash(userId);

    public static string Delivery(string deliveryId) => "delivery-" + Hash(deliveryId);

    public static string Conversation(string key) => "conversation-" + Hash(key);

    public static string Schedule(string conversationKey) => "schedule-" + Hash(conversationKey);

    public static string Occurrence(string occurrenceId) => "occurrence-" + Hash(occurrenceId);

    public static string Outbox(string messageId) => "outbox-" + Hash(messageId);

    public static string Nudge(string teamId, string userId) => "nudge-" + Hash(teamId + "\u001f" + userId);

    public static string NudgeWeek(string teamId, string userId, string weekKey) => "nudgeweek-" + Hash(teamId + "\u001f" + userId + "\u001f" + weekKey);

    public static string Review(string teamId, string postId) => "review-" + Hash(teamId + "\u001f" + postId);

    public static string PersonSettings(string userId) => "person-" + Hash(userId);

    public static string Installation(string platform) => "installation-" + Hash(platform);

    internal static string Hash(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)).AsSpan(0, 16));
}
