using LearningBot.Core.Commands;
using LearningBot.Core.Storage;
using Microsoft.Extensions.Logging;

namespace LearningBot.Slack.Adapter;

/// <summary>
/// The thin adapter: a Slack request already turned into text → <see cref="IncomingMessage"/> → the shared
/// pipeline → the reply delivered the Slack way. Nothing Slack-specific reaches the handlers.
/// </summary>
public sealed partial class SlackConversation(CommandPipeline pipeline, SlackUsers users, SlackReplySender sender, IDeliveryLog deliveries,
    TimeProvider time, ILogger<SlackConversation> logger)
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
        var message = new IncomingMessage(target.TeamId, target.UserId, user.DisplayName, text, idempotencyKey)
        {
            Platform = Platform,
            ChannelId = target.ChannelId,
            IsTeamAdmin = user.IsAdmin,
            Mentions = mentions,
        };
        var reply = await pipeline.HandleAsync(message, cancellationToken);
        await sender.SendAsync(reply, target, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a Slack redelivery in team {TeamId}: {DeliveryId}")]
    private partial void LogRedelivery(string teamId, string deliveryId);
}
