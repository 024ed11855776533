using System.Globalization;

namespace LearningBot.LoadTest;

/// <summary>
/// What to measure: a storage back end for the real host, the bare ceiling endpoint, or <c>Socket</c>: the real host on
/// SQLite with Slack over Socket Mode (the same command mix; Slack commands as envelopes, latency = until the ack).
/// </summary>
public enum Target { Bare, Sqlite, Socket, Cosmos }

/// <summary>
/// Command line of <c>run</c>:
/// <c>--targets bare,sqlite,socket,cosmos --rates 50,200,1000 --duration 15 --warmup 3 [--cosmos-endpoint URL]
/// [--host-dll PATH] [--markdown FILE] [--work-dir DIR] [--host-env KEY=VALUE ...]</c>.
/// </summary>
public sealed record LoadOptions
{
    public IReadOnlyList<Target> Targets { get; init; } = [Target.Bare, Target.Sqlite];

    public IReadOnlyList<int> Rates { get; init; } = [50, 200, 1000];

    /// <summary>Measured seconds per step, after the warm-up.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Sent at the step's rate before measuring (JIT, connection pools, SQLite page cache); not in the numbers.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

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
                "--targets" => options with { Targets = Value().Split(',').Select(ParseTarget).ToList() },
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
            : throw new ArgumentException($"Unknown target '{value}'; use bare, sqlite, socket or cosmos.");

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name}: '{value}' is not a positive whole number.");
}
