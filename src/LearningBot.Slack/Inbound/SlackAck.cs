using System.Text.Json.Nodes;

namespace LearningBot.Slack.Inbound;

/// <summary>How Slack is answered for one delivery, whatever the transport.</summary>
public enum SlackAckKind
{
    /// <summary>Acknowledged, optionally with a response (<see cref="SlackAck.Body"/>): HTTP 200, a Socket Mode ack.</summary>
    Ok,

    /// <summary>The payload lacks what Slack always sends (<see cref="SlackAck.Reason"/>): HTTP 400; acknowledged in Socket Mode, where a redelivery cannot fix it.</summary>
    Invalid,

    /// <summary>The store writes failed: not acknowledged (HTTP 500, no Socket Mode ack), so Slack retries an event and tells the person a command failed.</summary>
    Failed,

    /// <summary>The work queue is full: not acknowledged (HTTP 503), so Slack can retry.</summary>
    Busy,
}

/// <summary>
/// The answer to one Slack delivery. <see cref="Body"/> is the response Slack reads from the acknowledgement: for a
/// slash command a message (<c>{"response_type":"ephemeral","text":…}</c>), for a view submission a
/// <c>response_action</c> (https://api.slack.com/surfaces/modals#displaying_errors). Over HTTP it is the 200 body; in
/// Socket Mode the ack's <c>payload</c> (https://api.slack.com/apis/socket-mode#acknowledge).
/// </summary>
public sealed record SlackAck(SlackAckKind Kind, JsonObject? Body = null, string? Reason = null)
{
    public static readonly SlackAck Ok = new(SlackAckKind.Ok);

    public static readonly SlackAck Failed = new(SlackAckKind.Failed);

    public static readonly SlackAck Busy = new(SlackAckKind.Busy);

    public static SlackAck Json(JsonObject body) => new(SlackAckKind.Ok, body);

    public static SlackAck Invalid(string reason) => new(SlackAckKind.Invalid, Reason: reason);

    /// <summary>Whether Slack is told the delivery arrived (otherwise it retries, or shows the person an error).</summary>
    public bool Acknowledges => Kind is SlackAckKind.Ok or SlackAckKind.Invalid;
}
