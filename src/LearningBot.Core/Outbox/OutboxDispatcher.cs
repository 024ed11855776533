using System.Collections.Concurrent;
using LearningBot.Core.Conversations;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Prompts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningBot.Core.Outbox;

/// <param name="Leased">Messages taken from the outbox in this round.</param>
/// <param name="Delivered">Messages the platform accepted.</param>
/// <param name="MoreMayBeDue">The round was full (BatchSize): the host dispatches again at once.</param>
public sealed record DispatchRound(int Leased, int Delivered, bool MoreMayBeDue);

/// <summary>
/// Delivers outbox messages through each platform's <see cref="IProactiveMessenger"/>: one message
/// per conversation per spacing interval, several conversations in parallel, failures retried with
/// backoff (honouring the platform's Retry-After), conversations that are gone abandoned.
/// </summary>
public sealed partial class OutboxDispatcher(
    IOutbox outbox,
    IConversationRepository conversations,
    IPromptRepository prompts,
    IEnumerable<IProactiveMessenger> messengers,
    TimeProvider time,
    IOptions<SchedulerOptions> options,
    ILogger<OutboxDispatcher> logger,
    LearningBotMetrics? metrics = null)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(15);
    private readonly IReadOnlyDictionary<string, IProactiveMessenger> _messengers =
        messengers.ToDictionary(m => m.Platform, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nextSendAllowed = new(StringComparer.Ordinal);

    /// <summary>Sends what is due now; returns how many messages were delivered.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken) =>
        (await DispatchRoundAsync(cancellationToken)).Delivered;

    /// <summary>
    /// Sends up to BatchSize due messages. <see cref="DispatchRound.Leased"/> equal to BatchSize means more may be due:
    /// every leased message leaves the due set (sent, retried later or abandoned), so calling again makes progress.
    /// </summary>
    public async Task<DispatchRound> DispatchRoundAsync(CancellationToken cancellationToken)
    {
        using var activity = LearningBotMetrics.ActivitySource.StartActivity("outbox dispatch");
        var now = time.GetUtcNow();
        var due = await outbox.LeaseDueAsync(now, Lease, options.Value.BatchSize, cancellationToken);
        var delivered = 0;
        await Parallel.ForEachAsync(due.GroupBy(m => m.ConversationKey),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxParallelSends, CancellationToken = cancellationToken },
            async (conversationMessages, token) =>
            {
                var ordered = conversationMessages.OrderBy(m => m.NotBefore).ThenBy(m => m.Purpose).ToList();
                var allowedAt = _nextSendAllowed.GetValueOrDefault(conversationMessages.Key, DateTimeOffset.MinValue);
                if (allowedAt > now)
                {
                    foreach (var waiting in ordered)
                    {
                        await outbox.RetryLaterAsync(waiting.Id, allowedAt, "rate limit", token);
                    }

                    return;
                }

                // One message per conversation per round keeps within the platform's per-channel rate.
                if (await DeliverAsync(ordered[0], now, token))
                {
                    Interlocked.Increment(ref delivered);
                }

                _nextSendAllowed[conversationMessages.Key] = now + options.Value.PerConversationSpacing;
                foreach (var waiting in ordered.Skip(1))
                {
                    await outbox.RetryLaterAsync(waiting.Id, now + options.Value.PerConversationSpacing, "rate limit", token);
                }
            });
        activity?.SetTag("learningbot.delivered", delivered);
        if (metrics is not null)
        {
            // One COUNT per round, so depth is fresh without a query per scrape.
            metrics.OutboxDepth(await outbox.CountPendingAsync(cancellationToken));
        }

        return new DispatchRound(due.Count, delivered, due.Count >= options.Value.BatchSize);
    }

    private async Task<bool> DeliverAsync(OutboxMessage message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var conversation = await conversations.GetAsync(message.ConversationKey, cancellationToken);
        if (conversation is not { IsActive: true })
        {
            await outbox.AbandonAsync(message.Id, "conversation unknown or inactive", now, cancellationToken);
            metrics?.OutboxDelivery(conversation?.Platform ?? "unknown", "abandoned");
            return false;
        }

        if (!_messengers.TryGetValue(conversation.Platform, out var messenger))
        {
            // The platform may be configured again later (e.g. a deployment without Slack settings): wait, don't drop.
            await outbox.RetryLaterAsync(message.Id, now + MaxBackoff, $"no messenger for {conversation.Platform}", cancellationToken);
            return false;
        }

        ProactiveSendOutcome outcome;
        try
        {
            outcome = await messenger.SendAsync(conversation, message.Reply, message.ThreadId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSendFailed(ex, message.Id, conversation.Platform);
            outcome = new ProactiveSendOutcome(ProactiveSendResult.Failed);
        }

        metrics?.OutboxDelivery(conversation.Platform, outcome.Result switch
        {
            ProactiveSendResult.Sent => "sent",
            ProactiveSendResult.Failed => "retry",
            _ => "gone",
        });
        switch (outcome.Result)
        {
            case ProactiveSendResult.Sent:
                await outbox.CompleteAsync(message.Id, outcome.MessageId, now, cancellationToken);
                if (message.Purpose == OutboxPurpose.PromptPost && message.RelatedId is not null)
                {
                    await prompts.MarkPostedAsync(message.RelatedId, outcome.MessageId ?? string.Empty, cancellationToken);
                }

                return true;
            case ProactiveSendResult.Failed:
                var backoff = outcome.RetryAfter ?? Backoff(message.Attempts);
                await outbox.RetryLaterAsync(message.Id, now + backoff, "send failed", cancellationToken);
                return false;
            default:
                await conversations.MarkInactiveAsync(conversation.Key, now, cancellationToken);
                await outbox.AbandonAsync(message.Id, outcome.Result.ToString(), now, cancellationToken);
                return false;
        }
    }

    /// <summary>Exponential backoff with jitter: 2s, 4s, 8s … capped at 15 minutes.</summary>
    internal static TimeSpan Backoff(int attempts)
    {
        var seconds = Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Clamp(attempts, 1, 20)));
        return TimeSpan.FromSeconds(seconds * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending outbox message {MessageId} to {Platform} failed")]
    private partial void LogSendFailed(Exception exception, string messageId, string platform);
}
