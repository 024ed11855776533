using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using Microsoft.Extensions.Options;

namespace LearningBot.Web.Hosting;

/// <summary>
/// Runs the prompt scheduler and the outbox dispatcher every poll interval, and again at once while batches come back full. Every web instance runs
/// it; claims in storage make sure each occurrence and message is handled by one of them.
/// </summary>
public sealed partial class SchedulerHostedService(
    PromptScheduler scheduler,
    OutboxDispatcher dispatcher,
    TimeProvider time,
    IOptions<SchedulerOptions> options,
    ILogger<SchedulerHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        do
        {
            try
            {
                // Full batches are followed at once rather than one per poll interval: 10,000 prompts due in the same
                // minute took 20 intervals (5 minutes) before. Claims and sends alternate, so posting starts with the first batch.
                bool more;
                do
                {
                    var run = await scheduler.RunOnceAsync(stoppingToken);
                    var round = await dispatcher.DispatchRoundAsync(stoppingToken);
                    more = run.MoreMayBeDue || round.MoreMayBeDue;
                }
                while (more && !stoppingToken.IsCancellationRequested);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Storage or platform trouble: the claims and the outbox keep the state, so the next tick simply retries.
                LogTickFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A scheduler tick failed; retrying on the next tick")]
    private partial void LogTickFailed(Exception exception);
}
