using System.Text.Json.Nodes;
using LearningBot.Slack.Adapter;

namespace LearningBot.Slack.SocketMode;

/// <summary>
/// One message from Slack over a Socket Mode connection (https://api.slack.com/apis/socket-mode):
/// <c>{"type":"hello","num_connections":1,…}</c>, <c>{"type":"disconnect","reason":"refresh_requested",…}</c>, or an
/// envelope <c>{"envelope_id":"…","type":"events_api"|"slash_commands"|"interactive","payload":{…},
/// "accepts_response_payload":false,"retry_attempt":0,"retry_reason":""}</c>.
/// </summary>
/// <param name="RetryAttempt">0 for the first delivery; more for a redelivery (events whose ack did not arrive).</param>
/// <param name="Reason">For <c>disconnect</c>: <c>warning</c>, <c>refresh_requested</c>, <c>link_disabled</c>, …</param>
internal sealed record SlackEnvelope(string Type, string? EnvelopeId, JsonObject? Payload, bool AcceptsResponsePayload,
    int RetryAttempt, string? RetryReason, string? Reason)
{
    public const string Hello = "hello";
    public const string Disconnect = "disconnect";
    public const string SlashCommands = "slash_commands";
    public const string EventsApi = "events_api";
    public const string Interactive = "interactive";

    /// <summary>Reads a text frame; null when it is not a JSON object with a <c>type</c>.</summary>
    public static SlackEnvelope? Parse(string text)
    {
        JsonObject? root;
        try
        {
            root = SlackJson.ParseObject(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }

        if (Str(root, "type") is not { } type)
        {
            return null;
        }

        var retry = root!["retry_attempt"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
        var accepts = root["accepts_response_payload"] is JsonValue a && a.TryGetValue<bool>(out var b) && b;
        return new SlackEnvelope(type, Str(root, "envelope_id"), root["payload"] as JsonObject, accepts, retry,
            Str(root, "retry_reason"), Str(root, "reason"));
    }

    /// <summary>
    /// The acknowledgement Slack waits for: <c>{"envelope_id":"…"}</c>, plus <c>"payload"</c> when there is a response
    /// (a slash command's message, a view submission's <c>response_action</c>: the envelopes that say
    /// <c>accepts_response_payload</c>; like Slack's own SDKs, the payload is sent whenever there is one).
    /// https://api.slack.com/apis/socket-mode#acknowledge
    /// </summary>
    public string Ack(JsonObject? response)
    {
        var ack = new JsonObject { ["envelope_id"] = EnvelopeId };
        if (response is not null)
        {
            ack["payload"] = response.DeepClone();
        }

        return ack.ToJsonString();
    }

    private static string? Str(JsonObject? node, string name) =>
        node is not null && node.TryGetPropertyValue(name, out var value) && value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
