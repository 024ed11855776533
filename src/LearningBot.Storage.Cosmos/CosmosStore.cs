using System.Collections.ObjectModel;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Identity;
using LearningBot.Core.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace LearningBot.Storage.Cosmos;

/// <summary>
/// The one <see cref="CosmosClient"/> of the process (it pools connections and caches routing, so it must
/// be a singleton), the three containers, and the resilience policy every repository runs its operations in.
/// </summary>
public sealed partial class CosmosStore : IStorageInitializer, IStorageHealth, IDisposable
{
    public const string DeliveriesContainer = "deliveries";
    public const string ProactiveContainer = "proactive";

    private readonly CosmosStorageOptions _options;
    private readonly ILogger<CosmosStore> _logger;
    private readonly CosmosClient _client;
    private readonly ResiliencePipeline _resilience;

    public CosmosStore(CosmosStorageOptions options, ILogger<CosmosStore> logger)
        : this(options, logger, meter: null, configureClient: null)
    {
    }

    /// <param name="configureClient">Test-only hook, e.g. to accept the official emulator's self-signed certificate.</param>
    internal CosmosStore(CosmosStorageOptions options, ILogger<CosmosStore> logger, CosmosRequestMeter? meter,
        Action<CosmosClientOptions>? configureClient)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _options = options;
        _logger = logger;
        Meter = meter ?? new CosmosRequestMeter();
        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "LearningBot",
            ConnectionMode = options.ConnectionMode == CosmosConnectionMode.Gateway ? ConnectionMode.Gateway : ConnectionMode.Direct,
            LimitToEndpoint = options.LimitToEndpoint,
            // 429s: the SDK waits as the service asks (x-ms-retry-after-ms), but a chat command must answer
            // within seconds, so give up after 5 tries / 5 s in total and let the user retry.
            MaxRetryAttemptsOnRateLimitedRequests = 5,
            MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromSeconds(5),
            RequestTimeout = TimeSpan.FromSeconds(10),
            UseSystemTextJsonSerializerWithOptions = SerializerOptions,
            CustomHandlers = { Meter },
        };
        configureClient?.Invoke(clientOptions);
        _client = string.IsNullOrEmpty(options.Key)
            ? new CosmosClient(options.Endpoint, new DefaultAzureCredential(), clientOptions)
            : new CosmosClient(options.Endpoint, options.Key, clientOptions);
        Teams = _client.GetContainer(options.Database, options.TeamsContainer);
        Deliveries = _client.GetContainer(options.Database, DeliveriesContainer);
        Proactive = _client.GetContainer(options.Database, ProactiveContainer);
        _resilience = BuildResilience();
    }

    internal static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public CosmosRequestMeter Meter { get; }

    public CosmosStorageOptions Options => _options;

    internal Container Teams { get; }

    internal Container Deliveries { get; }

    /// <summary>What the bot does on its own: conversations, prompt schedules and occurrences, nudges, the outbox.</summary>
    internal Container Proactive { get; }

    /// <summary>
    /// Makes sure the database and the three containers exist and are as <see cref="ContainerDesign"/> describes. With a
    /// key, missing ones are created (with per-container autoscale throughput when <see cref="CosmosStorageOptions.AutoscaleMaxThroughput"/>
    /// is set); with Azure AD sign-in they must exist (data-plane roles cannot create them). Existing containers are
    /// never changed: <see cref="ContainerCheck"/> compares them, logs what only costs more and stops start-up with an
    /// <see cref="InvalidOperationException"/> naming each difference that breaks the app and how to fix it.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var canCreate = !string.IsNullOrEmpty(_options.Key);
        var database = _client.GetDatabase(_options.Database);
        if (canCreate)
        {
            // No throughput on the database: each container gets its own (shared database throughput cannot host vector search).
            database = (await _client.CreateDatabaseIfNotExistsAsync(_options.Database, throughputProperties: null,
                cancellationToken: cancellationToken)).Database;
        }

        var differences = new List<ContainerDifference>();
        foreach (var (expected, maxThroughput) in ExpectedContainers())
        {
            var actual = await ReadOrCreateContainerAsync(database, expected, canCreate ? maxThroughput : null, canCreate, cancellationToken);
            differences.AddRange(ContainerCheck.Compare(expected, actual, _options.Search));
        }

        foreach (var difference in differences.Where(d => !d.Fatal))
        {
            LogContainerDifference(difference.ToString());
        }

        if (differences.Any(d => d.Fatal))
        {
            throw new InvalidOperationException(ContainerCheck.Explain(differences.Where(d => d.Fatal), _options.Database));
        }

        LogInitialized(_options.ToString());
    }

    /// <summary>The containers this store uses, as it would create them, with the autoscale maximum each gets on a provisioned account.</summary>
    internal IEnumerable<(ContainerProperties Properties, int? MaxThroughput)> ExpectedContainers()
    {
        var max = _options.AutoscaleMaxThroughput;
        yield return (ContainerDesign.Teams(_options.TeamsContainer, _options.Search), max);
        // Autoscale's smallest maximum: these two hold little and are read by point reads and small polls.
        yield return (ContainerDesign.Deliveries(DeliveriesContainer), max is null ? null : 1000);
        yield return (ContainerDesign.Proactive(ProactiveContainer), max is null ? null : 1000);
    }

    private async Task<ContainerProperties> ReadOrCreateContainerAsync(Database database, ContainerProperties expected, int? maxThroughput,
        bool canCreate, CancellationToken cancellationToken)
    {
        var container = database.GetContainer(expected.Id);
        try
        {
            return (await container.ReadContainerAsync(cancellationToken: cancellationToken)).Resource;
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            if (!canCreate)
            {
                throw new InvalidOperationException(
                    $"Cosmos DB container '{_options.Database}/{expected.Id}' does not exist. With Azure AD sign-in (no Storage:Cosmos:Key) " +
                    "LearningBot cannot create it; create the database and containers as docs/storage.md describes (deploy/main.bicep does), or configure a key.", ex);
            }
        }

        try
        {
            var throughput = maxThroughput is { } max ? ThroughputProperties.CreateAutoscaleThroughput(max) : null;
            return (await database.CreateContainerAsync(expected, throughput, cancellationToken: cancellationToken)).Resource;
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            // Another instance created it meanwhile: check that one.
            return (await container.ReadContainerAsync(cancellationToken: cancellationToken)).Resource;
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.BadRequest
                                         && (expected.VectorEmbeddingPolicy is not null || expected.FullTextPolicy is not null))
        {
            // The usual cause: the account lacks a search capability, without which the service refuses the policies.
            throw new InvalidOperationException(
                $"Cosmos DB refused to create container '{_options.Database}/{expected.Id}' ({ex.StatusCode}: {ex.ResponseBody ?? ex.Message}). " +
                "It carries a vector embedding policy" + (expected.FullTextPolicy is null ? string.Empty : " and a full-text policy") +
                ", which need the account capabilities EnableNoSQLVectorSearch" + (expected.FullTextPolicy is null ? string.Empty : " and EnableNoSQLFullTextSearch") +
                " (az cosmosdb update --capabilities …, or deploy/main.bicep; it can take 15 minutes to apply). See docs/storage.md.", ex);
        }
    }

    /// <summary>Deletes the whole database: for test runs that create their own.</summary>
    internal Task DeleteDatabaseAsync(CancellationToken cancellationToken) =>
        _client.GetDatabase(_options.Database).DeleteAsync(cancellationToken: cancellationToken);

    /// <summary>
    /// One point read of an item that never exists (<see cref="HealthItemId"/> in partition <see cref="HealthPartition"/>):
    /// the service answers 404 for about 1 RU, which proves the account, database, container and credentials work. Container
    /// metadata is not read: Microsoft asks to keep metadata calls rare
    /// (https://learn.microsoft.com/azure/cosmos-db/nosql/best-practice-dotnet), and readiness is probed every few seconds.
    /// A 404 for a missing container (sub-status 1003) is unhealthy.
    /// </summary>
    public async Task<StorageHealth> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Teams.ReadItemStreamAsync(HealthItemId, new PartitionKey(HealthPartition), cancellationToken: cancellationToken);
            var subStatus = response.Headers["x-ms-substatus"];
            var answered = response.IsSuccessStatusCode || (response.StatusCode == HttpStatusCode.NotFound && subStatus is null or "0");
            return answered
                ? new StorageHealth(true, $"Cosmos DB database '{_options.Database}' answers")
                : new StorageHealth(false, $"Cosmos DB database '{_options.Database}' does not answer: {(int)response.StatusCode}/{subStatus ?? "0"}");
        }
        catch (Exception ex) when (ex is CosmosException or HttpRequestException or TimeoutException or Azure.Identity.AuthenticationFailedException)
        {
            return new StorageHealth(false, $"Cosmos DB database '{_options.Database}' does not answer: {ex.GetType().Name}");
        }
    }

    /// <summary>The partition and id of the item the health check reads; no team is ever called this, so it never exists.</summary>
    internal const string HealthPartition = "__health";

    internal const string HealthItemId = "readiness-probe";

    /// <summary>
    /// Runs a whole repository operation under the retry policy. Every operation is safe to repeat
    /// (deterministic ids, ETag checks), so a retry after a timeout cannot write twice.
    /// </summary>
    internal async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await _resilience.ExecuteAsync(async token => await operation(token), cancellationToken);
        }
        catch (CosmosOperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The SDK reports its own timeout as a cancellation; to the pipeline that is a failure to save, not the user cancelling.
            throw new TimeoutException("Cosmos DB did not answer in time; nothing was saved.", ex);
        }
    }

    internal Task RunAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        RunAsync(async token =>
        {
            await operation(token);
            return true;
        }, cancellationToken);

    /// <summary>A point read that treats 404 as "not there" (the real service's answer for a missing item).</summary>
    internal static async Task<T?> TryReadAsync<T>(Container container, string id, string partitionKey, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var response = await container.ReadItemAsync<T>(id, new PartitionKey(partitionKey), cancellationToken: cancellationToken);
            return response.Resource;
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Creates a document whose id comes from an idempotency key. 409 Conflict means the key was used
    /// before: the original is read back. It counts as created when it is this call's own record (same
    /// record id), i.e. a retry of ours whose first write did land.
    /// </summary>
    internal async Task<(T Document, bool Created)> CreateOnceAsync<T>(T document, string id, string teamId, Func<T, string> recordId,
        CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            await Teams.CreateItemAsync(document, new PartitionKey(teamId), new ItemRequestOptions { EnableContentResponseOnWrite = false },
                cancellationToken);
            return (document, true);
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            var existing = await TryReadAsync<T>(Teams, id, teamId, cancellationToken)
                ?? throw new InvalidOperationException($"Document {id} conflicted on create but could not be read back.");
            return (existing, recordId(existing) == recordId(document));
        }
    }

    /// <summary>Runs a query inside one team's partition (the team id is also in the WHERE clause) and reads every page.</summary>
    internal Task<List<T>> QueryTeamAsync<T>(string teamId, QueryDefinition query, CancellationToken cancellationToken) =>
        QueryAsync<T>(Teams, query, SinglePartitionOptions(teamId), cancellationToken);

    /// <summary>A full-text query ranked with <c>ORDER BY RANK</c> inside one team's partition: see <see cref="RankedOptions"/>.</summary>
    internal Task<List<T>> QueryTeamRankedAsync<T>(string teamId, QueryDefinition query, CancellationToken cancellationToken) =>
        QueryAsync<T>(Teams, query, RankedOptions(teamId), cancellationToken);

    /// <summary>A query inside one logical partition of any container (the partition key is also in the WHERE clause).</summary>
    internal static Task<List<T>> QueryPartitionAsync<T>(Container container, string partitionKey, QueryDefinition query,
        CancellationToken cancellationToken) =>
        QueryAsync<T>(container, query, SinglePartitionOptions(partitionKey), cancellationToken);

    /// <summary>
    /// Filter-and-sort queries inside one logical partition: optimistic direct execution sends them straight to the
    /// partition without asking the service for a query plan first (one round trip less).
    /// </summary>
    internal static QueryRequestOptions SinglePartitionOptions(string partitionKey) => new()
    {
        PartitionKey = new PartitionKey(partitionKey),
        EnableOptimisticDirectExecution = true,
    };

    /// <summary>
    /// Ranked full-text queries (<c>ORDER BY RANK FullTextScore</c>): optimistic direct execution off, because that
    /// shortcut runs the query on the partition as it is and skips the SDK's hybrid-search pipeline, which first collects
    /// the BM25 statistics the ranking needs (the SDK chooses that pipeline only from a query plan; see its open issue
    /// https://github.com/Azure/azure-cosmos-dotnet-v3/issues/5332). <see cref="FullTextScoreScope.Local"/>: the statistics
    /// come from the documents of the partition key value the query names, the team, not from every partition of the
    /// container, so scores reflect the team's own words and the statistics query stays on one partition. The price is
    /// a query-plan round trip (no request units) and the statistics query (a few RU).
    /// </summary>
    internal static QueryRequestOptions RankedOptions(string partitionKey) => new()
    {
        PartitionKey = new PartitionKey(partitionKey),
        EnableOptimisticDirectExecution = false,
        FullTextScoreScope = FullTextScoreScope.Local,
    };

    private static async Task<List<T>> QueryAsync<T>(Container container, QueryDefinition query, QueryRequestOptions options,
        CancellationToken cancellationToken)
    {
        var results = new List<T>();
        using var iterator = container.GetItemQueryIterator<T>(query, requestOptions: options);
        while (iterator.HasMoreResults)
        {
            results.AddRange(await iterator.ReadNextAsync(cancellationToken));
        }

        return results;
    }

    /// <summary>
    /// Read-modify-write with <c>If-Match</c>: reads the document, asks <paramref name="change"/> for its new
    /// state (null: leave it as it is) and replaces it only if nobody wrote in between; a lost race (412)
    /// reads again and decides again. Returns the written document, or null when missing or unchanged.
    /// </summary>
    internal static async Task<T?> UpdateAsync<T>(Container container, string id, string partitionKey, Func<T, T?> change,
        CancellationToken cancellationToken)
        where T : class, IETagged
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await TryReadAsync<T>(container, id, partitionKey, cancellationToken);
            if (current is null || change(current) is not { } changed)
            {
                return null;
            }

            try
            {
                var response = await container.ReplaceItemAsync(changed, id, new PartitionKey(partitionKey),
                    new ItemRequestOptions { IfMatchEtag = current.ETag }, cancellationToken);
                return response.Resource;
            }
            catch (CosmosException ex) when (ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound && attempt < 40)
            {
                await Task.Delay(Random.Shared.Next(5, 25) * Math.Min(attempt, 5), cancellationToken);
            }
        }
    }

    /// <summary>
    /// <see cref="UpdateAsync{T}"/> starting from a document the caller just read or wrote (with its ETag): the
    /// first try needs no read; only a lost race (412) falls back to read-and-retry.
    /// </summary>
    internal static async Task<T?> UpdateFromAsync<T>(Container container, T known, string id, string partitionKey, Func<T, T?> change,
        CancellationToken cancellationToken)
        where T : class, IETagged
    {
        if (known.ETag is not null && change(known) is { } changed)
        {
            try
            {
                var response = await container.ReplaceItemAsync(changed, id, new PartitionKey(partitionKey),
                    new ItemRequestOptions { IfMatchEtag = known.ETag }, cancellationToken);
                return response.Resource;
            }
            catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                // Changed since: decide again on a fresh read.
            }
        }

        return await UpdateAsync(container, id, partitionKey, change, cancellationToken);
    }

    private ResiliencePipeline BuildResilience() =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // What the SDK does not retry by itself: the service briefly unavailable, gateway timeouts, and
                // the SDK's own request timeout. 429 is not here: the SDK already waited as long as we allow.
                ShouldHandle = new PredicateBuilder()
                    .Handle<CosmosException>(ex => ex.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout
                        or HttpStatusCode.GatewayTimeout or HttpStatusCode.Gone)
                    .Handle<CosmosOperationCanceledException>()
                    .Handle<HttpRequestException>(),
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                OnRetry = args =>
                {
                    LogRetry(args.AttemptNumber + 1, args.Outcome.Exception?.GetType().Name ?? "?");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    public void Dispose() => _client.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Cosmos DB storage ready: {Options}")]
    private partial void LogInitialized(string options);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Difference}")]
    private partial void LogContainerDifference(string difference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying a Cosmos DB operation (attempt {Attempt}) after {Error}")]
    private partial void LogRetry(int attempt, string error);
}
