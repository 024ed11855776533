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
/// be a singleton), the two containers, and the resilience policy every repository runs its operations in.
/// </summary>
public sealed partial class CosmosStore : IStorageInitializer, IStorageHealth, IDisposable
{
    public const string TeamsContainer = "teams";
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
        Teams = _client.GetContainer(options.Database, TeamsContainer);
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

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(_options.Key))
        {
            // Azure AD data-plane roles cannot create databases or containers (that is control-plane work,
            // e.g. Bicep or az cosmosdb): check that they exist and say what is missing.
            foreach (var container in new[] { Teams, Deliveries, Proactive })
            {
                try
                {
                    await container.ReadContainerAsync(cancellationToken: cancellationToken);
                }
                catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new InvalidOperationException(
                        $"Cosmos DB container '{_options.Database}/{container.Id}' does not exist. With Azure AD sign-in (no Storage:Cosmos:Key) " +
                        "LearningBot cannot create it; create the database and containers as docs/storage.md describes, or configure a key.", ex);
                }
            }

            LogInitialized(_options.ToString());
            return;
        }

        // Without a throughput value this works on serverless accounts; with DatabaseThroughput set it
        // creates a shared-throughput database on a provisioned account. Existing resources are left as they are.
        var database = (await _client.CreateDatabaseIfNotExistsAsync(_options.Database, _options.DatabaseThroughput,
            cancellationToken: cancellationToken)).Database;
        await database.CreateContainerIfNotExistsAsync(TeamsContainerProperties(_options.Search), cancellationToken: cancellationToken);
        await database.CreateContainerIfNotExistsAsync(DeliveriesContainerProperties(), cancellationToken: cancellationToken);
        await database.CreateContainerIfNotExistsAsync(ProactiveContainerProperties(), cancellationToken: cancellationToken);
        LogInitialized(_options.ToString());
    }

    /// <summary>Deletes the whole database: for test runs that create their own.</summary>
    internal Task DeleteDatabaseAsync(CancellationToken cancellationToken) =>
        _client.GetDatabase(_options.Database).DeleteAsync(cancellationToken: cancellationToken);

    public async Task<StorageHealth> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Teams.ReadContainerAsync(cancellationToken: cancellationToken);
            return new StorageHealth(true, $"Cosmos DB database '{_options.Database}' answers");
        }
        catch (Exception ex) when (ex is CosmosException or HttpRequestException or TimeoutException or Azure.Identity.AuthenticationFailedException)
        {
            return new StorageHealth(false, $"Cosmos DB database '{_options.Database}' does not answer: {ex.GetType().Name}");
        }
    }

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
    internal async Task<List<T>> QueryTeamAsync<T>(string teamId, QueryDefinition query, CancellationToken cancellationToken)
    {
        var results = new List<T>();
        using var iterator = Teams.GetItemQueryIterator<T>(query, requestOptions: new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(teamId),
            // A single-partition query needs no query plan from the service: one round trip less.
            EnableOptimisticDirectExecution = true,
        });
        while (iterator.HasMoreResults)
        {
            results.AddRange(await iterator.ReadNextAsync(cancellationToken));
        }

        return results;
    }

    /// <summary>A query inside one logical partition of any container (the partition key is also in the WHERE clause).</summary>
    internal static async Task<List<T>> QueryPartitionAsync<T>(Container container, string partitionKey, QueryDefinition query,
        CancellationToken cancellationToken)
    {
        var results = new List<T>();
        using var iterator = container.GetItemQueryIterator<T>(query, requestOptions: new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(partitionKey),
            EnableOptimisticDirectExecution = true,
        });
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

    internal static ContainerProperties TeamsContainerProperties(CosmosSearchMode search)
    {
        // Partition key = team: every chat command touches one team only, so its reads and queries stay
        // in one logical partition. Only the paths queries filter or sort on are indexed, which keeps writes cheap.
        var properties = new ContainerProperties(TeamsContainer, "/teamId")
        {
            IndexingPolicy = new IndexingPolicy
            {
                Automatic = true,
                IndexingMode = IndexingMode.Consistent,
            },
        };
        foreach (var path in new[] { "/type/?", "/createdAt/?", "/userId/?", "/recordId/?", "/searchKind/?", "/isPrivate/?", "/occurrenceId/?" })
        {
            properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = path });
        }

        properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        if (search == CosmosSearchMode.FullText)
        {
            string[] textPaths = ["/searchTitle", "/searchBody"];
            properties.FullTextPolicy = new FullTextPolicy
            {
                DefaultLanguage = "en-US",
                FullTextPaths = new Collection<FullTextPath>(textPaths.Select(p => new FullTextPath { Path = p, Language = "en-US" }).ToList()),
            };
            foreach (var path in textPaths)
            {
                properties.IndexingPolicy.FullTextIndexes.Add(new FullTextIndexPath { Path = path });
            }
        }

        return properties;
    }

    internal static ContainerProperties DeliveriesContainerProperties()
    {
        // Point writes by id, and one query: "forget me" finds a person's records by sender (team and user), so only
        // those two paths are indexed. TTL on (-1) but per item: a delivery record expires only when the app wrote a
        // ttl into it (Storage:Cosmos:DeliveryRecordTtl).
        var properties = new ContainerProperties(DeliveriesContainer, "/scope")
        {
            DefaultTimeToLive = -1,
            IndexingPolicy = new IndexingPolicy { Automatic = true, IndexingMode = IndexingMode.Consistent },
        };
        properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = "/teamId/?" });
        properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = "/userId/?" });
        properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        return properties;
    }

    internal static ContainerProperties ProactiveContainerProperties()
    {
        // Partition key = kind of record ("conversations", "schedules", "occurrences", "nudges", "outbox"): the
        // scheduler's "what is due" queries then run inside one logical partition, on the indexed dueAt, on
        // every instance every few seconds, without fanning out. See docs/storage.md for the limits of that.
        var properties = new ContainerProperties(ProactiveContainer, "/pk")
        {
            IndexingPolicy = new IndexingPolicy { Automatic = true, IndexingMode = IndexingMode.Consistent },
        };
        foreach (var path in new[]
                 {
                     "/type/?", "/dueAt/?", "/teamId/?", "/userId/?", "/kind/?", "/isActive/?", "/updatedAt/?", "/conversationKey/?",
                     "/postedMessageId/?", "/scheduledAt/?", "/state/?",
                 })
        {
            properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = path });
        }

        properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        return properties;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying a Cosmos DB operation (attempt {Attempt}) after {Error}")]
    private partial void LogRetry(int attempt, string error);
}
