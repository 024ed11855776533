using System.Collections.Concurrent;
using LearningBot.Core.Commands;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Prompts;
using LearningBot.Slack.Api;
using LearningBot.Core.Storage;
using Microsoft.Extensions.Logging;

namespace LearningBot.Slack.Adapter;

/// <summary>
/// The thin adapter: a Slack request already turned into text → <see cref="IncomingMessage"/> → the shared
/// pipeline → the reply delivered the Slack way. Nothing Slack-specific reaches the handlers.
/// </summary>
public sealed partial class SlackConversation(CommandPipeline pipeline, SlackUsers users, SlackReplySender sender, IDeliveryLog deliveries,
    PromptAnswerRecorder promptAnswers, ChannelAnswers channelAnswers, ISlackApi slack, TimeProvider time, ILogger<SlackConversation> logger)
{
    public const string Platform = "slack";

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
    /// (<paramref name="store"/>, idempotent by the delivery's key) run first and the delivery ids are recorded after
    /// them, as in Teams: a process killed in between leaves the delivery unrecorded, so the retry stores it (once)
    /// instead of being ignored. Returns the follow-up to run, or null for a redelivery — also one racing the first
    /// delivery on this instance, which would otherwise reply twice.
    /// </summary>
    public async Task<Func<CancellationToken, Task>?> OnceAsync(string teamId, IReadOnlyList<string> deliveryIds, Func<CancellationToken, Task<StoreResult>> store,
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
                if (await deliveries.WasRecordedAsync(Scope(teamId), id, cancellationToken))
                {
                    LogRedelivery(teamId, id);
                    return null;
                }
            }

            var result = await store(cancellationToken);
            if (result.NothingSaved)
            {
                return result.FollowUp; // not recorded: a redelivery may succeed where this failed
            }

            foreach (var id in deliveryIds)
            {
                if (!await FirstDeliveryAsync(teamId, id, result.Sender, cancellationToken))
                {
                    return null;
                }
            }

            return result.FollowUp;
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
        public static StoreResult Then(Func<CancellationToken, Task>? followUp) => new(followUp);
    }

    /// <summary>Runs the command pipeline (the store writes); the reply is posted by the returned follow-up.</summary>
    /// <param name="input">The command text, from <see cref="SlackText.Normalise"/> (Slack-escaped text) or built from a form.</param>
    /// <param name="idempotencyKey">Stable for a redelivery of the same Slack payload.</param>
    public async Task<StoreResult> HandleAsync(GrammarText input, string idempotencyKey, ReplyTarget target, string? userName,
        CancellationToken cancellationToken)
    {
        var (text, mentions) = input;
        var user = await users.GetAsync(target.TeamId, target.UserId, userName, cancellationToken);
        var now = time.GetUtcNow();
        var message = new IncomingMessage(target.TeamId, target.UserId, user.DisplayName, text, idempotencyKey)
        {
            Platform = Platform,
            ChannelId = target.ChannelId,
            IsTeamAdmin = user.IsAdmin,
            Mentions = mentions,
            UserTimeZoneId = user.TimeZoneId,
            Conversation = target.ChannelId is null ? null : SlackConversations.ForChannel(target.TeamId, target.ChannelId, target.UserId, now),
            PrivateConversation = SlackConversations.ForPerson(target.TeamId, target.UserId, now),
        };
        var reply = await pipeline.HandleAsync(message, cancellationToken);
        return new StoreResult(ct => sender.SendAsync(reply, target, ct), reply.NothingSaved, new DeliverySender(message.TeamId, message.UserId));
    }

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
            return quiet; // most channel messages: no store read, no Slack call
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
        return offer is null ? quiet : quiet with { FollowUp = ct => sender.SendAsync(offer, target, ct) };
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
        };
        var answer = await promptAnswers.RecordAsync(message, SlackConversations.ChannelKey(teamId, channelId), threadTs, cancellationToken);
        return answer is null
            ? null
            : StoreResult.Then(ct => slack.CallAsync(teamId, "reactions.add",
                    new System.Text.Json.Nodes.JsonObject { ["channel"] = channelId, ["timestamp"] = ts, ["name"] = "white_check_mark" }, ct))
                with { Sender = new DeliverySender(teamId, userId) };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a Slack redelivery in team {TeamId}: {DeliveryId}")]
    private partial void LogRedelivery(string teamId, string deliveryId);
}
