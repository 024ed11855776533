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

        // With escaping on (the manifest's should_escape) the text is Slack-escaped markup, like message text.
        var input = SlackText.Normalise(text);
        var grammarText = command switch
        {
            "/learned" => input.Prefixed("learned "),
            "/kudos" => input.Prefixed("kudos "),
            "/ask" => input.Prefixed("ask "),
            "/learnbot" => input.Text.Length == 0 ? input with { Text = "help" } : input,
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
                var botUserId = Str(evt, "type") is "message" or "app_mention"
                    ? SlackMessageEvents.BotUserIdFromEnvelope(envelope!) ?? await InstalledBotUserIdAsync(teamId, http.RequestAborted)
                    : null;
                if (EventWork(teamId, eventId, evt, botUserId) is not { } store)
                {
                    return Results.Ok(); // an event the bot has nothing to do for
                }

                // One message can arrive as two events (app_mention and message.im/.channels, in either order, with
                // different event ids): its effect is keyed on the message (channel + ts), so it happens once.
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
    /// <param name="botUserId">The bot's user id in this workspace, when known (message and app_mention events only).</param>
    private Func<CancellationToken, Task<SlackConversation.StoreResult>>? EventWork(string teamId, string eventId, JsonObject evt, string? botUserId)
    {
        var userId = Str(evt, "user");
        var channel = Str(evt, "channel");
        var text = Str(evt, "text") ?? string.Empty;
        var key = $"slack:message:{channel}:{Str(evt, "ts") ?? eventId}";
        switch (Str(evt, "type"))
        {
            // A mention is always a command (never a prompt answer), answered where it was said: its thread, if any.
            case "app_mention" when userId is not null && channel is not null && Str(evt, "bot_id") is null && userId != botUserId:
                var mention = SlackText.Normalise(SlackText.StripLeadingMention(text, botUserId));
                var target = new ReplyTarget(teamId, userId, channel, ThreadTs: Str(evt, "thread_ts"));
                return ct => conversation.HandleAsync(mention.Text.Length == 0 ? mention with { Text = "help" } : mention, key, target, null, ct);

            // Only what a person typed in their DM with the bot: no bot messages (loops), edits, joins (SlackMessageEvents).
            case "message" when Str(evt, "channel_type") == "im" && channel is not null && SlackMessageEvents.IsFromPerson(evt, botUserId):
                var dm = SlackText.Normalise(StripBotMention(text, botUserId));
                if (dm.Text.Length == 0)
                {
                    return null;
                }

                // A reply to the weekly nudge (or any DM that isn't a command) is a learning.
                var grammar = CommandParser.StartsWithCommand(dm.Text) ? dm : dm.Prefixed("learned ");
                var dmTarget = new ReplyTarget(teamId, userId!, channel, ThreadTs: Str(evt, "thread_ts"), IsDirectChannel: true);
                return ct => conversation.HandleAsync(grammar, key, dmTarget, null, ct);

            // A message that mentions the bot is its app_mention's to handle (both arrive, in either order).
            case "message" when Str(evt, "channel_type") is "channel" or "group" && SlackMessageEvents.MentionsBot(text, botUserId):
                return null;

            // A reply in a channel thread (also one sent to the channel too): maybe an answer to a standing-meeting prompt.
            case "message" when Str(evt, "channel_type") is "channel" or "group" && channel is not null && SlackMessageEvents.IsFromPerson(evt, botUserId)
                                && Str(evt, "thread_ts") is { } parentTs && Str(evt, "ts") is { } replyTs && parentTs != replyTs:
                return ct => conversation.RecordThreadReplyAsync(teamId, userId!, channel, parentTs, replyTs, text, ct);

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

    /// <summary>A DM may start with the bot's mention (<c>@LearningBot help</c>); without the bot's id, only before a command.</summary>
    private static string StripBotMention(string text, string? botUserId)
    {
        var rest = SlackText.StripLeadingMention(text, botUserId);
        return botUserId is not null || CommandParser.StartsWithCommand(rest) ? rest : text;
    }

    /// <summary>The bot's user id from the workspace's OAuth install (single-token mode has none): the fallback when an event has no authorizations.</summary>
    private async Task<string?> InstalledBotUserIdAsync(string teamId, CancellationToken ct) =>
        (await installations.GetAsync(SlackTokenSource.Platform, teamId, ct))?.BotUserId is { Length: > 0 } id ? id : null;

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
                // The value is a command the bot itself rendered into the button ("helped <id>"): no markup to read.
                return await StoreThenAckAsync("button " + command, teamId, [deliveryId],
                    ct => conversation.HandleAsync(new GrammarText(command, []), "slack:" + deliveryId, target, userName, ct));

            case "view_submission":
                return await ViewSubmissionAsync(payload, teamId, userId, userName);

            case "message_action" when Str(payload, "callback_id") == SlackModals.ShareShortcutCallback:
                var message = payload["message"];
                // The form shows the message as a person reads it: mentions as @name, so the saved answer holds none.
                var text = SlackText.Readable(Str(message, "text") ?? string.Empty);
                var channel = Str(payload["channel"], "id") ?? string.Empty;
                var triggerId = Str(payload, "trigger_id");
                var threadTs = Str(message, "thread_ts") ?? (SlackJson.At(message, "reply_count") is JsonValue ? Str(message, "ts") : null);
                // The reply goes where the shortcut was used: the thread for a reply in a thread, else the channel.
                var replyThreadTs = Str(message, "thread_ts") is { } parent && parent != Str(message, "ts") ? parent : null;
                return Enqueue("open share modal", ct => ShareShortcutAsync(teamId, channel, triggerId, text, threadTs, replyThreadTs,
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
        string? replyThreadTs, string? responseUrl, CancellationToken ct)
    {
        var question = SlackModals.GuessQuestion(text);
        var opened = await OpenModalAsync(teamId, triggerId, SlackModals.Share(channel, replyThreadTs, question, text), responseUrl,
            "You can also type it: `/learnbot share <question> :: <answer>`", ct);
        var viewId = Str(opened?["view"], "id");
        if (threadTs is null || viewId is null)
        {
            return;
        }

        var replies = await slack.CallAsync(teamId, "conversations.replies",
            new JsonObject { ["channel"] = channel, ["ts"] = threadTs, ["limit"] = 50 }, ct);
        var messages = (replies.Body?["messages"] as JsonArray)?.OfType<JsonObject>()
            .Where(m => SlackMessageEvents.IsFromPerson(m, null))
            .Select(m => SlackText.Readable(Str(m, "text") ?? string.Empty))
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
            ["view"] = SlackModals.Share(channel, replyThreadTs, SlackModals.GuessQuestion(messages[0]), thread),
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

        var (channel, threadTs) = SlackModals.ReadMetadata(Str(view, "private_metadata"));
        var deliveryId = "view:" + (Str(view, "id") ?? Hash(Encoding.UTF8.GetBytes(payload.ToJsonString())));
        var target = new ReplyTarget(teamId, userId, channel, ThreadTs: threadTs);
        return await StoreThenAckAsync("modal " + Str(view, "callback_id"), teamId, [deliveryId],
            ct => conversation.HandleAsync(new GrammarText(text, []), "slack:" + deliveryId, target, userName, ct));
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
