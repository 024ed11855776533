using System.Diagnostics;
using System.Net;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Conversations;
using LearningBot.Core.Replies;
using LearningBot.Teams.Hosting;
using LearningBot.Teams.Messages;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Rest;

namespace LearningBot.Teams.Conversations;

/// <summary>
/// Posts a reply into a stored Teams conversation (ContinueConversationAsync). Teams throttles bots per
/// conversation (429): those and 5xx are retried with exponential backoff or Retry-After; 403/404 mean the
/// bot was removed or the chat is gone, so the conversation is marked inactive and never tried again. A stored reference
/// whose channel is not accepted or whose tenant is not the conversation's team is never used.
/// </summary>
public sealed partial class TeamsProactiveMessenger(
    TeamsAdapter adapter,
    IConversationRepository conversations,
    IOptions<BotAuthOptions> auth,
    IOptions<TeamsOptions> options,
    TimeProvider time,
    ILogger<TeamsProactiveMessenger> logger,
    LearningBotMetrics? metrics = null) : IProactiveMessenger
{
    public string Platform => TeamsIds.Platform;

    public async Task<ProactiveSendOutcome> SendAsync(StoredConversation conversation, BotReply reply, string? threadId,
        CancellationToken cancellationToken)
    {
        if (conversation.Platform != Platform || !conversation.IsActive)
        {
            return new ProactiveSendOutcome(ProactiveSendResult.NotAvailable);
        }

        var reference = TeamsConversations.ReadReference(conversation);
        if (!options.Value.AcceptedChannels.Contains(reference.ChannelId ?? string.Empty)
            || (reference.Conversation.TenantId is { Length: > 0 } tenant && TeamsIds.TeamId(tenant) != conversation.TeamId))
        {
            // A reference stored before inbound activities were checked (or edited in storage) may name another channel or
            // tenant than the team it is filed under: posting there could hand one team's messages to another.
            LogForeignReference(conversation.Key);
            return new ProactiveSendOutcome(ProactiveSendResult.NotAvailable);
        }

        var retry = options.Value.Proactive;
        for (var attempt = 1; ; attempt++)
        {
            // The adapter hands exceptions inside a turn to its OnTurnError handler, so the send's failure is
            // captured here to decide on retrying.
            Exception? failure = null;
            string? sentId = null;
            var started = Stopwatch.GetTimestamp();
            await adapter.ContinueConversationAsync(auth.Value.MicrosoftAppId ?? string.Empty, reference, async (turnContext, ct) =>
            {
                try
                {
                    // Without a thread: a new message (a new thread in a channel). With one: a reply to that post,
                    // e.g. a prompt's digest under the prompt.
                    var connector = turnContext.TurnState.Get<IConnectorClient>();
                    Hosting.SharedJsonContracts.Apply(connector);
                    var activity = TeamsBot.ToActivity(reply);
                    activity.Conversation = reference.Conversation;
                    activity.From = reference.Bot;
                    var sent = threadId is null
                        ? await Outbound.ConnectorActivities.SendToConversationAsync(connector, reference.Conversation.Id, activity, ct)
                        : await Outbound.ConnectorActivities.ReplyAsync(connector, reference.Conversation.Id, threadId, activity, ct);
                    sentId = sent?.Id;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failure = ex;
                }
            }, cancellationToken);

            // One measurement per attempt: retries of a throttled conversation show up as 429s.
            metrics?.PlatformCall(TeamsIds.Platform, threadId is null ? "send_to_conversation" : "reply_to_activity",
                failure is null ? "ok" : StatusOf(failure) is { } code ? "http_" + (int)code : "transport_error",
                Stopwatch.GetElapsedTime(started));
            if (failure is null)
            {
                return new ProactiveSendOutcome(ProactiveSendResult.Sent, sentId);
            }

            if (StatusOf(failure) is not { } status)
            {
                LogFailedWithoutStatus(failure, conversation.Key);
                return new ProactiveSendOutcome(ProactiveSendResult.Failed);
            }

            if (status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            {
                LogGone(conversation.Key, (int)status);
                await conversations.MarkInactiveAsync(conversation.Key, time.GetUtcNow(), cancellationToken);
                return new ProactiveSendOutcome(ProactiveSendResult.Gone);
            }

            var retryable = status == HttpStatusCode.TooManyRequests || (int)status >= 500;
            if (!retryable || attempt >= retry.MaxAttempts)
            {
                LogFailed(failure, conversation.Key, (int)status, attempt);
                return new ProactiveSendOutcome(ProactiveSendResult.Failed, RetryAfter: RetryAfter(failure));
            }

            var delay = RetryAfter(failure) ?? TimeSpan.FromTicks(retry.BaseDelay.Ticks * (1L << (attempt - 1)));
            delay = delay > retry.MaxDelay ? retry.MaxDelay : delay;
            LogRetrying(conversation.Key, (int)status, attempt, delay.TotalMilliseconds);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private static HttpStatusCode? StatusOf(Exception exception) => exception switch
    {
        ErrorResponseException e when e.Response is not null => e.Response.StatusCode,
        HttpOperationException e when e.Response is not null => e.Response.StatusCode,
        _ => null,
    };

    private static TimeSpan? RetryAfter(Exception exception)
    {
        var headers = exception switch
        {
            ErrorResponseException e => e.Response?.Headers,
            HttpOperationException e => e.Response?.Headers,
            _ => null,
        };
        if (headers is not null && headers.TryGetValue("Retry-After", out var values)
            && double.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Teams conversation {Key} has a stored reference of another channel or tenant than its team; nothing was sent there")]
    private partial void LogForeignReference(string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending to Teams conversation {Key} failed")]
    private partial void LogFailedWithoutStatus(Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Teams conversation {Key} answered {Status}: the bot was removed; marked inactive")]
    private partial void LogGone(string key, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Teams conversation {Key} answered {Status} on attempt {Attempt}; retrying in {DelayMs} ms")]
    private partial void LogRetrying(string key, int status, int attempt, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending to Teams conversation {Key} failed with {Status} after {Attempt} attempts")]
    private partial void LogFailed(Exception exception, string key, int status, int attempt);
}
