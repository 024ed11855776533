using System.Diagnostics.Metrics;
using LearningBot.Core.Conversations;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Tests.Pipeline;
using LearningBot.Tests.Prompts;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Observability;

/// <summary>Scheduler lag, outbox depth and deliveries, on the real scheduler over SQLite with a fake clock.</summary>
public sealed class SchedulerMetricsTests
{
    private static readonly StoredConversation Channel = new("test:acme:C1", "test", "acme", ConversationKind.Channel, null, "{}", true,
        DateTimeOffset.UnixEpoch);

    // Thursday 26 Nov 2026 09:30 Berlin (the harness clock starts on Wednesday 10:00 UTC).
    private static readonly DateTimeOffset Thursday0830Utc = new(2026, 11, 26, 8, 30, 0, TimeSpan.Zero);

    [Test]
    public async Task Lag_is_how_late_an_occurrence_was_claimed_and_depth_counts_what_still_waits()
    {
        var platform = new RecordingMessenger { Outage = new ProactiveSendOutcome(ProactiveSendResult.Failed) };
        await using var bot = await PipelineHarness.StartAsync(services => services.AddSingleton<IProactiveMessenger>(platform));
        using var metrics = new MetricCapture(bot.Services.GetRequiredService<IMeterFactory>());
        await bot.SendAsync("lead", "prompt set mon,thu 09:30 Europe/Berlin", admin: true, conversation: Channel);

        // The platform is down: the claimed prompt stays in the outbox.
        bot.Clock.SetUtcNow(Thursday0830Utc.AddSeconds(40));
        await bot.Services.GetRequiredService<PromptScheduler>().RunOnceAsync(default);
        await bot.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(default);

        // Back up, after the backoff: delivered, the outbox is empty.
        platform.Outage = null;
        bot.Clock.SetUtcNow(Thursday0830Utc.AddMinutes(20));
        await bot.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(default);

        var lag = metrics.Of("learningbot.scheduler.lag").Single();
        Assert.That(lag.Value, Is.EqualTo(40));
        Assert.That(lag.Tag("kind"), Is.EqualTo("prompt"));
        Assert.That(lag.Tag("state"), Is.EqualTo("claimed"));
        Assert.That(metrics.Of("learningbot.outbox.depth").Select(m => m.Value), Is.EqualTo(new double[] { 1, 0 }));
        Assert.That(metrics.Of("learningbot.outbox.deliveries").Select(m => m.Tag("outcome")), Is.EqualTo(new[] { "retry", "sent" }));
        Assert.That(platform.Sent, Has.Count.EqualTo(1));
    }
}
