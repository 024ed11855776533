using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LearningBot.Core.Commands;
using LearningBot.Core.Learnings;
using LearningBot.Core.Kudos;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Prompts;
using LearningBot.Core.Replies;
using LearningBot.Core.Settings;
using LearningBot.Slack.Api;
using LearningBot.Core.Storage;
using Microsoft.Extensions.Logging;

namespace LearningBot.Slack.Adapter;

/// <summary>
/// The thin adapter: a Slack request already turned into text → <see cref="IncomingMessage"/> → the shared
/// pipeline → the reply delivered the Slack way. Nothing Slack-specific reaches the handlers.
/// </summary>
public sealed partial class SlackConversation(CommandPipeline pipeline, SlackUsers users, SlackReplySender sender, IDeliveryLog deliveries,
    PromptAnswerRecorder promptAnswers, LearningMessageEdits learningEdits, ChannelAnswers channelAnswers, ISlackApi slack,
    TeamSettingsCache teamSettings, TimeProvider time, ILogger<SlackConversation> logger)
{
    public const string Platform = "slack";

    /// <summary>A Slack message as a learning's source: <c>slack:{channel}:{ts}</c> (ts is unique per channel).</summary>
    public static string SourceMessage(string channelId, string ts) => $"slack:{channelId}:{ts}";

    public static string Scope(string teamId) => "slack:" + teamId;

    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Records a delivery; false (and a log line) when Slack sent it before, so the caller does nothing.</summary>
    public Task<bool> FirstDeliveryAsync(string teamId, string deliveryId, CancellationToken cancellationToken) =>
        FirstDeliveryAsync(teamId, deliveryId, null, cancellationToken);

    /// <param name="sender">Who sent it, so "forget me" deletes exactly their records; null for deliveries without a person.</param>
    private async Task<bool> FirstDeliveryAsync(string teamId, string deliveryId, DeliverySender? sender, CancellationToken cancellationToken)
    {
        if (await deliveries.TryRecordAsync(Scope(teamId), deliveryId, sender, time.GetUtcNow(), cancellationToken))
        {
            return true;
        }

        LogRedelivery(teamId, deliveryId);
        return false;
    }

    /// <summary>
    /// A Slack delivery handled once. A delivery already recorded is skipped; otherwise the store writes
    /// (<paramref name="store"/>, idempotent by the delivery's key) and the records of the delivery ids are made together
    /// (<see cref="IDeliveryLog.RunAndRecordAsync{T}"/>: on SQLite one write transaction), so a process killed before the
    /// commit leaves neither, and the retry stores it once; a command that saved nothing is not recorded, so its retry runs.
    /// Returns what the store did (its follow-up, and the reply for an acknowledgement), or null for a redelivery — also one
    /// racing the first delivery on this instance, which would otherwise reply twice.
    /// </summary>
    public async Task<StoreResult?> OnceAsync(string teamId, IReadOnlyList<string> deliveryIds, Func<CancellationToken, Task<StoreResult>> store,
        CancellationToken cancellationToken)
    {
        var claimed = new List<string>();
        try
        {
            foreach (var id in deliveryIds)
            {
                if (!_inFlight.TryAdd(Scope(teamId) + " " + id, 0))
                {
                    LogRedelivery(teamId, id);
                    return null;
                }

                claimed.Add(Scope(teamId) + " " + id);
            }

            // One read for all the ids (a message event has two): issue 18.
            if (await deliveries.FirstRecordedAsync(Scope(teamId), deliveryIds, cancellationToken) is { } recorded)
            {
                LogRedelivery(teamId, recorded);
                return null;
            }

            var run = await deliveries.RunAndRecordAsync(Scope(teamId), deliveryIds, async ct =>
            {
                var result = await store(ct);
                // Not recorded when nothing was saved: a redelivery may succeed where this failed.
                return new DeliveryWork<StoreResult>(result, Record: !result.NothingSaved, result.Sender);
            }, time.GetUtcNow(), cancellationToken);
            if (run.Record == DeliveryRecord.AlreadyRecorded)
            {
                LogRedelivery(teamId, string.Join(", ", deliveryIds));
                return null;
            }

            return run.Value;
        }
        finally
        {
            foreach (var key in claimed)
            {
                _inFlight.TryRemove(key, out _);
            }
        }
    }

    /// <summary>What the store part of a delivery did, and the Slack calls to make after it (post the reply, add a reaction).</summary>
    /// <param name="Sender">The person the delivery came from (recorded with it); null when there is none.</param>
    public sealed record StoreResult(Func<CancellationToken, Task>? FollowUp, bool NothingSaved = false, DeliverySender? Sender = null)
    {
        /// <summary>
        /// The reply as an immediate response (a slash command's acknowledgement) and what is left to send after it; null when
        /// the reply cannot go there. Used only where Slack reads a message from the ack; otherwise <see cref="FollowUp"/> sends it all.
        /// </summary>
        public AckReply? InAck { get; init; }

        public static StoreResult Then(Func<CancellationToken, Task>? followUp) => new(followUp);
    }

    /// <summary>
    /// A reply that may ride on the acknowledgement. Rendered by <see cref="Body"/> after the store's transaction (not inside it,
    /// where it would hold SQLite's writer longer).
    /// </summary>
    public sealed record AckReply(BotReply Reply, ReplyTarget Target, SlackReplySender Sender)
    {
        /// <summary>The ack's body (<see cref="SlackReplySender.AckResponse"/>); null when the reply must be sent the usual way.</summary>
        public JsonObject? Body() => SlackReplySender.AckResponse(Reply, Target);

        /// <summary>What is left after an ack that carried the reply: its DMs; null when there are none.</summary>
        public Func<CancellationToken, Task>? Rest =>
            Reply.DirectMessages.Count > 0 && !Reply.IsRedelivery ? ct => Sender.SendDirectMessagesAsync(Reply, Target, ct) : null;
    }

    /// <summary>Runs the command pipeline (the store writes); the reply is posted by the returned follow-up.</summary>
    /// <param name="input">The command text, from <see cref="SlackText.Normalise"/> (Slack-escaped text) or built from a form.</param>
    /// <param name="idempotencyKey">Stable for a redelivery of the same Slack payload.</param>
    /// <param name="botUserId">The bot's own user id in this workspace, when known: never a kudos receiver.</param>
    public async Task<StoreResult> HandleAsync(GrammarText input, string idempotencyKey, ReplyTarget target, string? userName,
        CancellationToken cancellationToken, string? botUserId = null)
    {
        var message = await ToMessageAsync(input, idempotencyKey, target, userName, botUserId, cancellationToken);
        var reply = await pipeline.HandleAsync(message, cancellationToken);
        return new StoreResult(ct => sender.SendAsync(reply, target, ct), reply.NothingSaved, new DeliverySender(message.TeamId, message.UserId))
        {
            InAck = target.ResponseUrl is null ? null : new AckReply(reply, target, sender),
        };
    }

    /// <summary>
    /// A channel message not addressed to the bot: inline kudos (<c>@bo ++ for …</c>) when the kudos grammar recognises it,
    /// acknowledged quietly; null for ordinary chatter (nothing stored, nothing said, not even a delivery record).
    /// </summary>
    public async Task<StoreResult?> HandleAmbientAsync(GrammarText input, string idempotencyKey, ReplyTarget target, string? botUserId,
        CancellationToken cancellationToken)
    {
        var message = await ToMessageAsync(input, idempotencyKey, target, null, botUserId, cancellationToken);
        var reply = await pipeline.HandleAmbientAsync(message, cancellationToken);
        return reply is null
            ? null
            : new StoreResult(ct => sender.SendAsync(reply, target, ct), reply.NothingSaved, new DeliverySender(message.TeamId, message.UserId));
    }

    /// <summary>
    /// <c>reaction_added</c> / <c>reaction_removed</c> on a message (https://api.slack.com/events/reaction_added): with the team's
    /// kudos emoji, kudos to the message's author (the message, read with conversations.history, is the reason; its permalink
    /// the link), or the kudos taken back. The gift's key is the message and the person reacting, so adding the emoji again,
    /// or Slack's retry, gives nothing twice. Null (nothing stored) for any other emoji and for reactions that give nothing.
    /// </summary>
    /// <param name="itemUser">The message's author (<c>item_user</c>); absent for some messages (e.g. by apps).</param>
    public async Task<StoreResult?> HandleReactionAsync(string teamId, string userId, string reaction, bool added, string channelId, string ts,
        string? itemUser, string? botUserId, CancellationToken cancellationToken)
    {
        var settings = await teamSettings.GetAsync(teamId, cancellationToken);
        if (!KudosEmoji.IsReaction(reaction, settings.KudosEmoji))
        {
            return null; // the usual case: any other emoji is none of the bot's business, and costs no Slack call
        }

        if (added && (itemUser is null || itemUser == userId || itemUser == botUserId))
        {
            return null; // nobody to thank, or one's own message: the grammar would say the same, without the Slack calls
        }

        var mentions = new List<MentionedMember>();
        MessageReaction read;
        string? threadTs = null;
        if (added)
        {
            var reacted = await ReadMessageAsync(teamId, channelId, ts, cancellationToken);
            threadTs = reacted is null ? null : SlackJson.Str(reacted, "thread_ts");
            var author = await users.GetAsync(teamId, itemUser!, null, cancellationToken);
            var byBot = author.IsBot || (reacted is not null && (SlackJson.Str(reacted, "bot_id") is not null || reacted["bot_profile"] is not null));
            var permalink = await slack.CallAsync(teamId, "chat.getPermalink", new JsonObject { ["channel"] = channelId, ["message_ts"] = ts },
                cancellationToken);
            mentions.Add(new MentionedMember(itemUser!, author.DisplayName, byBot));
            read = new MessageReaction(reaction, true, itemUser, byBot,
                reacted is null ? string.Empty : SlackText.Readable(SlackJson.Str(reacted, "text") ?? string.Empty),
                permalink.Ok ? SlackJson.Str(permalink.Body, "permalink") : null);
        }
        else
        {
            read = new MessageReaction(reaction, false, itemUser, false, string.Empty, null);
        }

        var user = await users.GetAsync(teamId, userId, null, cancellationToken);
        var now = time.GetUtcNow();
        var message = new IncomingMessage(teamId, userId, user.DisplayName, string.Empty, $"slack:reaction:{channelId}:{ts}:{userId}")
        {
            Platform = Platform,
            ChannelId = channelId,
            Mentions = mentions,
            Reaction = read,
            UserTimeZoneId = user.TimeZoneId,
            Conversation = SlackConversations.ForChannel(teamId, channelId, userId, now),
            PrivateConversation = SlackConversations.ForPerson(teamId, userId, now),
        };
        var reply = await pipeline.HandleAmbientAsync(message, cancellationToken);
        var target = new ReplyTarget(teamId, userId, channelId, ThreadTs: threadTs);
        return reply is null
            ? null
            : new StoreResult(ct => sender.SendAsync(reply, target, ct), reply.NothingSaved, new DeliverySender(teamId, userId));
    }

    /// <summary>
    /// One message by channel and ts: conversations.history with latest = oldest = ts, inclusive (Slack's way to read a single
    /// message: https://api.slack.com/messaging/retrieving#individual_messages); a reply in a thread is not in the channel's
    /// history, so then conversations.replies. Null when Slack would not say (e.g. no history scope there).
    /// </summary>
    private async Task<JsonObject?> ReadMessageAsync(string teamId, string channelId, string ts, CancellationToken cancellationToken)
    {
        foreach (var method in new[] { "conversations.history", "conversations.replies" })
        {
            var arguments = new JsonObject { ["channel"] = channelId, ["latest"] = ts, ["oldest"] = ts, ["inclusive"] = "true", ["limit"] = 1 };
            if (method == "conversations.replies")
            {
                arguments["ts"] = ts;
            }

            var result = await slack.CallAsync(teamId, method, arguments, cancellationToken);
            var found = (result.Body?["messages"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(m => SlackJson.Str(m, "ts") == ts);
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>The message for the pipeline. Kudos need to know who is a bot: for text that may give kudos, each mentioned id is looked up (users.info, cached).</summary>
    private async Task<IncomingMessage> ToMessageAsync(GrammarText input, string idempotencyKey, ReplyTarget target, string? userName,
        string? botUserId, CancellationToken cancellationToken)
    {
        var (text, mentions) = input;
        var user = await users.GetAsync(target.TeamId, target.UserId, userName, cancellationToken);
        if (MayGiveKudos(text))
        {
            var ids = Grammar.MentionRegex().Matches(text).Select(m => m.Groups["id"].Value).Distinct(StringComparer.Ordinal).Take(20).ToList();
            var known = new List<MentionedMember>();
            foreach (var id in ids)
            {
                var shown = mentions.FirstOrDefault(m => m.UserId == id)?.DisplayName;
                var person = await users.GetAsync(target.TeamId, id, shown, cancellationToken);
                known.Add(new MentionedMember(id, shown ?? person.DisplayName, person.IsBot || id == botUserId));
            }

            mentions = known;
        }

        var now = time.GetUtcNow();
        return new IncomingMessage(target.TeamId, target.UserId, user.DisplayName, text, idempotencyKey)
        {
            Platform = Platform,
            ChannelId = target.ChannelId,
            IsTeamAdmin = user.IsAdmin,
            Mentions = mentions,
            Channels = input.Channels,
            UserTimeZoneId = user.TimeZoneId,
            Conversation = target.ChannelId is null ? null : SlackConversations.ForChannel(target.TeamId, target.ChannelId, target.UserId, now),
            PrivateConversation = SlackConversations.ForPerson(target.TeamId, target.UserId, now),
            SourceMessage = target is { ChannelId: { } channel, MessageTs: { } ts } ? SourceMessage(channel, ts) : null,
        };
    }

    private static bool MayGiveKudos(string text) =>
        InlineKudosGrammar.CouldBe(text) || Grammar.SplitFirstWord(text.TrimStart()).First.ToLowerInvariant() is "kudos" or "thanks";

    /// <summary>
    /// A mention of the bot in a thread. In a standing-meeting prompt's thread, text that answers the prompt
    /// (<see cref="PromptAnswerRecorder.IsAnswer"/>: not a command, or a public <c>learned …</c>) is stored as an answer and
    /// acknowledged with ✅; anything else, and any other thread, runs as a command.
    /// </summary>
    public async Task<StoreResult> HandleThreadMentionAsync(GrammarText input, string idempotencyKey, ReplyTarget target, string ts,
        CancellationToken cancellationToken)
    {
        if (target.ThreadTs is { } threadTs && target.ChannelId is { } channelId && promptAnswers.IsAnswer(input.Text)
            && await RecordAnswerAsync(target.TeamId, target.UserId, channelId, threadTs, ts, input, idempotencyKey, cancellationToken) is { } answered)
        {
            return answered;
        }

        return await HandleAsync(input, idempotencyKey, target, null, cancellationToken);
    }

    /// <summary>
    /// A person's message in a channel, not addressed to the bot. A reply in a standing-meeting prompt's thread is stored as an answer
    /// and acknowledged (by the follow-up) with a ✅ reaction. Anything else may be a question: in a channel with answers on, a shared
    /// answer that matches with high confidence is posted once in the message's thread (<see cref="ChannelAnswers"/>); otherwise the bot
    /// stays quiet.
    /// </summary>
    /// <param name="threadTs">The parent's <c>ts</c> for a message in a thread (equal to <paramref name="ts"/> on the parent itself), else null.</param>
    /// <param name="text">The message text as Slack sent it (escaped); normalised here.</param>
    public async Task<StoreResult> HandleChannelMessageAsync(string teamId, string userId, string channelId, string? threadTs, string ts,
        string text, CancellationToken cancellationToken)
    {
        var key = $"slack:message:{channelId}:{ts}";
        var input = SlackText.Normalise(text);
        if (threadTs is not null && threadTs != ts
            && await RecordAnswerAsync(teamId, userId, channelId, threadTs, ts, input, key, cancellationToken) is { } answered)
        {
            return answered;
        }

        var quiet = StoreResult.Then(null) with { Sender = new DeliverySender(teamId, userId) };
        if (!QuestionDetector.IsQuestion(input.Text))
        {
            return new StoreResult(null, NothingSaved: true); // most channel messages: no store read, no Slack call, no trace
        }

        var user = await users.GetAsync(teamId, userId, null, cancellationToken);
        var message = new IncomingMessage(teamId, userId, user.DisplayName, input.Text, key)
        {
            Platform = Platform,
            ChannelId = channelId,
            Mentions = input.Mentions,
        };
        var thread = threadTs ?? ts;
        var offer = await channelAnswers.OfferAsync(message, thread, cancellationToken);
        var target = new ReplyTarget(teamId, userId, channelId, ThreadTs: thread);
        // No offer (answers off here, or unsure): nothing was stored, so no delivery record either; a retry is as quiet.
        return offer is null ? new StoreResult(null, NothingSaved: true) : quiet with { FollowUp = ct => sender.SendAsync(offer, target, ct) };
    }

    /// <summary>Stores a thread message as an answer when the thread is a prompt's; null (nothing stored) for any other thread.</summary>
    private async Task<StoreResult?> RecordAnswerAsync(string teamId, string userId, string channelId, string threadTs, string ts,
        GrammarText input, string idempotencyKey, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(teamId, userId, null, cancellationToken);
        var message = new IncomingMessage(teamId, userId, user.DisplayName, input.Text, idempotencyKey)
        {
            Platform = Platform,
            ChannelId = channelId,
            Mentions = input.Mentions,
            SourceMessage = SourceMessage(channelId, ts),
        };
        var answer = await promptAnswers.RecordAsync(message, SlackConversations.ChannelKey(teamId, channelId), threadTs, cancellationToken);
        return answer is null
            ? null
            : StoreResult.Then(ct => slack.CallAsync(teamId, "reactions.add",
                    new System.Text.Json.Nodes.JsonObject { ["channel"] = channelId, ["timestamp"] = ts, ["name"] = "white_check_mark" }, ct))
                with { Sender = new DeliverySender(teamId, userId) };
    }

    /// <summary>
    /// A <c>message_changed</c> event (https://docs.slack.dev/reference/events/message/message_changed): <c>message</c> is the
    /// message as it is now (its <c>ts</c> the original's, <c>edited.user</c> who edited). If a learning was logged from it (a DM,
    /// a prompt-thread answer, a mention) and its author edited it, the learning takes the new text; anything else changes nothing.
    /// </summary>
    public async Task<StoreResult> MessageChangedAsync(string teamId, string channelId, System.Text.Json.Nodes.JsonObject message, string? botUserId,
        CancellationToken cancellationToken)
    {
        var author = SlackJson.Str(message, "user");
        var editor = SlackJson.Str(message, "edited", "user") ?? author;
        var ts = SlackJson.Str(message, "ts");
        // No "edited": Slack changed something else (a thread's reply count, language metadata), not the words.
        if (author is null || ts is null || editor != author || SlackJson.At(message, "edited") is null
            || !SlackMessageEvents.IsFromPerson(message, botUserId))
        {
            return StoreResult.Then(null); // someone else's edit (Slack allows none, but admins' tools might), or a bot's message
        }

        var raw = SlackJson.Str(message, "text") ?? string.Empty;
        var text = SlackText.Normalise(botUserId is null ? raw : SlackText.StripLeadingMention(raw, botUserId)).Text;
        var editedAt = SlackTs(SlackJson.Str(message, "edited", "ts")) ?? time.GetUtcNow();
        var updated = await learningEdits.EditedAsync(teamId, author, SourceMessage(channelId, ts), text, editedAt, cancellationToken);
        if (updated is not null)
        {
            LogLearningEdited(teamId, updated.Id);
        }

        return StoreResult.Then(null) with { Sender = new DeliverySender(teamId, author) };
    }

    /// <summary>
    /// A <c>message_deleted</c> event (https://docs.slack.dev/reference/events/message/message_deleted): <c>deleted_ts</c> names the
    /// message, <c>previous_message.user</c> its author. A learning logged from it is deleted (digests already posted stay).
    /// </summary>
    public async Task<StoreResult> MessageDeletedAsync(string teamId, string channelId, string deletedTs, string? authorId,
        CancellationToken cancellationToken)
    {
        var deleted = await learningEdits.DeletedAsync(teamId, authorId, SourceMessage(channelId, deletedTs), cancellationToken);
        if (deleted is not null)
        {
            LogLearningDeleted(teamId, deleted.Id);
        }

        return StoreResult.Then(null) with { Sender = deleted is null ? null : new DeliverySender(teamId, deleted.UserId) };
    }

    /// <summary>A Slack timestamp (<c>1358878755.000001</c>: Unix seconds and a per-channel sequence) as an instant; null if unreadable.</summary>
    public static DateTimeOffset? SlackTs(string? ts) =>
        decimal.TryParse(ts, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
        && seconds is > 0 and < 253402300799m
            ? DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks((long)(seconds * TimeSpan.TicksPerSecond))
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack message edited in team {TeamId}: learning {LearningId} updated")]
    private partial void LogLearningEdited(string teamId, string learningId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack message deleted in team {TeamId}: learning {LearningId} deleted")]
    private partial void LogLearningDeleted(string teamId, string learningId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a Slack redelivery in team {TeamId}: {DeliveryId}")]
    private partial void LogRedelivery(string teamId, string deliveryId);
}
