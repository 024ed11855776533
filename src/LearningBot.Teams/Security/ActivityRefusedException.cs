namespace LearningBot.Teams.Security;

/// <summary>
/// An authenticated activity this bot will not act on (another channel, inconsistent tenant, a conversation of another
/// tenant). Thrown before any handler runs; <c>POST /api/messages</c> answers <see cref="StatusCode"/> with
/// <see cref="Reason"/> as a problem detail, and nothing is stored or sent.
/// </summary>
/// <param name="statusCode">403 for a caller that may not act here, 400 for an activity missing what Teams always sends.</param>
/// <param name="reason">Why, for the caller and the log; never echoes caller-supplied values.</param>
public sealed class ActivityRefusedException(int statusCode, string reason) : Exception(reason)
{
    public int StatusCode { get; } = statusCode;

    public string Reason { get; } = reason;
}
