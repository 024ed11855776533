using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Azure.Cosmos;

namespace LearningBot.LoadTest;

/// <summary>
/// Runs every (target, rate) step: a fresh server process (and a fresh database) per step, load, then — for
/// the real host — waits until the work acknowledged early has finished, and audits what was stored.
/// </summary>
public sealed class LoadSession(LoadOptions options, FakePlatforms fakes, TextWriter progress)
{
    private const string SigningSecret = "load-test-signing-secret-0123456789";
    private const int MaxConnections = 2000;

    public async Task<IReadOnlyList<StepResult>> RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.WorkDirectory);
        using var cosmos = options.Targets.Contains(Target.Cosmos) ? CosmosStoredRecords.CreateClient(options.CosmosEndpoint!) : null;
        var results = new List<StepResult>();
        foreach (var target in options.Targets)
        {
            foreach (var rate in options.Rates)
            {
                var result = await RunStepAsync(target, rate, cosmos, cancellationToken);
                var audit = result.Audit is { } a
                    ? $", stored once {a.StoredOnce}/{a.Acknowledged} (missing {a.Missing}, duplicated {a.Duplicated})"
                    : string.Empty;
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{target} @ {rate}/s: {result.Throughput:F0} req/s, p50 {result.P50:F1} ms, p99 {result.P99:F1} ms, max {result.Max:F0} ms, errors {result.Errors}, RSS peak {result.Memory.PeakRssMb:F0} MB{audit}"));
                results.Add(result);
            }
        }

        return results;
    }

    private async Task<StepResult> RunStepAsync(Target target, int rate, CosmosClient? cosmos, CancellationToken cancellationToken)
    {
        fakes.Reset();
        var runId = $"{target.ToString().ToLowerInvariant()}{rate}-{Guid.NewGuid().ToString("N")[..8]}";
        var stepDirectory = Path.Combine(options.WorkDirectory, runId);
        Directory.CreateDirectory(stepDirectory);
        var (dll, arguments, environment, records) = Server(target, runId, stepDirectory, cosmos);
        progress.WriteLine($"{target} @ {rate}/s: starting {Path.GetFileName(dll)} (log: {stepDirectory}/server.log)");

        // The real host must really run in Production (the bare server logs only warnings, so it is not checked).
        await using var host = await HostProcess.StartAsync(dll, arguments, environment, Path.Combine(stepDirectory, "server.log"), cancellationToken,
            target == Target.Bare ? null : environment.GetValueOrDefault("ASPNETCORE_ENVIRONMENT"));
        using var client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            // Open loop: a connection per request in flight, like many Slack / Teams senders, up to a cap that keeps
            // both processes under the open-files limit when the host falls far behind (requests beyond it wait in the
            // client, and that wait still counts: latency runs from the scheduled time).
            MaxConnectionsPerServer = MaxConnections,
        })
        {
            BaseAddress = new Uri(host.BaseUrl),
            Timeout = TimeSpan.FromSeconds(30),
        };
        var mix = new CommandMix(SigningSecret, fakes.BaseUrl, runId);
        var runner = new LoadRunner(client, mix.Build);

        var cpuBefore = host.CpuTime();
        var wall = Stopwatch.StartNew();
        var run = await runner.RunAsync(rate, options.Warmup, options.Duration);
        var hostCpuCores = (host.CpuTime() - cpuBefore).TotalSeconds / wall.Elapsed.TotalSeconds;

        StorageAudit? audit = null;
        if (records is not null)
        {
            var (stored, drain, drained) = await DrainAsync(run, records, cancellationToken);
            audit = StorageAudit.From(run.Outcomes, stored, fakes.SlackResponses, fakes.TeamsReplies, drain, drained);
            if (fakes.Unexpected > 0)
            {
                progress.WriteLine($"  note: the host made {fakes.Unexpected} call(s) the fake platforms do not serve.");
            }
        }

        var memory = host.ReadMemory();
        // Stopped before its database goes, so work still queued in it cannot fail against a deleted database.
        await host.DisposeAsync();
        if (records is CosmosStoredRecords cosmosRecords)
        {
            await cosmosRecords.DeleteDatabaseAsync(cancellationToken);
        }

        return StepResult.From(target, run, memory, hostCpuCores, audit);
    }

    /// <summary>
    /// Slack commands are acknowledged before they are handled (the work continues on the host's in-memory queue):
    /// waits until every acknowledged command is stored and answered, or nothing moves for a minute, or the timeout.
    /// A step that did not drain is reported as such (its "missing" may only be late), never as exactly once.
    /// </summary>
    private async Task<(IReadOnlyDictionary<long, int> Stored, TimeSpan Drain, bool Drained)> DrainAsync(StepRun run, IStoredRecords records,
        CancellationToken cancellationToken)
    {
        var acked = run.Outcomes.Where(o => o.Acknowledged).ToList();
        var watch = Stopwatch.StartNew();
        var lastProgress = (Stored: -1, Replies: -1);
        var lastChange = Stopwatch.StartNew();
        while (true)
        {
            var stored = await records.CountBySeqAsync(cancellationToken);
            var storedAcked = acked.Count(o => stored.ContainsKey(o.Seq));
            var replied = acked.Count(o => o.Kind == CommandKind.TeamsLearned ? fakes.TeamsReplies.ContainsKey(o.Seq) : fakes.SlackResponses.ContainsKey(o.Seq));
            if (storedAcked == acked.Count && replied == acked.Count)
            {
                return (stored, watch.Elapsed, true);
            }

            if ((storedAcked, replied) != lastProgress)
            {
                lastProgress = (storedAcked, replied);
                lastChange.Restart();
            }
            else if (lastChange.Elapsed > TimeSpan.FromMinutes(1) || watch.Elapsed > options.DrainTimeout)
            {
                progress.WriteLine($"  drain gave up after {watch.Elapsed.TotalSeconds:F0} s: stored {storedAcked}/{acked.Count}, replied {replied}/{acked.Count}");
                return (stored, watch.Elapsed, false);
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    private (string Dll, string[] Arguments, Dictionary<string, string> Environment, IStoredRecords? Records) Server(Target target,
        string runId, string stepDirectory, CosmosClient? cosmos)
    {
        if (target == Target.Bare)
        {
            var self = typeof(LoadSession).Assembly.Location;
            // Server GC like the web host (the Web SDK's default), so the ceiling differs from it only in what runs per request.
            return (self, ["bare-server"], new Dictionary<string, string> { ["DOTNET_gcServer"] = "1", ["ASPNETCORE_ENVIRONMENT"] = "Production" }, null);
        }

        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Slack__SigningSecret"] = SigningSecret,
            ["Slack__BotToken"] = "xoxb-load-test-token",
            ["Slack__ApiBaseUrl"] = fakes.BaseUrl + "/slack/api/",
            // No MicrosoftAppId: Bot Framework authentication is off (no Entra offline), which Production allows only when asked.
            ["Teams__AllowAnonymousInProduction"] = "true",
        };
        IStoredRecords records;
        if (target == Target.Sqlite)
        {
            var path = Path.Combine(stepDirectory, "learningbot.db");
            environment["Storage__Provider"] = "Sqlite";
            environment["Storage__Sqlite__Path"] = path;
            records = new SqliteStoredRecords(path);
        }
        else
        {
            var database = "load-" + runId;
            environment["Storage__Provider"] = "Cosmos";
            environment["Storage__Cosmos__Endpoint"] = options.CosmosEndpoint!;
            environment["Storage__Cosmos__Key"] = CosmosStoredRecords.EmulatorKey;
            environment["Storage__Cosmos__Database"] = database;
            environment["Storage__Cosmos__ConnectionMode"] = "Gateway";
            environment["Storage__Cosmos__LimitToEndpoint"] = "true";
            // The local server has no full-text search (docs/storage.md).
            environment["Storage__Cosmos__Search"] = "Contains";
            records = new CosmosStoredRecords(cosmos!, database);
        }

        foreach (var (key, value) in options.HostEnvironment)
        {
            environment[key] = value;
        }

        return (options.ResolveHostDll(), [], environment, records);
    }
}
