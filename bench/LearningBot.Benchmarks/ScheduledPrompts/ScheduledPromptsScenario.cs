using System.Diagnostics;
using System.Globalization;
using LearningBot.Core.Conversations;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Slack.Adapter;
using LearningBot.Web.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LearningBot.Benchmarks.ScheduledPrompts;

/// <summary>
/// Issue 6's benchmark, a one-shot throughput scenario (so a stopwatch, not BenchmarkDotNet): N Slack channels whose
/// prompts are all due at the same instant; the real web host (Program, SQLite, the Slack services and their
/// resilience pipeline) posts them to a fake Slack Web API on loopback that enforces one message per second per
/// channel. Measured: wall time from the due instant until every channel has its prompt.
/// </summary>
/// <remarks>
/// Usage: <c>dotnet run -c Release --project bench/LearningBot.Benchmarks -- --scheduled-prompts
/// [--channels 10000] [--repeat 3] [--slack-latency-ms 0] [--config MaxParallelSends/BatchSize/PollSeconds ...]</c>.
/// </remarks>
internal static class ScheduledPromptsScenario
{
    // A Monday 09:30 UTC: every schedule's next occurrence. The host's clock is shifted so this instant comes a few
    // seconds after it starts (the timers stay real, so poll intervals, spacing and Retry-After take real time).
    private static readonly DateTimeOffset DueInstant = new(2026, 11, 30, 9, 30, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lead = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(20);

    public static async Task RunAsync(string[] args)
    {
        var channels = IntArg(args, "--channels", 10_000);
        var repeat = IntArg(args, "--repeat", 3);
        var latency = TimeSpan.FromMilliseconds(IntArg(args, "--slack-latency-ms", 0));
        var configs = args.Select((a, i) => (a, i)).Where(p => p.a == "--config" && p.i + 1 < args.Length)
            .Select(p => Config.Parse(args[p.i + 1])).ToList();
        if (configs.Count == 0)
        {
            configs.Add(new Config(8, 500, TimeSpan.FromSeconds(15))); // the shipped defaults
        }

        // WebApplicationFactory looks for the web project next to the solution file by assembly name; ours is under src/.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_LEARNINGBOT_WEB", FindWebProjectDirectory());
        var directory = Path.Combine(Path.GetTempPath(), "learningbot-schedbench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var template = Path.Combine(directory, "template.db");
            var seedClock = Stopwatch.StartNew();
            await SeedAsync(template, channels);
            Console.WriteLine($"Seeded {channels} Slack channels with a prompt due {DueInstant:u} in {seedClock.Elapsed.TotalSeconds:F1} s " +
                              "(through the repositories; copied for each run).");
            Console.WriteLine($"{Environment.ProcessorCount} logical cores, .NET {Environment.Version}, {DateTimeOffset.UtcNow:u}, " +
                              $"fake Slack answers after {latency.TotalMilliseconds:0} ms");
            foreach (var config in configs)
            {
                var results = new List<RunResult>();
                for (var i = 0; i < repeat; i++)
                {
                    var result = await RunOnceAsync(template, directory, channels, config, latency);
                    results.Add(result);
                    Console.WriteLine($"  {config} run {i + 1}: {result}");
                }

                var ordered = results.OrderBy(r => r.AllPosted).ToList();
                var median = ordered[ordered.Count / 2];
                Console.WriteLine($"{config}: median all posted {median.AllPosted.TotalSeconds:F1} s " +
                                  $"(min {ordered[0].AllPosted.TotalSeconds:F1}, max {ordered[^1].AllPosted.TotalSeconds:F1}), " +
                                  $"max peak working set {results.Max(r => r.PeakWorkingSetMb)} MB");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // left for the OS temp cleaner
            }
        }
    }

    private static async Task SeedAsync(string path, int channels)
    {
        await using (var provider = await BotServices.StartAsync(path))
        {
            var conversations = provider.GetRequiredService<IConversationRepository>();
            var prompts = provider.GetRequiredService<IPromptRepository>();
            var recurrence = new Recurrence([DueInstant.DayOfWeek], TimeOnly.FromTimeSpan(DueInstant.TimeOfDay), "UTC");
            for (var i = 0; i < channels; i++)
            {
                // 100 workspaces of 100 channels, as a multi-workspace install would have them.
                var team = "T" + (i / 100).ToString("D5", CultureInfo.InvariantCulture);
                var conversation = SlackConversations.ForChannel(team, "C" + i.ToString("D7", CultureInfo.InvariantCulture), "UADMIN",
                    DueInstant.AddDays(-7));
                await conversations.SaveAsync(conversation, CancellationToken.None);
                await prompts.SaveScheduleAsync(new PromptSchedule(conversation.Key, team, recurrence, PromptSchedule.DefaultQuestion, DueInstant),
                    CancellationToken.None);
            }
        }

        // Closing the last connection checkpoints the WAL into the file, so a plain copy is a complete database.
        SqliteConnection.ClearAllPools();
    }

    private static async Task<RunResult> RunOnceAsync(string template, string directory, int channels, Config config, TimeSpan latency)
    {
        var database = Path.Combine(directory, $"run-{Guid.NewGuid():N}.db");
        File.Copy(template, database);
        await using var slack = await FakeSlackWebApi.StartAsync(channels, latency);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        // The host's clock reaches the due instant Lead after this point, in real time.
        var realDue = Stopwatch.GetTimestamp() + (long)(Lead.TotalSeconds * Stopwatch.Frequency);
        var clock = new ShiftedTimeProvider(DueInstant - Lead - DateTimeOffset.UtcNow);
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = database,
            ["Playground:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning", // 10,000 "occurrence claimed" lines would measure the console
            ["Slack:SigningSecret"] = "bench-signing-secret-0123456789",
            ["Slack:BotToken"] = "xoxb-bench-token",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl,
            ["Scheduler:MaxParallelSends"] = config.MaxParallelSends.ToString(CultureInfo.InvariantCulture),
            ["Scheduler:BatchSize"] = config.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["Scheduler:PollInterval"] = config.PollInterval.ToString("c", CultureInfo.InvariantCulture),
        };
        // Any type of the web assembly names its entry point (the bench's own Program would clash with the web's).
        await using var factory = new WebApplicationFactory<SchedulerHostedService>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        });

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var startClock = Stopwatch.StartNew();
        _ = factory.Services; // starts the host and its SchedulerHostedService
        var hostStart = startClock.Elapsed;

        long peakWorkingSet = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                try
                {
                    await Task.Delay(100, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });

        var finished = await Task.WhenAny(slack.AllReceived, Task.Delay(RunTimeout)) == slack.AllReceived;
        var allPosted = Stopwatch.GetElapsedTime(realDue, slack.LastAcceptedTimestamp);
        var firstPosted = slack.FirstAcceptedTimestamp == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(realDue, slack.FirstAcceptedTimestamp);

        // The bookkeeping after the last post (outbox row Sent, occurrence Posted) is part of the job too.
        var outbox = factory.Services.GetRequiredService<IOutbox>();
        while (finished && await outbox.CountPendingAsync(CancellationToken.None) > 0)
        {
            await Task.Delay(50);
        }

        var outboxEmpty = Stopwatch.GetElapsedTime(realDue);
        await sampling.CancelAsync();
        await sampler;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var posted = await CountPostedOccurrencesAsync(factory.Services.GetRequiredService<IPromptRepository>(), channels);

        // A second later nothing more may arrive: each channel gets exactly one prompt.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var result = new RunResult(finished, hostStart, firstPosted, allPosted, outboxEmpty, slack.Accepted, slack.DistinctChannels,
            slack.ChannelsWithDuplicates, slack.RateLimited, posted, peakWorkingSet / (1024 * 1024), allocated / (1024 * 1024), cpu);
        await factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(database);
        return result;
    }

    /// <summary>Occurrences in state Posted for a sample of channels (every 100th), read back through the repository.</summary>
    private static async Task<string> CountPostedOccurrencesAsync(IPromptRepository prompts, int channels)
    {
        int sampled = 0, posted = 0;
        for (var i = 0; i < channels; i += 100)
        {
            var team = "T" + (i / 100).ToString("D5", CultureInfo.InvariantCulture);
            var key = SlackConversations.ChannelKey(team, "C" + i.ToString("D7", CultureInfo.InvariantCulture));
            var occurrences = await prompts.ListOccurrencesAsync(key, 5, CancellationToken.None);
            sampled++;
            posted += occurrences.Count(o => o.State == OccurrenceState.Posted) == 1 && occurrences.Count == 1 ? 1 : 0;
        }

        return $"{posted}/{sampled}";
    }

    internal static string FindWebProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "LearningBot.Web");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("src/LearningBot.Web not found above " + AppContext.BaseDirectory);
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Config(int MaxParallelSends, int BatchSize, TimeSpan PollInterval)
    {
        public static Config Parse(string text)
        {
            var parts = text.Split('/');
            return new Config(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture),
                TimeSpan.FromSeconds(double.Parse(parts[2], CultureInfo.InvariantCulture)));
        }

        public override string ToString() =>
            $"MaxParallelSends={MaxParallelSends} BatchSize={BatchSize} PollInterval={PollInterval.TotalSeconds:0.###}s";
    }

    private sealed record RunResult(bool Finished, TimeSpan HostStart, TimeSpan FirstPosted, TimeSpan AllPosted, TimeSpan OutboxEmpty,
        int Accepted, int DistinctChannels, int ChannelsWithDuplicates, int RateLimited, string PostedSample, long PeakWorkingSetMb,
        long AllocatedMb, TimeSpan Cpu)
    {
        public override string ToString() =>
            (Finished ? string.Empty : "TIMED OUT ") +
            $"all posted {AllPosted.TotalSeconds:F1} s after the due instant (first {FirstPosted.TotalSeconds:F1} s, outbox empty " +
            $"{OutboxEmpty.TotalSeconds:F1} s); chat.postMessage accepted {Accepted} for {DistinctChannels} channels, " +
            $"{ChannelsWithDuplicates} duplicated, {RateLimited} answered 429; occurrences Posted (sample) {PostedSample}; " +
            $"peak working set {PeakWorkingSetMb} MB, allocated {AllocatedMb} MB, CPU {Cpu.TotalSeconds:F1} s; host start {HostStart.TotalSeconds:F1} s";
    }

    /// <summary>The system clock moved by a fixed offset; timers are the system's, so waits take real time.</summary>
    private sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
