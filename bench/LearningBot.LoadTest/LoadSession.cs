using System.Diagnostics;
using System.Globalization;
using Microsoft.Azure.Cosmos;

namespace LearningBot.LoadTest;

/// <summary>
/// Runs every (target, rate) step: a fresh server process (and a fresh database) per step; a warm-up; the main measured
/// phase; then, for the bare endpoint and the host on SQLite, one measured phase per kind (Slack command, Slack event,
/// Teams activity, playground) for CPU per request by kind. For the real host it then waits until the work acknowledged
/// early has finished, and audits what was stored.
/// </summary>
public sealed class LoadSession(LoadOptions options, FakePlatforms fakes, TextWriter progress)
{
    private const string SigningSecret = "load-test-signing-secret-0123456789";
    private const int MaxConnections = 2000;
    private const int SocketConnections = 2;

    /// <summary>The one-kind phases, in order; each has a short unmeasured lead-in of its own kind.</summary>
    private static readonly Stream[] KindPhases = [Stream.SlackCommands, Stream.SlackEvents, Stream.Teams, Stream.Playground];

    private static readonly TimeSpan KindLeadIn = TimeSpan.FromSeconds(1);

    public async Task<IReadOnlyList<StepResult>> RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.WorkDirectory);
        using var cosmos = options.Targets.Contains(Target.Cosmos) ? CosmosStoredRecords.CreateClient(options.CosmosEndpoint!) : null;
        var results = new List<StepResult>();
        for (var round = 1; round <= options.Repeat; round++)
        {
            foreach (var target in options.Targets)
            {
                foreach (var rate in options.RatesOf(target))
                {
                    // A variant runs right after its base step, so both see the machine in the same state.
                    Variant?[] variants = target == Target.Sqlite ? [null, .. options.Variants] : [null];
                    foreach (var variant in variants)
                    {
                        var result = await RunStepAsync(target, variant, rate, round, cosmos, cancellationToken);
                        var audit = result.Audit is { } a
                            ? $", stored once {a.StoredOnce}/{a.Acknowledged} (missing {a.Missing}, duplicated {a.Duplicated})"
                            : string.Empty;
                        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{result.Label} @ {rate}/s: {result.Throughput:F0} req/s, p50 {result.P50:F1} ms, p99 {result.P99:F1} ms, max {result.Max:F0} ms, CPU {result.CpuMsPerRequest:F2} ms/req (chat path {result.Cpu.ChatMsPerRequest:F2}, embedder {result.Cpu.EmbedderMsPerRequest:F2}, {result.Cpu.Embedded} embedded), errors {result.Errors}, RSS peak {result.Memory.PeakRssMb:F0} MB, load {result.LoadAverage:F1}{audit}"));
                        progress.WriteLine($"  threads (ms/req): {result.Cpu.Threads}");
                        foreach (var k in result.Kinds)
                        {
                            progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                                $"  {k.Stream}: {k.Throughput:F0} req/s, p50 {k.P50:F1} ms, p99 {k.P99:F1} ms, CPU {k.CpuMsPerRequest:F2} ms/req (chat path {k.Cpu.ChatMsPerRequest:F2}, embedder {k.Cpu.EmbedderMsPerRequest:F2}, {k.Cpu.Embedded} embedded), errors {k.Errors}"));
                            progress.WriteLine($"    threads (ms/req): {k.Cpu.Threads}");
                        }

                        results.Add(result);
                    }
                }
            }
        }

        return results;
    }

    private async Task<StepResult> RunStepAsync(Target target, Variant? variant, int rate, int round, CosmosClient? cosmos,
        CancellationToken cancellationToken)
    {
        fakes.Reset();
        var label = target.ToString().ToLowerInvariant() + (variant is null ? string.Empty : "/" + variant.Name);
        var runId = $"{target.ToString().ToLowerInvariant()}{rate}-{Guid.NewGuid().ToString("N")[..8]}";
        var stepDirectory = Path.Combine(options.WorkDirectory, runId);
        Directory.CreateDirectory(stepDirectory);
        var (dll, arguments, environment, records) = Server(target, variant, runId, stepDirectory, cosmos);
        progress.WriteLine($"{label} @ {rate}/s (round {round}): starting {Path.GetFileName(dll)} (log: {stepDirectory}/server.log)");

        // The real host must really run in Production (the bare server logs only warnings, the Bolt peer is not .NET).
        await using var host = await HostProcess.StartAsync(dll, arguments, environment, Path.Combine(stepDirectory, "server.log"), cancellationToken,
            target is Target.Bare or Target.Bolt ? null : environment.GetValueOrDefault("ASPNETCORE_ENVIRONMENT"));
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
        var runner = LoadRunner.Http(client, mix.Build, fakes.AckReply);
        if (target == Target.Socket)
        {
            await WaitForSocketsAsync(cancellationToken);
            // Slack commands as Socket Mode envelopes (latency until the ack), everything else over HTTP as before.
            runner = new LoadRunner((seq, kind) => mix.SlackEnvelope(seq, kind) is { } envelope
                ? fakes.SendEnvelopeAsync(envelope, client.Timeout)
                : LoadRunner.SendHttpAsync(client, mix.Build, seq, kind, fakes.AckReply));
        }

        // The Bolt peer serves slash commands only; the bare endpoint and the host on SQLite are also measured kind by kind.
        var mainStream = target == Target.Bolt ? Stream.SlackCommands : Stream.Mixed;
        var byKind = target is Target.Bare or Target.Sqlite && options.KindDuration > TimeSpan.Zero;
        var warmupStream = byKind ? Stream.AllKinds : mainStream;
        long nextSeq = 0;
        Phase Next(string name, Stream stream, TimeSpan leadIn, TimeSpan duration)
        {
            var phase = new Phase(name, stream, rate, leadIn, duration, nextSeq);
            nextSeq += phase.Count;
            return phase;
        }

        var outcomes = new List<Outcome>();
        if (options.Warmup > TimeSpan.Zero)
        {
            var warmup = await runner.RunAsync(Next("warm-up", warmupStream, options.Warmup, TimeSpan.Zero));
            outcomes.AddRange(warmup.Outcomes);
            await WaitForRepliesAsync(target, warmup.Outcomes, cancellationToken);
        }

        var vectors = target is Target.Sqlite or Target.Socket ? Path.Combine(stepDirectory, "learningbot.db") : null;
        var (main, mainCpu) = await MeasureAsync(target, host, runner, Next("main", mainStream, TimeSpan.Zero, options.Duration), vectors, cancellationToken);
        outcomes.AddRange(main.Outcomes);
        var kinds = new List<KindResult>();
        if (byKind)
        {
            foreach (var stream in KindPhases)
            {
                var (run, cpu) = await MeasureAsync(target, host, runner, Next(stream.ToString(), stream, KindLeadIn, options.KindDuration), vectors, cancellationToken);
                outcomes.AddRange(run.Outcomes);
                kinds.Add(KindResult.From(stream, run, cpu));
            }
        }

        StorageAudit? audit = null;
        if (records is not null)
        {
            var all = main with { Outcomes = outcomes };
            var (stored, drain, drained) = await DrainAsync(all, records, cancellationToken);
            audit = StorageAudit.From(outcomes, stored, fakes, drain, drained);
            if (fakes.Unexpected > 0)
            {
                progress.WriteLine($"  note: the server made {fakes.Unexpected} call(s) the fake platforms do not serve.");
            }
        }

        var memory = host.ReadMemory();
        var load = LoadAverage();
        // Stopped before its database goes, so work still queued in it cannot fail against a deleted database.
        await host.DisposeAsync();
        if (records is CosmosStoredRecords cosmosRecords)
        {
            await cosmosRecords.DeleteDatabaseAsync(cancellationToken);
        }

        return StepResult.From(target, label, round, main, memory, mainCpu, audit, kinds, load);
    }

    /// <summary>
    /// Runs a phase and counts the server's CPU from its first measured request until the replies of everything it
    /// acknowledged have arrived (Slack work continues after the ack), so neither the lead-in nor start-up is counted and
    /// the work behind each request is. The background embedder's thread and the vectors written in the same window are
    /// counted apart (<see cref="EmbedderProbe"/>; <paramref name="vectors"/>: the host's SQLite file, when it has one).
    /// </summary>
    private async Task<(StepRun Run, CpuReading Cpu)> MeasureAsync(Target target, HostProcess host, LoadRunner runner, Phase phase,
        string? vectors, CancellationToken cancellationToken)
    {
        var cpuAtStart = TimeSpan.Zero;
        var threadsAtStart = new Dictionary<int, (string Name, long Ticks)>();
        long embeddedAtStart = 0;
        var run = await runner.RunAsync(phase, () =>
        {
            cpuAtStart = host.CpuTime();
            threadsAtStart = EmbedderProbe.Threads(host.Pid);
            embeddedAtStart = EmbedderProbe.Embedded(vectors);
        });
        await WaitForRepliesAsync(target, run.Outcomes, cancellationToken);
        var cpu = host.CpuTime() - cpuAtStart;
        var threads = EmbedderProbe.Threads(host.Pid);
        var embedder = TimeSpan.FromSeconds(threads.Where(t => t.Value.Name == EmbedderProbe.ThreadName)
            .Sum(t => t.Value.Ticks - (threadsAtStart.TryGetValue(t.Key, out var b) ? b.Ticks : 0)) / 100.0);
        var embedded = EmbedderProbe.Embedded(vectors) - embeddedAtStart;
        var wall = Stopwatch.GetElapsedTime(run.MeasuredStarted);
        var requests = run.Outcomes.Count(o => o.Measured);
        return (run, new CpuReading(cpu, wall, requests)
        {
            EmbedderCpu = embedder, Embedded = embedded, Threads = EmbedderProbe.Split(threadsAtStart, threads, cpu, requests),
        });
    }

    /// <summary>Waits (at most 30 s) until every acknowledged request of a phase got its reply at the fakes; the bare endpoint sends none.</summary>
    private async Task WaitForRepliesAsync(Target target, IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken)
    {
        if (target == Target.Bare)
        {
            return;
        }

        var pending = outcomes.Where(o => o.Acknowledged).ToList();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            pending.RemoveAll(o => fakes.Replied(o.Seq, o.Kind));
            if (pending.Count == 0)
            {
                return;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The host opens its Socket Mode connections after start-up: the load starts once both are open.</summary>
    private async Task WaitForSocketsAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (fakes.OpenSockets < SocketConnections)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"The host opened {fakes.OpenSockets} of {SocketConnections} Socket Mode connections in 30 s.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>
    /// Slack commands are acknowledged once stored, their replies posted after the ack: waits until every acknowledged
    /// command is stored and answered, or nothing moves for a minute, or the timeout.
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
            var replied = acked.Count(o => fakes.Replied(o.Seq, o.Kind));
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

    /// <summary>The 1-minute load average (/proc/loadavg): how busy the shared machine was, printed beside every number.</summary>
    public static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    private (string Dll, string[] Arguments, Dictionary<string, string> Environment, IStoredRecords? Records) Server(Target target,
        Variant? variant, string runId, string stepDirectory, CosmosClient? cosmos)
    {
        if (target == Target.Bare)
        {
            var self = typeof(LoadSession).Assembly.Location;
            // Server GC like the web host (the Web SDK's default), so the ceiling differs from it only in what runs per request.
            return (self, ["bare-server"], new Dictionary<string, string> { ["DOTNET_gcServer"] = "1", ["ASPNETCORE_ENVIRONMENT"] = "Production" }, null);
        }

        if (target == Target.Bolt)
        {
            var directory = options.ResolveBoltDirectory();
            var path = Path.Combine(stepDirectory, "bolt.db");
            return (Path.Combine(directory, "app.js"), [], new Dictionary<string, string>
            {
                ["SLACK_SIGNING_SECRET"] = SigningSecret,
                ["BOLT_DB"] = path,
                ["SLACK_API_URL"] = fakes.BaseUrl + "/slack/api/",
                ["NODE_ENV"] = "production",
            }, new SqliteStoredRecords(path, SqliteStoredRecords.BoltTexts));
        }

        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Slack__SigningSecret"] = SigningSecret,
            ["Slack__BotToken"] = "xoxb-load-test-token",
            ["Slack__ApiBaseUrl"] = fakes.BaseUrl + "/slack/api/",
            // No MicrosoftAppId: Bot Framework authentication is off (no Entra offline), which Production allows only when asked.
            ["Teams__AllowAnonymousInProduction"] = "true",
            // The playground is one of the measured kinds (off in Production by default).
            ["Playground__Enabled"] = "true",
        };
        IStoredRecords records;
        if (target == Target.Socket)
        {
            environment["Slack__AppToken"] = "xapp-1-ALOAD0001-1-load";
            environment["Slack__SocketConnections"] = SocketConnections.ToString(CultureInfo.InvariantCulture);
        }

        if (target is Target.Sqlite or Target.Socket)
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

        foreach (var (key, value) in options.HostEnvironment.Concat(variant?.Environment ?? new Dictionary<string, string>()))
        {
            environment[key] = value;
        }

        return (variant?.HostDll ?? options.ResolveHostDll(), [], environment, records);
    }
}
