using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.Logging;

namespace LearningBot.Teams.Hosting;

/// <summary>The Bot Framework CloudAdapter with a turn-error handler that logs and apologises once.</summary>
public sealed partial class TeamsAdapter : CloudAdapter
{
    public TeamsAdapter(BotFrameworkAuthentication authentication, ILogger<TeamsAdapter> logger)
        : base(authentication, logger)
    {
        OnTurnError = async (turnContext, exception) =>
        {
            LogTurnError(logger, exception, turnContext.Activity.Type, turnContext.Activity.Conversation?.Id);
            if (turnContext.Activity.Type == Microsoft.Bot.Schema.ActivityTypes.Message && !turnContext.Responded)
            {
                await turnContext.SendActivityAsync("Something went wrong on my side. Please try again in a moment.");
            }
        };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Teams turn failed for a {ActivityType} activity in conversation {ConversationId}")]
    private static partial void LogTurnError(ILogger logger, Exception exception, string activityType, string? conversationId);
}
