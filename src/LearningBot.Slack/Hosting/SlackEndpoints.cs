using System.Text.Json;
using System.Text.Json.Nodes;
using LearningBot.Slack.Adapter;
using LearningBot.Slack.Inbound;
using LearningBot.Slack.Verification;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningBot.Slack.Hosting;

/// <summary>
/// Slack's three HTTP endpoints: only the transport. Each verifies the signature before reading anything, reads the
/// body the way Slack sends it (a form, JSON, or a form field holding JSON), hands it to <see cref="SlackInbound"/> —
/// the same handler Socket Mode uses — and turns its <see cref="SlackAck"/> into the HTTP answer.
/// </summary>
internal sealed class SlackEndpoints(SlackInbound inbound, IOptions<SlackOptions> options, TimeProvider time, ILogger<SlackEndpoints> logger)
{
    // ---- POST /slack/commands ----

    public async Task<IResult> CommandAsync(HttpContext http)
    {
        var (request, rejection) = await SlackRequest.ReadVerifiedAsync(http, options, time, logger, http.RequestAborted);
        if (request is null)
        {
            return rejection!;
        }

        return ToResult(await inbound.CommandAsync(ReadForm(request.Text), () => SlackInbound.Hash(request.Body)));
    }

    // ---- POST /slack/events ----

    public async Task<IResult> EventAsync(HttpContext http)
    {
        var (request, rejection) = await SlackRequest.ReadVerifiedAsync(http, options, time, logger, http.RequestAborted);
        if (request is null)
        {
            return rejection!;
        }

        JsonObject? envelope;
        try
        {
            envelope = SlackJson.ParseObject(request.Text);
        }
        catch (JsonException)
        {
            return Results.Problem("The body is not JSON.", statusCode: StatusCodes.Status400BadRequest);
        }

        return ToResult(await inbound.EventAsync(envelope, http.Request.Headers["X-Slack-Retry-Num"].ToString(), http.RequestAborted));
    }

    // ---- POST /slack/interactions ----

    public async Task<IResult> InteractionAsync(HttpContext http)
    {
        var (request, rejection) = await SlackRequest.ReadVerifiedAsync(http, options, time, logger, http.RequestAborted);
        if (request is null)
        {
            return rejection!;
        }

        JsonObject? payload = null;
        try
        {
            var form = QueryHelpers.ParseQuery(request.Text);
            if (form.TryGetValue("payload", out var raw))
            {
                payload = SlackJson.ParseObject(raw.ToString());
            }
        }
        catch (JsonException)
        {
            // answered by the inbound handler: a payload with team and user is required
        }

        return ToResult(await inbound.InteractionAsync(payload));
    }

    /// <summary>
    /// A slash command's <c>application/x-www-form-urlencoded</c> body as fields by name, decoded in one pass (no
    /// intermediate <c>StringValues</c> dictionary: issue 18). A name sent twice keeps both values joined by a comma, as
    /// <see cref="QueryHelpers.ParseQuery(string)"/> did.
    /// </summary>
    internal static Dictionary<string, string> ReadForm(string body)
    {
        var fields = new Dictionary<string, string>(16, StringComparer.Ordinal);
        foreach (var pair in new QueryStringEnumerable(body))
        {
            var name = pair.DecodeName().ToString();
            var value = pair.DecodeValue().ToString();
            fields[name] = fields.TryGetValue(name, out var earlier) ? earlier + "," + value : value;
        }

        return fields;
    }

    private static IResult ToResult(SlackAck ack) => ack.Kind switch
    {
        SlackAckKind.Ok when ack.Body is not null => Results.Json(ack.Body),
        SlackAckKind.Ok => Results.Ok(),
        SlackAckKind.Invalid => Results.Problem(ack.Reason, statusCode: StatusCodes.Status400BadRequest),
        SlackAckKind.Busy => Results.StatusCode(StatusCodes.Status503ServiceUnavailable),
        _ => Results.StatusCode(StatusCodes.Status500InternalServerError),
    };
}
