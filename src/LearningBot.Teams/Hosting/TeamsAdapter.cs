using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Logging;

namespace LearningBot.Teams.Hosting;

/// <summary>
/// The Bot Framework CloudAdapter with a turn-error handler that logs and apologises once. A refused activity
/// (<see cref="Security.ActivityRefusedException"/>) passes through it to the endpoint, which answers with its status.
/// Message activities a turn sends or updates are posted by <see cref="Outbound.ConnectorActivities"/> (System.Text.Json, the
/// turn's connector client and credentials); every other activity (typing, invoke responses, delays, traces) is Bot Framework's.
/// </summary>
public sealed partial class TeamsAdapter : CloudAdapter
{
    public TeamsAdapter(BotFrameworkAuthentication authentication, ILogger<TeamsAdapter> logger)
        : base(authentication, logger)
    {
        OnTurnError = async (turnContext, exception) =>
        {
            if (exception is Security.ActivityRefusedException)
            {
                // Not a failure of the turn: the activity was refused before any handler ran, and the endpoint answers it.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
            }

            LogTurnError(logger, exception, turnContext.Activity.Type, turnContext.Activity.Conversation?.Id);
            if (turnContext.Activity.Type == Microsoft.Bot.Schema.ActivityTypes.Message && !turnContext.Responded)
            {
                try
                {
                    await turnContext.SendActivityAsync("Something went wrong on my side. Please try again in a moment.");
                }
                catch (Exception apologyFailed) when (apologyFailed is not OperationCanceledException)
                {
                    // The reply path itself is what failed (e.g. the connector is down): the turn is logged, not a 500.
                    LogApologyFailed(logger, apologyFailed);
                }
            }
        };
    }

    /// <summary>
    /// What <see cref="CloudAdapterBase"/> does (ids cleared, a reply when the activity names <c>replyToId</c>, else a new message
    /// in the conversation), with message activities written by System.Text.Json instead of Bot Framework's Newtonsoft serializer.
    /// A turn with <c>deliveryMode: expectReplies</c> never gets here: <see cref="TurnContext"/> buffers those replies itself.
    /// </summary>
    public override async Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(activities);
        if (turnContext.TurnState.Get<IConnectorClient>() is not { } connector
            || Array.Exists(activities, a => a.Type != ActivityTypes.Message || a.Conversation?.Id is null))
        {
            return await base.SendActivitiesAsync(turnContext, activities, cancellationToken);
        }

        var responses = new ResourceResponse[activities.Length];
        for (var i = 0; i < activities.Length; i++)
        {
            var activity = activities[i];
            activity.Id = null;
            var response = string.IsNullOrWhiteSpace(activity.ReplyToId)
                ? await Outbound.ConnectorActivities.SendToConversationAsync(connector, activity.Conversation.Id, activity, cancellationToken)
                : await Outbound.ConnectorActivities.ReplyAsync(connector, activity.Conversation.Id, activity.ReplyToId, activity, cancellationToken);
            responses[i] = response ?? new ResourceResponse(string.Empty);
        }

        return responses;
    }

    /// <summary>Bot Framework's update (<c>PUT …/activities/{id}</c>), written by System.Text.Json when the activity allows it.</summary>
    public override async Task<ResourceResponse> UpdateActivityAsync(ITurnContext turnContext, Activity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(activity);
        return turnContext.TurnState.Get<IConnectorClient>() is { } connector
            ? await Outbound.ConnectorActivities.UpdateAsync(connector, activity, cancellationToken)
            : await base.UpdateActivityAsync(turnContext, activity, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Teams turn failed for a {ActivityType} activity in conversation {ConversationId}")]
    private static partial void LogTurnError(ILogger logger, Exception exception, string activityType, string? conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the sender that their Teams turn failed")]
    private static partial void LogApologyFailed(ILogger logger, Exception exception);
}
