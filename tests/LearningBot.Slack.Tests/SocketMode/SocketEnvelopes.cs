using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace LearningBot.Slack.Tests.SocketMode;

/// <summary>
/// Socket Mode envelopes as Slack sends them (https://api.slack.com/apis/socket-mode#events; the same shapes as in Slack's
/// python-slack-sdk socket-mode tests): the payload is what HTTP mode gets as a form, a JSON body or a form field.
/// </summary>
public static class SocketEnvelopes
{
    public static string NewId() => Guid.NewGuid().ToString();

    /// <summary><c>slash_commands</c>: the command's form fields as a JSON object of strings; answers may go in the ack.</summary>
    public static JsonObject SlashCommand(string command, string text, string responseUrl, string team, string user = "UANN",
        string channel = "C0001", string? triggerId = null) =>
        FromFormBody(SlackHost.CommandBody(command, text, responseUrl, team, user, channel: channel, triggerId: triggerId));

    /// <summary>A slash command's form body (as HTTP mode gets it) as the envelope Socket Mode delivers instead.</summary>
    public static JsonObject FromFormBody(string form)
    {
        var payload = new JsonObject();
        foreach (var (key, value) in QueryHelpers.ParseQuery(form))
        {
            payload[key] = value.ToString();
        }

        return Envelope("slash_commands", payload, acceptsResponse: true);
    }

    /// <summary><c>events_api</c>: the Events API callback unchanged; <paramref name="retryAttempt"/> &gt; 0 marks a redelivery.</summary>
    public static JsonObject Event(JsonObject eventCallback, int retryAttempt = 0, string retryReason = "", string? envelopeId = null)
    {
        var envelope = Envelope("events_api", eventCallback, acceptsResponse: false, envelopeId);
        envelope["retry_attempt"] = retryAttempt;
        envelope["retry_reason"] = retryReason;
        return envelope;
    }

    /// <summary>An Events API callback around <paramref name="evt"/>, like HTTP mode's body.</summary>
    public static JsonObject EventCallback(string team, JsonObject evt, string? eventId = null) => new()
    {
        ["token"] = "XXYYZZ", ["team_id"] = team, ["api_app_id"] = FakeSocketModeServer.AppId, ["event"] = evt,
        ["type"] = "event_callback", ["event_id"] = eventId ?? "Ev" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
        ["event_time"] = SlackHost.Now,
        ["authorizations"] = new JsonArray(new JsonObject
        {
            ["enterprise_id"] = null, ["team_id"] = team, ["user_id"] = "U0BOTLRN", ["is_bot"] = true, ["is_enterprise_install"] = false,
        }),
        ["is_ext_shared_channel"] = false,
    };

    /// <summary><c>interactive</c>: the interaction payload (HTTP mode's <c>payload</c> form field); view submissions accept a response.</summary>
    public static JsonObject Interactive(JsonObject payload) =>
        Envelope("interactive", payload, acceptsResponse: payload["type"]?.GetValue<string>() == "view_submission");

    /// <summary>A fixture request (Fixtures/slack) as the envelope Socket Mode delivers for it.</summary>
    public static JsonObject FromFixture(SlackFixture.Request request) => request.Path switch
    {
        "/slack/commands" => FromFormBody(request.Body),
        "/slack/events" => Event(JsonNode.Parse(request.Body)!.AsObject()),
        "/slack/interactions" => Interactive(JsonNode.Parse(QueryHelpers.ParseQuery(request.Body)["payload"].ToString())!.AsObject()),
        _ => throw new ArgumentException("not a Slack request path: " + request.Path),
    };

    public static string Id(JsonObject envelope) => envelope["envelope_id"]!.GetValue<string>();

    /// <summary>The same envelope again, as Slack redelivers one whose ack did not arrive: a new envelope id, retry fields set.</summary>
    public static JsonObject Redelivery(JsonObject envelope, int attempt, string reason)
    {
        var again = envelope.DeepClone().AsObject();
        again["envelope_id"] = NewId();
        again["retry_attempt"] = attempt;
        again["retry_reason"] = reason;
        return again;
    }

    private static JsonObject Envelope(string type, JsonObject payload, bool acceptsResponse, string? envelopeId = null) => new()
    {
        ["envelope_id"] = envelopeId ?? NewId(), ["payload"] = payload, ["type"] = type, ["accepts_response_payload"] = acceptsResponse,
    };
}
