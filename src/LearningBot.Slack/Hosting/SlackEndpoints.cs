using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LearningBot.Core.Commands;
using LearningBot.Core.Installations;
using LearningBot.Slack.Adapter;
using LearningBot.Slack.Api;
using LearningBot.Slack.Verification;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningBot.Slack.Hosting;

/// <summary>
/// Slack's three inbound endpoints. Each verifies the signature before reading anything, runs the store writes
/// (the command pipeline) before acknowledging — within <see cref="SlackOptions.AckWait"/> — so an acknowledged
/// command is durable, and leaves the Slack calls after it (posting replies, modals) to <see cref="SlackWorkQueue"/>.
/// </summary>
internal sealed partial class SlackEndpoints(IOptions<SlackOptions> options, TimeProvider time, SlackWorkQueue queue,
    SlackConversation conversation, SlackAppHome appHome, ISlackApi slack,
    IInstallationRepository installations, IHostApplicationLifetime lifetime, ILogger<SlackEndpoints> logger)
{
    // ---- POST /slack/commands ----

    public async Task<IResult> CommandAsync(HttpContext http)
    {
        var (request, rejection) = await SlackRequest.ReadVerifiedAsync(http, options, time, logger, http.RequestAborted);
        if (request is null)
        {
            return rejection!;
        }

        var form = QueryHelpers.ParseQuery(request.Text);
        string? Field(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;
        if (Field("ssl_check") == "1")
        {
            return Results.Ok(); // Slack checking the certificate of the command URL
        }

        var (teamId, userId, command) = (Field("team_id"), Field("user_id"), Field("command"));
        if (string.IsNullOrEmpty(teamId) || string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(command))
        {
            return Results.Problem("team_id, user_id and command are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        var text = Field("text")?.Trim() ?? string.Empty;
        var triggerId = Field("trigger_id");
        var channelId = Field("channel_id");
        // Slack does not resend slash commands on its own, but a proxy or a double submit can: the same
        // payload (trigger_id, or the body itself) is handled once.
        var deliveryId = "command:" + (string.IsNullOrEmpty(triggerId) ? Hash(request.Body) : triggerId);

        if (command == "/kudos" && text.Length == 0)
        {
            if (string.IsNullOrEmpty(triggerId))
            {
                return Ephemeral("I couldn't open the kudos form here — try `/kudos @name for what they did`.");
            }

            return Enqueue("open kudos modal", async ct =>
            {
                if (await conversation.FirstDeliveryAsync(teamId, deliveryId, ct))
                {
                    await OpenModalAsync(teamId, triggerId, SlackModals.Kudos(channelId), Field("response_url"),
                        "You can also type it: `/kudos @name for what they did #value`", ct);
                }
            });
        }

        string? grammarText = command switch
        {
            "/learned" => "learned " + text,
            "/kudos" => "kudos " + text,
            "/ask" => "ask " + text,
            "/learnbot" => text.Length == 0 ? "help" : text,
            _ => null,
        };
        if (grammarText is null)
        {
            return Ephemeral($"I don't handle {BlockKitEscape(command)} — try `/learnbot help`.");
        }

        var target = new ReplyTarget(teamId, userId, channelId, Field("response_url"));
        var userName = Field("user_name");
        return await StoreThenAckAsync("slash command " + command, teamId, [deliveryId],
            ct => conversation.HandleAsync(grammarText, "slack:" + deliveryId, target, userName, ct));
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

        switch (Str(envelope, "type"))
        {
            case "url_verification":
                return Results.Json(new { challenge = Str(envelope, "challenge") ?? string.Empty });
            case "event_callback":
                var teamId = Str(envelope, "team_id");
                var eventId = Str(envelope, "event_id");
                var evt = envelope?["event"] as JsonObject;
                if (teamId is null || eventId is null || evt is null)
                {
                    return Results.Problem("team_id, event_id and event are required.", statusCode: StatusCodes.Status400BadRequest);
                }

                LogEvent(Str(evt, "type") ?? "?", teamId, eventId, http.Request.Headers["X-Slack-Retry-Num"].ToString());
                if (EventWork(teamId, eventId, evt) is not { } store)
                {
                    return Results.Ok(); // an event the bot has nothing to do for
                }

                // One message can arrive as two events (e.g. app_mention and message.im): answer it once.
                List<string> deliveryIds = ["event:" + eventId];
                if (Str(evt, "type") is "app_mention" or "message" && Str(evt, "channel") is { } channel && Str(evt, "ts") is { } ts)
                {
                    deliveryIds.Add($"message:{channel}:{ts}");
                }

                return await StoreThenAckAsync("event " + Str(evt, "type"), teamId, deliveryIds, store);
            default:
                return Results.Ok();
        }
    }

    /// <summary>The store part of an event (its follow-up makes the Slack calls); null for events the bot ignores.</summary>
    private Func<CancellationToken, Task<SlackConversation.StoreResult>>? EventWork(string teamId, string eventId, JsonObject evt)
    {
        var userId = Str(evt, "user");
        var channel = Str(evt, "channel");
        switch (Str(evt, "type"))
        {
            case "app_mention" when userId is not null && channel is not null && Str(evt, "bot_id") is null:
                var mentionText = SlackText.StripLeadingMention(Str(evt, "text") ?? string.Empty, null);
                var threadTs = Str(evt, "thread_ts");
                return ct => conversation.HandleAsync(mentionText.Trim().Length == 0 ? "help" : mentionText,
                    $"slack:message:{channel}:{Str(evt, "ts") ?? eventId}", new ReplyTarget(teamId, userId, channel, ThreadTs: threadTs),
                    null, ct);

            // Only what a person typed in their DM with the bot: no bot messages (loops), edits or joins.
            case "message" when Str(evt, "channel_type") == "im" && userId is not null && channel is not null
                                && Str(evt, "bot_id") is null && Str(evt, "subtype") is null:
                var text = Str(evt, "text") ?? string.Empty;
                if (text.Trim().Length == 0)
                {
                    return null;
                }

                // A reply to the weekly nudge (or any DM that isn't a command) is a learning.
                var grammarText = CommandParser.StartsWithCommand(text) ? text : "learned " + text;
                return ct => conversation.HandleAsync(grammarText, $"slack:message:{channel}:{Str(evt, "ts") ?? eventId}",
                    new ReplyTarget(teamId, userId, channel, IsDirectChannel: true), null, ct);

            // A reply in a channel thread: maybe an answer to a standing-meeting prompt.
            case "message" when Str(evt, "channel_type") is "channel" or "group" && userId is not null && channel is not null
                                && Str(evt, "bot_id") is null && Str(evt, "subtype") is null
                                && Str(evt, "thread_ts") is { } parentTs && Str(evt, "ts") is { } replyTs && parentTs != replyTs:
                return ct => conversation.RecordThreadReplyAsync(teamId, userId, channel, parentTs, replyTs, Str(evt, "text") ?? string.Empty, ct);

            case "app_home_opened" when userId is not null && Str(evt, "tab") != "messages":
                return _ => Task.FromResult(SlackConversation.StoreResult.Then(ct => appHome.PublishAsync(teamId, userId, ct)));

            case "app_uninstalled":
                return async ct =>
                {
                    await DeactivateAsync(teamId, "app_uninstalled", ct);
                    return SlackConversation.StoreResult.Then(null);
                };

            case "tokens_revoked" when RevokesBotToken(evt):
                return async ct =>
                {
                    await DeactivateAsync(teamId, "tokens_revoked", ct);
                    return SlackConversation.StoreResult.Then(null);
                };

            default:
                return null;
        }
    }

    private static bool RevokesBotToken(JsonObject evt) => SlackJson.At(evt, "tokens", "bot") is JsonArray bots && bots.Count > 0;

    private async Task DeactivateAsync(string teamId, string why, CancellationToken ct)
    {
        var changed = await installations.DeactivateAsync(SlackTokenSource.Platform, teamId, time.GetUtcNow(), ct);
        if (!changed && !string.IsNullOrWhiteSpace(options.Value.BotToken))
        {
            // Single-workspace mode has no install row: record an inactive one so the configured token stops being used.
            await installations.SaveAsync(new Installation(SlackTokenSource.Platform, teamId, string.Empty, string.Empty, string.Empty,
                string.Empty, time.GetUtcNow(), IsActive: false), ct);
        }

        LogDeactivated(teamId, why);
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
            // handled below
        }

        var teamId = Str(payload?["team"], "id") ?? Str(payload?["user"], "team_id");
        var userId = Str(payload?["user"], "id");
        if (payload is null || teamId is null || userId is null)
        {
            return Results.Problem("A payload with team and user is required.", statusCode: StatusCodes.Status400BadRequest);
        }

        var userName = Str(payload["user"], "name") ?? Str(payload["user"], "username");
        switch (Str(payload, "type"))
        {
            case "block_actions":
                var action = (payload["actions"] as JsonArray ?? []).OfType<JsonObject>()
                    .FirstOrDefault(a => Str(a, "action_id")?.StartsWith(Rendering.BlockKitRenderer.CommandActionPrefix, StringComparison.Ordinal) == true);
                var command = Str(action, "value");
                if (command is null)
                {
                    return Results.Ok(); // e.g. an "Open" link button: Slack needs only the ack
                }

                var deliveryId = $"action:{userId}:{Str(action, "action_ts") ?? Str(payload, "trigger_id")}";
                var target = new ReplyTarget(teamId, userId, Str(payload["channel"], "id"), Str(payload, "response_url"));
                return await StoreThenAckAsync("button " + command, teamId, [deliveryId],
                    ct => conversation.HandleAsync(command, "slack:" + deliveryId, target, userName, ct));

            case "view_submission":
                return await ViewSubmissionAsync(payload, teamId, userId, userName);

            case "message_action" when Str(payload, "callback_id") == SlackModals.ShareShortcutCallback:
                var message = payload["message"];
                var text = SlackText.Normalise(Str(message, "text") ?? string.Empty).Text;
                var channel = Str(payload["channel"], "id") ?? string.Empty;
                var triggerId = Str(payload, "trigger_id");
                var threadTs = Str(message, "thread_ts") ?? (SlackJson.At(message, "reply_count") is JsonValue ? Str(message, "ts") : null);
                return Enqueue("open share modal", ct => ShareShortcutAsync(teamId, channel, triggerId, text, threadTs,
                    Str(payload, "response_url"), ct));

            default:
                return Results.Ok();
        }
    }

    /// <summary>
    /// Opens the modal first (the trigger expires after 3 seconds), then, for a message in a thread, reads the
    /// thread and puts the whole conversation into the answer field with views.update.
    /// </summary>
    private async Task ShareShortcutAsync(string teamId, string channel, string? triggerId, string text, string? threadTs,
        string? responseUrl, CancellationToken ct)
    {
        var question = SlackModals.GuessQuestion(text);
        var opened = await OpenModalAsync(teamId, triggerId, SlackModals.Share(channel, question, text), responseUrl,
            "You can also type it: `/learnbot share <question> :: <answer>`", ct);
        var viewId = Str(opened?["view"], "id");
        if (threadTs is null || viewId is null)
        {
            return;
        }

        var replies = await slack.CallAsync(teamId, "conversations.replies",
            new JsonObject { ["channel"] = channel, ["ts"] = threadTs, ["limit"] = 50 }, ct);
        var messages = (replies.Body?["messages"] as JsonArray)?.OfType<JsonObject>()
            .Where(m => Str(m, "subtype") is null)
            .Select(m => SlackText.Normalise(Str(m, "text") ?? string.Empty).Text)
            .Where(t => t.Length > 0).ToList();
        if (!replies.Ok || messages is null || messages.Count <= 1)
        {
            return; // no thread, or no history scope in that channel: the message alone is a fine start
        }

        var thread = string.Join("\n\n", messages);
        await slack.CallAsync(teamId, "views.update", new JsonObject
        {
            ["view_id"] = viewId,
            ["hash"] = Str(opened?["view"], "hash"),
            ["view"] = SlackModals.Share(channel, SlackModals.GuessQuestion(messages[0]), thread),
        }, ct);
    }

    /// <summary>views.open; when Slack refuses (e.g. expired_trigger_id), the person is told privately what to do instead.</summary>
    private async Task<JsonObject?> OpenModalAsync(string teamId, string? triggerId, JsonObject view, string? responseUrl, string instead,
        CancellationToken ct)
    {
        var opened = await slack.CallAsync(teamId, "views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view }, ct);
        if (!opened.Ok && responseUrl is not null)
        {
            await slack.RespondAsync(responseUrl, new JsonObject
            {
                ["response_type"] = "ephemeral",
                ["text"] = $"I couldn't open the form — Slack said `{opened.Error}`. Please try again. {instead}",
            }, ct);
        }

        return opened.Ok ? opened.Body : null;
    }

    private async Task<IResult> ViewSubmissionAsync(JsonObject payload, string teamId, string userId, string? userName)
    {
        var view = payload["view"];
        var values = SlackJson.At(view, "state", "values");
        var (text, errors) = Str(view, "callback_id") switch
        {
            SlackModals.KudosCallback => SlackModals.ReadKudos(values),
            SlackModals.ShareCallback => SlackModals.ReadShare(values),
            _ => (null, null),
        };
        if (errors is not null)
        {
            // Slack shows these next to the fields and keeps the modal open.
            return Results.Json(new JsonObject { ["response_action"] = "errors", ["errors"] = errors });
        }

        if (text is null)
        {
            return Results.Ok();
        }

        var channel = Str(view, "private_metadata");
        var deliveryId = "view:" + (Str(view, "id") ?? Hash(Encoding.UTF8.GetBytes(payload.ToJsonString())));
        var target = new ReplyTarget(teamId, userId, string.IsNullOrEmpty(channel) ? null : channel);
        return await StoreThenAckAsync("modal " + Str(view, "callback_id"), teamId, [deliveryId],
            ct => conversation.HandleAsync(text, "slack:" + deliveryId, target, userName, ct));
    }

    // ---- helpers ----

    /// <summary>
    /// Runs <paramref name="store"/> (once per delivery) before Slack gets its ack, so the ack means stored; the Slack
    /// calls it returns run from the queue. Writes slower than AckWait are acknowledged and finish in the background
    /// (Slack would give up at 3 s anyway). A failure before the ack answers 500: Slack retries events, and shows the
    /// person an error for a command, rather than claiming it worked.
    /// </summary>
    private async Task<IResult> StoreThenAckAsync(string what, string teamId, IReadOnlyList<string> deliveryIds,
        Func<CancellationToken, Task<SlackConversation.StoreResult>> store)
    {
        var outcome = await queue.RunBeforeAckAsync(what, ct => conversation.OnceAsync(teamId, deliveryIds, store, ct),
            options.Value.AckWait, lifetime.ApplicationStopping);
        return outcome == SlackAckOutcome.Failed ? Results.StatusCode(StatusCodes.Status500InternalServerError) : Results.Ok();
    }

    /// <summary>Slack calls with nothing to store (opening a modal): acks with an empty 200; 503 if the queue is full so Slack can retry.</summary>
    private IResult Enqueue(string what, Func<CancellationToken, Task> work) =>
        queue.TryEnqueue(what, work) ? Results.Ok() : Results.StatusCode(StatusCodes.Status503ServiceUnavailable);

    private static IResult Ephemeral(string text) => Results.Json(new { response_type = "ephemeral", text });

    private static string BlockKitEscape(string text) => Rendering.BlockKitRenderer.Escape(text);

    private static string? Str(JsonNode? node, string name) =>
        node is JsonObject obj && obj.TryGetPropertyValue(name, out var value) && value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Hash(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack event {Type} in team {TeamId}: {EventId} (retry {Retry})")]
    private partial void LogEvent(string type, string teamId, string eventId, string retry);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack workspace {TeamId} deactivated ({Why}); its token is no longer used")]
    private partial void LogDeactivated(string teamId, string why);
}
