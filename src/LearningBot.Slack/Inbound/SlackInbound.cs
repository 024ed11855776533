using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LearningBot.Core.Commands;
using LearningBot.Core.Kudos;
using LearningBot.Core.Installations;
using LearningBot.Slack.Adapter;
using LearningBot.Slack.Api;
using LearningBot.Slack.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningBot.Slack.Inbound;

/// <summary>
/// What Slack sends, handled once for both transports: the HTTP endpoints (<see cref="Hosting.SlackEndpoints"/>, after the
/// signature check) and Socket Mode (<see cref="SocketMode.SlackSocketModeService"/>, from an envelope) hand it the
/// already-verified payload and send back the <see cref="SlackAck"/> it returns. The store writes (the command pipeline)
/// run before the acknowledgement — within <see cref="SlackOptions.AckWait"/> — so an acknowledged command is durable;
/// the Slack calls after it (posting replies, modals) run from <see cref="SlackWorkQueue"/>.
/// </summary>
internal sealed partial class SlackInbound(IOptions<SlackOptions> options, TimeProvider time, SlackWorkQueue queue,
    SlackConversation conversation, SlackAppHome appHome, ISlackApi slack,
    InstallationCache installations, IHostApplicationLifetime lifetime, ILogger<SlackInbound> logger)
{
    // ---- slash commands (HTTP: /slack/commands form; Socket Mode: slash_commands envelope) ----

    /// <summary>
    /// A slash command's fields (<c>team_id</c>, <c>user_id</c>, <c>command</c>, <c>text</c>, <c>trigger_id</c>,
    /// <c>response_url</c>, …: https://api.slack.com/interactivity/slash-commands#app_command_handling).
    /// </summary>
    /// <param name="fields">The fields by name (a form over HTTP, the payload object in Socket Mode).</param>
    /// <param name="payloadHash">A hash of the exact payload: the delivery id when Slack sent no trigger_id (computed only then).</param>
    /// <param name="replyInAck">Whether Slack reads a message from the acknowledgement (HTTP: always; Socket Mode: the envelope's
    /// <c>accepts_response_payload</c>). Then a reply ready before the ack is its body, and response_url is used only for a
    /// reply that comes later (issue 18: one outbound call less per command).</param>
    public async Task<SlackAck> CommandAsync(IReadOnlyDictionary<string, string> fields, Func<string> payloadHash, bool replyInAck = true)
    {
        string? Field(string name) => fields.TryGetValue(name, out var v) ? v : null;
        if (Field("ssl_check") == "1")
        {
            return SlackAck.Ok; // Slack checking the certificate of the command URL
        }

        var (teamId, userId, command) = (Field("team_id"), Field("user_id"), Field("command"));
        if (string.IsNullOrEmpty(teamId) || string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(command))
        {
            return SlackAck.Invalid("team_id, user_id and command are required.");
        }

        var text = Field("text")?.Trim() ?? string.Empty;
        var triggerId = Field("trigger_id");
        var channelId = Field("channel_id");
        // Slack does not resend slash commands on its own, but a proxy or a double submit can: the same
        // payload (trigger_id, or the body itself) is handled once.
        var deliveryId = "command:" + (string.IsNullOrEmpty(triggerId) ? payloadHash() : triggerId);

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
            ct => conversation.HandleAsync(grammarText, "slack:" + deliveryId, target, userName, ct), replyInAck);
    }

    // ---- Events API (HTTP: /slack/events; Socket Mode: events_api envelope) ----

    /// <summary>
    /// An Events API callback (<c>{"type":"event_callback","team_id":…,"event_id":…,"event":{…}}</c>,
    /// https://api.slack.com/apis/events-api#callback-field).
    /// </summary>
    /// <param name="retry">Slack's redelivery count (HTTP <c>X-Slack-Retry-Num</c>, Socket Mode <c>retry_attempt</c>), for the log only: the delivery log makes a retry a no-op.</param>
    public async Task<SlackAck> EventAsync(JsonObject? envelope, string retry, CancellationToken cancellationToken)
    {
        switch (Str(envelope, "type"))
        {
            case "url_verification":
                return SlackAck.Json(new JsonObject { ["challenge"] = Str(envelope, "challenge") ?? string.Empty });
            case "event_callback":
                var teamId = Str(envelope, "team_id");
                var eventId = Str(envelope, "event_id");
                var evt = envelope?["event"] as JsonObject;
                if (teamId is null || eventId is null || evt is null)
                {
                    return SlackAck.Invalid("team_id, event_id and event are required.");
                }

                // Every event at Debug (one line per event was ~1 % of the event path, issue 18); a redelivery at Information,
                // so an operator still sees Slack retrying (it retries when an ack took over 3 s or failed).
                if (retry is { Length: > 0 } and not "0")
                {
                    LogEventRetried(Str(evt, "type") ?? "?", teamId, eventId, retry);
                }
                else
                {
                    LogEvent(Str(evt, "type") ?? "?", teamId, eventId);
                }
                var botUserId = Str(evt, "type") is "message" or "app_mention" or "reaction_added" or "reaction_removed"
                    ? SlackMessageEvents.BotUserIdFromEnvelope(envelope!) ?? await InstalledBotUserIdAsync(teamId, cancellationToken)
                    : null;
                if (EventWork(teamId, eventId, evt, botUserId) is not { } store)
                {
                    return SlackAck.Ok; // an event the bot has nothing to do for
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
                return SlackAck.Ok;
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
            // Edits and deletions of a message a learning came from (a DM, a prompt-thread answer, a mention): the learning follows.
            case "message" when Str(evt, "subtype") == "message_changed" && channel is not null && evt["message"] is JsonObject changed:
                return ct => conversation.MessageChangedAsync(teamId, channel, changed, botUserId, ct);

            case "message" when Str(evt, "subtype") == "message_deleted" && channel is not null && Str(evt, "deleted_ts") is { } deletedTs:
                return ct => conversation.MessageDeletedAsync(teamId, channel, deletedTs, Str(evt["previous_message"], "user"), ct);

            // A mention is a command answered where it was said (its thread, if any); in a standing-meeting prompt's thread a
            // mention that is not a command, or a public "learned …", is an answer, as in Teams.
            case "app_mention" when userId is not null && channel is not null && Str(evt, "bot_id") is null && userId != botUserId:
                var mention = SlackText.Normalise(SlackText.StripLeadingMention(text, botUserId));
                var target = new ReplyTarget(teamId, userId, channel, ThreadTs: Str(evt, "thread_ts"), MessageTs: Str(evt, "ts"));
                var command = mention.Text.Length == 0 ? mention with { Text = "help" } : mention;
                return Str(evt, "thread_ts") is { } threadTs && Str(evt, "ts") is { } mentionTs && threadTs != mentionTs
                    ? ct => conversation.HandleThreadMentionAsync(command, key, target, mentionTs, ct)
                    : ct => conversation.HandleAsync(command, key, target, null, ct, botUserId);

            // Only what a person typed in their DM with the bot: no bot messages (loops), edits, joins (SlackMessageEvents).
            case "message" when Str(evt, "channel_type") == "im" && channel is not null && SlackMessageEvents.IsFromPerson(evt, botUserId):
                var dm = SlackText.Normalise(StripBotMention(text, botUserId));
                if (dm.Text.Length == 0)
                {
                    return null;
                }

                // A reply to the weekly nudge (or any DM that isn't a command) is a learning.
                var grammar = CommandParser.StartsWithCommand(dm.Text) ? dm : dm.Prefixed("learned ");
                var dmTarget = new ReplyTarget(teamId, userId!, channel, ThreadTs: Str(evt, "thread_ts"), IsDirectChannel: true,
                    MessageTs: Str(evt, "ts"));
                return ct => conversation.HandleAsync(grammar, key, dmTarget, null, ct);

            // A message that mentions the bot is its app_mention's to handle (both arrive, in either order).
            case "message" when Str(evt, "channel_type") is "channel" or "group" && SlackMessageEvents.MentionsBot(text, botUserId):
                return null;

            // A person's message in a channel (message.channels / message.groups): inline kudos ("@bo ++ for …"); else, in a
            // standing-meeting prompt's thread, an answer to it; else, in a channel with "settings answers on", a question may get a
            // shared answer in its thread. Anything else is chatter and leaves no trace (not even a delivery record).
            case "message" when Str(evt, "channel_type") is "channel" or "group" && channel is not null && SlackMessageEvents.IsFromPerson(evt, botUserId)
                                && Str(evt, "ts") is { } messageTs:
                var inChannel = SlackText.Normalise(text);
                var channelTarget = new ReplyTarget(teamId, userId!, channel, ThreadTs: Str(evt, "thread_ts") is { } inThread && inThread != messageTs ? inThread : null,
                    MessageTs: messageTs);
                return async ct => (InlineKudosGrammar.CouldBe(inChannel.Text)
                                       ? await conversation.HandleAmbientAsync(inChannel, key, channelTarget, botUserId, ct)
                                       : null)
                                   ?? await conversation.HandleChannelMessageAsync(teamId, userId!, channel, Str(evt, "thread_ts"), messageTs, text, ct);

            // A reaction on a message (https://api.slack.com/events/reaction_added): the team's kudos emoji gives or takes back kudos.
            case "reaction_added" or "reaction_removed" when userId is not null && userId != botUserId && evt["item"] is JsonObject item
                                                              && Str(item, "type") == "message" && Str(item, "channel") is { } reactedIn
                                                              && Str(item, "ts") is { } reactedTs && Str(evt, "reaction") is { } emoji:
                var added = Str(evt, "type") == "reaction_added";
                return async ct => await conversation.HandleReactionAsync(teamId, userId, emoji, added, reactedIn, reactedTs,
                    Str(evt, "item_user"), botUserId, ct) ?? Untraced;

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

    /// <summary>Nothing stored and nothing to do: not even the delivery is recorded (chatter leaves no trace).</summary>
    private static readonly SlackConversation.StoreResult Untraced = new(null, NothingSaved: true);

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

    // ---- interactivity (HTTP: /slack/interactions form field "payload"; Socket Mode: interactive envelope) ----

    /// <summary>
    /// An interaction payload (<c>block_actions</c>, <c>view_submission</c>, <c>message_action</c>, …:
    /// https://api.slack.com/interactivity/handling#payloads); null when it was missing or not JSON.
    /// </summary>
    public async Task<SlackAck> InteractionAsync(JsonObject? payload)
    {
        var teamId = Str(payload?["team"], "id") ?? Str(payload?["user"], "team_id");
        var userId = Str(payload?["user"], "id");
        if (payload is null || teamId is null || userId is null)
        {
            return SlackAck.Invalid("A payload with team and user is required.");
        }

        var userName = Str(payload["user"], "name") ?? Str(payload["user"], "username");
        switch (Str(payload, "type"))
        {
            case "block_actions" when (payload["actions"] as JsonArray ?? []).OfType<JsonObject>()
                    .FirstOrDefault(a => Str(a, "action_id")?.StartsWith(Rendering.BlockKitRenderer.AskActionPrefix, StringComparison.Ordinal) == true)
                    is { } ask:
                return AskForText(teamId, userId, payload, ask);

            case "block_actions":
                var action = (payload["actions"] as JsonArray ?? []).OfType<JsonObject>()
                    .FirstOrDefault(a => Str(a, "action_id")?.StartsWith(Rendering.BlockKitRenderer.CommandActionPrefix, StringComparison.Ordinal) == true);
                var command = Str(action, "value");
                if (command is null)
                {
                    return SlackAck.Ok; // e.g. an "Open" link button: Slack needs only the ack
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
                return SlackAck.Ok;
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

    /// <summary>
    /// A button that asks for text first (e.g. a learning's "Edit"): opens <see cref="SlackModals.Edit"/>, prefilled from the
    /// button's value (<see cref="Rendering.BlockKitRenderer.AskValue"/>); the submission runs the command.
    /// </summary>
    private SlackAck AskForText(string teamId, string userId, JsonObject payload, JsonObject action)
    {
        JsonObject? value;
        try
        {
            value = SlackJson.ParseObject(Str(action, "value") ?? string.Empty);
        }
        catch (System.Text.Json.JsonException)
        {
            value = null;
        }

        var command = Str(value, "command");
        var triggerId = Str(payload, "trigger_id");
        if (command is null || string.IsNullOrEmpty(triggerId))
        {
            return SlackAck.Ok; // not a value this bot rendered
        }

        var channel = Str(payload["channel"], "id");
        var deliveryId = $"action:{userId}:{Str(action, "action_ts") ?? triggerId}";
        return Enqueue("open edit modal", async ct =>
        {
            if (await conversation.FirstDeliveryAsync(teamId, deliveryId, ct))
            {
                await OpenModalAsync(teamId, triggerId, SlackModals.Edit(channel, command, Str(value, "label") ?? "New text", Str(value, "text") ?? string.Empty),
                    Str(payload, "response_url"), $"You can also type it: `/learnbot {command} <new text>`", ct);
            }
        });
    }

    private async Task<SlackAck> ViewSubmissionAsync(JsonObject payload, string teamId, string userId, string? userName)
    {
        var view = payload["view"];
        var values = SlackJson.At(view, "state", "values");
        if (Str(view, "callback_id") == SlackModals.EditCallback)
        {
            var (edit, editErrors, editChannel) = SlackModals.ReadEdit(values, Str(view, "private_metadata"));
            if (editErrors is not null)
            {
                return SlackAck.Json(new JsonObject { ["response_action"] = "errors", ["errors"] = editErrors });
            }

            if (edit is null)
            {
                return SlackAck.Ok;
            }

            var editDelivery = "view:" + (Str(view, "id") ?? Hash(Encoding.UTF8.GetBytes(payload.ToJsonString())));
            var editTarget = new ReplyTarget(teamId, userId, editChannel);
            return await StoreThenAckAsync("modal " + SlackModals.EditCallback, teamId, [editDelivery],
                ct => conversation.HandleAsync(new GrammarText(edit, []), "slack:" + editDelivery, editTarget, userName, ct));
        }

        var (text, errors) = Str(view, "callback_id") switch
        {
            SlackModals.KudosCallback => SlackModals.ReadKudos(values),
            SlackModals.ShareCallback => SlackModals.ReadShare(values),
            _ => (null, null),
        };
        if (errors is not null)
        {
            // Slack shows these next to the fields and keeps the modal open.
            return SlackAck.Json(new JsonObject { ["response_action"] = "errors", ["errors"] = errors });
        }

        if (text is null)
        {
            return SlackAck.Ok;
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
    /// (Slack would give up at 3 s anyway). A failure before the ack is not acknowledged (HTTP 500, no Socket Mode ack):
    /// Slack retries events, and shows the person an error for a command, rather than claiming it worked.
    /// With <paramref name="replyInAck"/> (slash commands), a reply ready before the ack is the ack's body
    /// (https://api.slack.com/interactivity/handling#message_responses) instead of a response_url call after it.
    /// </summary>
    private async Task<SlackAck> StoreThenAckAsync(string what, string teamId, IReadOnlyList<string> deliveryIds,
        Func<CancellationToken, Task<SlackConversation.StoreResult>> store, bool replyInAck = false)
    {
        var (outcome, body) = await queue.RunBeforeAckAsync(what, async ct =>
                await conversation.OnceAsync(teamId, deliveryIds, store, ct) is { } stored
                    ? new SlackWork(stored.FollowUp, replyInAck && stored.InAck is { } inAck ? inAck.Body : null, stored.InAck?.Rest)
                    : null,
            options.Value.AckWait, lifetime.ApplicationStopping);
        return outcome switch
        {
            SlackAckOutcome.Failed => SlackAck.Failed,
            _ when body is not null => SlackAck.Json(body),
            _ => SlackAck.Ok,
        };
    }

    /// <summary>Slack calls with nothing to store (opening a modal): a plain ack; <see cref="SlackAck.Busy"/> if the queue is full so Slack can retry.</summary>
    private SlackAck Enqueue(string what, Func<CancellationToken, Task> work) =>
        queue.TryEnqueue(what, work) ? SlackAck.Ok : SlackAck.Busy;

    private static SlackAck Ephemeral(string text) => SlackAck.Json(new JsonObject { ["response_type"] = "ephemeral", ["text"] = text });

    private static string BlockKitEscape(string text) => Rendering.BlockKitRenderer.Escape(text);

    private static string? Str(JsonNode? node, string name) =>
        node is JsonObject obj && obj.TryGetPropertyValue(name, out var value) && value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The SHA-256 of a payload, hex: a stable delivery id for payloads without their own.</summary>
    public static string Hash(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Slack event {Type} in team {TeamId}: {EventId}")]
    private partial void LogEvent(string type, string teamId, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack event {Type} in team {TeamId}: {EventId} (retry {Retry})")]
    private partial void LogEventRetried(string type, string teamId, string eventId, string retry);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack workspace {TeamId} deactivated ({Why}); its token is no longer used")]
    private partial void LogDeactivated(string teamId, string why);
}
