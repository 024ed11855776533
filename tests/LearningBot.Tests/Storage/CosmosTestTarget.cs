using LearningBot.Storage.Cosmos;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;

namespace LearningBot.Tests.Storage;

/// <summary>
/// Where the Cosmos tests run. <c>LEARNINGBOT_TEST_COSMOS_ENDPOINT</c> + <c>_KEY</c>: a real account or the
/// official emulator, where every test runs, gaps included. Otherwise the local
/// <c>@vercel/cosmosdb-server</c> that <c>scripts/start-cosmos.sh</c> started (endpoint in
/// <c>LEARNINGBOT_TEST_COSMOS_SERVER</c> or <c>tests/cosmos-server/.endpoint</c>); tests in the
/// <see cref="Gap"/> category cannot pass there and are excluded from that run.
/// </summary>
public sealed record CosmosTestTarget(string Endpoint, string Key, CosmosConnectionMode ConnectionMode, bool LimitToEndpoint,
    bool AcceptAnyCertificate, bool IsLocalServer)
{
    /// <summary>The category of tests that hit a gap of the local test server (see docs/storage.md).</summary>
    public const string Gap = "CosmosGap";

    // The local server accepts any base64 key; this is the official emulator's published well-known key.
    private const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nW6mMr9uz9t5nAwb7k3dzHt+5MjY+x3p43+qq6ySyMg==";

    public static CosmosTestTarget? Find()
    {
        var endpoint = Environment.GetEnvironmentVariable("LEARNINGBOT_TEST_COSMOS_ENDPOINT");
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            var key = Environment.GetEnvironmentVariable("LEARNINGBOT_TEST_COSMOS_KEY") ?? string.Empty;
            var mode = Enum.TryParse<CosmosConnectionMode>(Environment.GetEnvironmentVariable("LEARNINGBOT_TEST_COSMOS_CONNECTION_MODE"), true, out var m)
                ? m
                : CosmosConnectionMode.Gateway;
            var isEmulator = endpoint.Contains("localhost", StringComparison.OrdinalIgnoreCase) || endpoint.Contains("127.0.0.1", StringComparison.Ordinal);
            return new CosmosTestTarget(endpoint, key, mode, LimitToEndpoint: isEmulator, AcceptAnyCertificate: isEmulator, IsLocalServer: false);
        }

        var local = Environment.GetEnvironmentVariable("LEARNINGBOT_TEST_COSMOS_SERVER");
        if (string.IsNullOrWhiteSpace(local))
        {
            var file = FindEndpointFile();
            local = file is null ? null : File.ReadAllText(file).Trim();
        }

        return string.IsNullOrWhiteSpace(local) || !IsAnswering(local)
            ? null
            : new CosmosTestTarget(local, EmulatorKey, CosmosConnectionMode.Gateway, LimitToEndpoint: true, AcceptAnyCertificate: false, IsLocalServer: true);
    }

    public static CosmosTestTarget FindOrIgnore() =>
        Find() ?? throw new IgnoreException(
            "No Cosmos DB server to test against: run scripts/start-cosmos.sh (the local test server), or set " +
            "LEARNINGBOT_TEST_COSMOS_ENDPOINT and LEARNINGBOT_TEST_COSMOS_KEY for a real account or the official emulator.");

    public CosmosStorageOptions Options(string database, CosmosSearchMode search) => new()
    {
        Endpoint = Endpoint,
        Key = Key,
        Database = database,
        ConnectionMode = ConnectionMode,
        LimitToEndpoint = LimitToEndpoint,
        Search = search,
    };

    public CosmosStore CreateStore(CosmosStorageOptions options, CosmosRequestMeter? meter = null) =>
        new(options, NullLogger<CosmosStore>.Instance, meter, ConfigureClient);

    /// <summary>A store over a database of its own (name starting with <paramref name="prefix"/>), created and ready.</summary>
    public static async Task<CosmosStore> StartOwnDatabaseAsync(string prefix)
    {
        var target = FindOrIgnore();
        var store = target.CreateStore(target.Options($"{prefix}-{Guid.NewGuid():N}"[..20], CosmosSearchMode.Contains));
        await store.InitializeAsync(default);
        return store;
    }

    /// <summary>Deletes the database <see cref="StartOwnDatabaseAsync"/> made; nothing to do when it never started (ignored run).</summary>
    public static async Task StopOwnDatabaseAsync(CosmosStore? store)
    {
        if (store is null)
        {
            return;
        }

        await store.DeleteDatabaseAsync(default);
        store.Dispose();
    }

    /// <summary>Test-only: the official emulator serves HTTPS with a self-signed certificate.</summary>
    public void ConfigureClient(CosmosClientOptions options) => ConfigureClient(options, wrapTransport: null);

    /// <param name="wrapTransport">
    /// Puts a handler between the SDK and the network (e.g. to inject faults as the service would send them, below the
    /// SDK's own retry handling); called with the handler that talks to the server.
    /// </param>
    public void ConfigureClient(CosmosClientOptions options, Func<HttpMessageHandler, HttpMessageHandler>? wrapTransport)
    {
        var acceptAnyCertificate = AcceptAnyCertificate && Endpoint.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
        if (!acceptAnyCertificate && wrapTransport is null)
        {
            return;
        }

        options.HttpClientFactory = () =>
        {
            var network = new HttpClientHandler();
            if (acceptAnyCertificate)
            {
                network.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
            }

            return new HttpClient(wrapTransport is null ? network : wrapTransport(network));
        };
    }

    /// <summary>Fails a gap test against the local server with a clear reason when it was not excluded by category.</summary>
    public void IgnoreIfGap(string gap)
    {
        if (IsLocalServer)
        {
            Assert.Ignore($"The local Cosmos test server cannot run this ({gap}); it is in category '{Gap}', which a real account runs.");
        }
    }

    private static bool IsAnswering(string endpoint)
    {
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            using var response = client.GetAsync(endpoint).GetAwaiter().GetResult();
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static string? FindEndpointFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "cosmos-server", ".endpoint");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
