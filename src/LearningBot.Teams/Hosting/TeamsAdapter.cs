using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.Logging;

namespace LearningBot.Teams.Hosting;

/// <summary>
/// The Bot Framework CloudAdapter with a turn-error handler that logs and apologises once. A refused activity
/// (<see cref="Security.ActivityRefusedException"/>) passes through it to the endpoint, which answers with its status.
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Teams turn failed for a {ActivityType} activity in conversation {ConversationId}")]
    private static partial void LogTurnError(ILogger logger, Exception exception, string activityType, string? conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the sender that their Teams turn failed")]
    private static partial void LogApologyFailed(ILogger logger, Exception exception);
}
