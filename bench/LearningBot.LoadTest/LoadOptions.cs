using System.Globalization;

namespace LearningBot.LoadTest;

/// <summary>
/// What to measure: a storage back end for the real host, the bare ceiling endpoint, <c>Socket</c>: the real host on
/// SQLite with Slack over Socket Mode (the same command mix; Slack commands as envelopes, latency = until the ack), or
/// <c>Bolt</c>: the peer a team would otherwise build, a minimal Slack app on Bolt for JavaScript (bench/bolt-peer), driven
/// by the same signed slash commands (it serves nothing else).
/// </summary>
public enum Target { Bare, Sqlite, Socket, Cosmos, Bolt }

/// <summary>
/// The real host on SQLite once more with other settings or another build (an A/B in the same run: the machine is shared,
/// so only side-by-side numbers compare). <c>--variant "spin70|DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70"</c>,
/// <c>--variant "main|dll=/path/LearningBot.Web.dll"</c>.
/// </summary>
public sealed record Variant(string Name, IReadOnlyDictionary<string, string> Environment, string? HostDll)
{
    public static Variant Parse(string value)
    {
        var parts = value.Split('|');
        if (parts[0].Length == 0 || parts.Length < 2)
        {
            throw new ArgumentException($"--variant '{value}' is not NAME|KEY=VALUE[|KEY=VALUE…] (KEY dll = another host dll).");
        }

        var environment = new Dictionary<string, string>();
        string? dll = null;
        foreach (var part in parts[1..])
        {
            var at = part.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
            {
                throw new ArgumentException($"--variant '{value}': '{part}' is not KEY=VALUE.");
            }

            if (part[..at] == "dll")
            {
                dll = Path.GetFullPath(part[(at + 1)..]);
            }
            else
            {
                environment[part[..at]] = part[(at + 1)..];
            }
        }

        return new Variant(parts[0], environment, dll);
    }
}

/// <summary>
/// Command line of <c>run</c>:
/// <c>--targets bare,sqlite,bolt,socket@200,cosmos@50 --rates 200,2000 --duration 15 --warmup 15 --kind-duration 6 [--repeat N]
/// [--variant NAME|KEY=VALUE…] [--cosmos-endpoint URL] [--host-dll PATH] [--bolt-dir DIR] [--markdown FILE] [--work-dir DIR]
/// [--host-env KEY=VALUE ...]</c>. <c>target@r1/r2</c> runs that target at its own rates instead of <c>--rates</c>.
/// </summary>
public sealed record LoadOptions
{
    public IReadOnlyList<Target> Targets { get; init; } = [Target.Bare, Target.Sqlite];

    public IReadOnlyList<int> Rates { get; init; } = [50, 200, 1000];

    /// <summary>Measured seconds per step, after the warm-up.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Sent at the step's rate before measuring, every kind in turn (JIT and tiered re-compilation, connection pools, SQLite
    /// page cache); not in the numbers. .NET keeps re-optimising for about 10 s after start-up under load (issue 18: 0.6-0.9
    /// cores, then 0.2-0.36 at 200 req/s), so the default leaves it 15 s.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Measured seconds of each one-kind phase after the main phase (Slack command, Slack event, Teams, playground); 0: none.</summary>
    public TimeSpan KindDuration { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>How often the whole matrix runs (e.g. 3, to see whether a tail stall repeats).</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>Rates of one target instead of <see cref="Rates"/> (<c>cosmos@50</c>).</summary>
    public IReadOnlyDictionary<Target, IReadOnlyList<int>> TargetRates { get; init; } = new Dictionary<Target, IReadOnlyList<int>>();

    public IReadOnlyList<Variant> Variants { get; init; } = [];

    /// <summary>bench/bolt-peer (its app.js and node_modules, installed by scripts/load-test.sh with npm ci); found from this tool's folder by default.</summary>
    public string? BoltDirectory { get; init; }

    public IReadOnlyList<int> RatesOf(Target target) => TargetRates.TryGetValue(target, out var rates) ? rates : Rates;

    /// <summary>How long to wait for acknowledged Slack work (queued after the ack) to finish before counting.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(3);

    public string? CosmosEndpoint { get; init; } = Environment.GetEnvironmentVariable("LEARNINGBOT_TEST_COSMOS_SERVER");

    /// <summary>The published (Release) LearningBot.Web.dll; found next to this tool's build output by default.</summary>
    public string? HostDll { get; init; }

    public string? MarkdownFile { get; init; }

    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "learningbot-load");

    /// <summary>Extra settings for the real host (<c>--host-env Logging__LogLevel__Default=Warning</c>), for what-if runs.</summary>
    public IReadOnlyDictionary<string, string> HostEnvironment { get; init; } = new Dictionary<string, string>();

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            options = name switch
            {
                "--targets" => WithTargets(options, Value()),
                "--kind-duration" => options with { KindDuration = TimeSpan.FromSeconds(int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture)) },
                "--repeat" => options with { Repeat = PositiveInt(name, Value()) },
                "--variant" => options with { Variants = [.. options.Variants, Variant.Parse(Value())] },
                "--bolt-dir" => options with { BoltDirectory = Path.GetFullPath(Value()) },
                "--rates" => options with { Rates = Value().Split(',').Select(r => PositiveInt(name, r)).ToList() },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(PositiveInt(name, Value())) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(int.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--drain-timeout" => options with { DrainTimeout = TimeSpan.FromSeconds(PositiveInt(name, Value())) },
                "--cosmos-endpoint" => options with { CosmosEndpoint = Value() },
                "--host-dll" => options with { HostDll = Path.GetFullPath(Value()) },
                "--markdown" => options with { MarkdownFile = Path.GetFullPath(Value()) },
                "--work-dir" => options with { WorkDirectory = Path.GetFullPath(Value()) },
                "--host-env" => options with { HostEnvironment = WithSetting(options.HostEnvironment, Value()) },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        if (options.Targets.Contains(Target.Cosmos) && string.IsNullOrWhiteSpace(options.CosmosEndpoint))
        {
            throw new ArgumentException("The cosmos target needs --cosmos-endpoint or LEARNINGBOT_TEST_COSMOS_SERVER (source scripts/start-cosmos.sh).");
        }

        return options;
    }

    private static LoadOptions WithTargets(LoadOptions options, string value)
    {
        var targets = new List<Target>();
        var rates = new Dictionary<Target, IReadOnlyList<int>>();
        foreach (var spec in value.Split(','))
        {
            var at = spec.IndexOf('@', StringComparison.Ordinal);
            var target = ParseTarget(at < 0 ? spec : spec[..at]);
            targets.Add(target);
            if (at >= 0)
            {
                rates[target] = spec[(at + 1)..].Split('/').Select(r => PositiveInt("--targets " + spec, r)).ToList();
            }
        }

        return options with { Targets = targets, TargetRates = rates };
    }

    /// <summary>bench/bolt-peer with its installed node_modules.</summary>
    public string ResolveBoltDirectory()
    {
        var dir = BoltDirectory ?? Path.GetDirectoryName(FindUp(Path.Combine("bench", "bolt-peer", "app.js")) ?? string.Empty);
        if (string.IsNullOrEmpty(dir) || !File.Exists(Path.Combine(dir, "app.js")))
        {
            throw new FileNotFoundException("bench/bolt-peer/app.js not found: pass --bolt-dir.");
        }

        return Directory.Exists(Path.Combine(dir, "node_modules"))
            ? dir
            : throw new DirectoryNotFoundException($"{dir}/node_modules is missing: run `npm ci` there (scripts/load-test.sh does).");
    }

    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Where the host dll is: given, or the Release build of src/LearningBot.Web next to this repository's bench folder.</summary>
    public string ResolveHostDll()
    {
        if (HostDll is not null)
        {
            return File.Exists(HostDll) ? HostDll : throw new FileNotFoundException("No host dll at --host-dll.", HostDll);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "LearningBot.Web", "bin", "Release", "net10.0", "LearningBot.Web.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("LearningBot.Web.dll (Release) not found: run `dotnet build LearningBot.sln -c Release` or pass --host-dll.");
    }

    private static Dictionary<string, string> WithSetting(IReadOnlyDictionary<string, string> settings, string keyValue)
    {
        var at = keyValue.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0)
        {
            throw new ArgumentException($"--host-env '{keyValue}' is not KEY=VALUE.");
        }

        return new Dictionary<string, string>(settings) { [keyValue[..at]] = keyValue[(at + 1)..] };
    }

    private static Target ParseTarget(string value) =>
        Enum.TryParse<Target>(value.Trim(), ignoreCase: true, out var target)
            ? target
            : throw new ArgumentException($"Unknown target '{value}'; use bare, sqlite, socket, cosmos or bolt.");

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name}: '{value}' is not a positive whole number.");
}
