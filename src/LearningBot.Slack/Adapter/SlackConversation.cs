using LearningBot.Core.Commands;
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
    PromptAnswerRecorder promptAnswers, ISlackApi slack, TimeProvider time, ILogger<SlackConversation> logger)
{
    public const string Platform = "slack";

    public static string Scope(string teamId) => "slack:" + teamId;

    /// <summary>Records a delivery; false (and a log line) when Slack sent it before, so the caller does nothing.</summary>
    public async Task<bool> FirstDeliveryAsync(string teamId, string deliveryId, CancellationToken cancellationToken)
    {
        if (await deliveries.TryRecordAsync(Scope(teamId), deliveryId, time.GetUtcNow(), cancellationToken))
        {
            return true;
        }

        LogRedelivery(teamId, deliveryId);
        return false;
    }

    /// <param name="rawText">Slack text (mentions may carry names); normalised here.</param>
    /// <param name="idempotencyKey">Stable for a redelivery of the same Slack payload.</param>
    public async Task HandleAsync(string rawText, string idempotencyKey, ReplyTarget target, string? userName,
        CancellationToken cancellationToken)
    {
        var (text, mentions) = SlackText.Normalise(rawText);
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
        await sender.SendAsync(reply, target, cancellationToken);
    }

    /// <summary>
    /// A reply in a channel thread: when the thread is a standing-meeting prompt it is stored as an answer and
    /// acknowledged with a ✅ reaction; any other thread is none of the bot's business.
    /// </summary>
    public async Task RecordThreadReplyAsync(string teamId, string userId, string channelId, string threadTs, string ts, string text,
        CancellationToken cancellationToken)
    {
        var (normalised, mentions) = SlackText.Normalise(text);
        var user = await users.GetAsync(teamId, userId, null, cancellationToken);
        var message = new IncomingMessage(teamId, userId, user.DisplayName, normalised, $"slack:message:{channelId}:{ts}")
        {
            Platform = Platform,
            ChannelId = channelId,
            Mentions = mentions,
        };
        var answer = await promptAnswers.RecordAsync(message, SlackConversations.ChannelKey(teamId, channelId), threadTs, cancellationToken);
        if (answer is not null)
        {
            await slack.CallAsync(teamId, "reactions.add",
                new System.Text.Json.Nodes.JsonObject { ["channel"] = channelId, ["timestamp"] = ts, ["name"] = "white_check_mark" },
                cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a Slack redelivery in team {TeamId}: {DeliveryId}")]
    private partial void LogRedelivery(string teamId, string deliveryId);
}
