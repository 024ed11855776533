using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Learnings;
using LearningBot.Storage.Cosmos;
using LearningBot.Storage.Cosmos.Knowledge;
using LearningBot.Storage.Cosmos.Learnings;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;

namespace LearningBot.Tests.Storage;

/// <summary>
/// What start-up creates (the container JSON as the SDK sends it), what it verifies on existing containers, the request
/// options of ranked and filtered queries, and the readiness probe's request, against the local Cosmos server (which
/// stores whole container definitions, vector and full-text policies included, but cannot run full-text queries).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CosmosContainerDesignTests
{
    private CosmosTestTarget _target = null!;
    private readonly List<string> _databases = [];

    [OneTimeSetUp]
    public void FindServer() => _target = CosmosTestTarget.FindOrIgnore();

    [TearDown]
    public async Task DeleteDatabases()
    {
        foreach (var database in _databases)
        {
            using var store = _target.CreateStore(_target.Options(database, CosmosSearchMode.Contains));
            try
            {
                await store.DeleteDatabaseAsync(default);
            }
            catch (CosmosException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Never created (a start-up that stopped early).
            }
        }

        _databases.Clear();
    }

    [Test]
    public async Task Start_up_creates_teams_with_the_embedding_policy_full_text_policy_and_every_queried_index()
    {
        var requests = new RecordingTransport();
        var options = Options(CosmosSearchMode.FullText);
        using var store = Store(options, requests);

        await store.InitializeAsync(default);

        var teams = requests.ContainerCreate("teams");
        Assert.That(teams["partitionKey"]!["paths"]!.AsArray().Select(p => (string?)p), Is.EqualTo(new[] { "/teamId" }));
        var embedding = teams["vectorEmbeddingPolicy"]!["vectorEmbeddings"]!.AsArray().Single()!;
        Assert.That(((string?)embedding["path"], (string?)embedding["dataType"], (int?)embedding["dimensions"], (string?)embedding["distanceFunction"]),
            Is.EqualTo(("/embedding", "float32", 384, "cosine")));
        var indexing = teams["indexingPolicy"]!;
        var vectorIndex = indexing["vectorIndexes"]!.AsArray().Single()!;
        Assert.That(((string?)vectorIndex["path"], (string?)vectorIndex["type"]), Is.EqualTo(("/embedding", "quantizedFlat")));
        Assert.That(Paths(indexing["excludedPaths"]), Is.EquivalentTo(new[] { "/*", "/embedding/*" }), "the vector path is excluded from the regular index");
        Assert.That(Paths(indexing["includedPaths"]), Is.SupersetOf(new[]
        {
            "/teamId/?", "/type/?", "/createdAt/?", "/userId/?", "/occurrenceId/?", "/answered/?", "/authorId/?", "/receiverIds/[]/?",
        }));
        Assert.That(Composites(indexing), Is.EquivalentTo(new[]
        {
            "/type ascending, /createdAt descending",
            "/type ascending, /userId ascending, /createdAt descending",
            "/type ascending, /authorId ascending, /createdAt descending",
        }));
        Assert.That(Paths(teams["fullTextPolicy"]!["fullTextPaths"]), Is.EquivalentTo(new[] { "/searchTitle", "/searchBody" }));
        Assert.That(Paths(indexing["fullTextIndexes"]), Is.EquivalentTo(new[] { "/searchTitle", "/searchBody" }));

        var proactive = requests.ContainerCreate("proactive")["indexingPolicy"]!;
        Assert.That(Paths(proactive["includedPaths"]), Does.Contain("/pk/?"));
        Assert.That(Composites(proactive), Does.Contain("/type ascending, /dueAt ascending"));
        Assert.That(requests.DatabaseCreateOffer, Is.Null, "the database gets no throughput of its own");
        Assert.That(requests.ContainerOffers.Values, Is.All.Null, "no AutoscaleMaxThroughput: nothing set, as serverless needs");
    }

    [Test]
    public async Task With_autoscale_each_container_gets_its_own_throughput_and_the_database_none()
    {
        var requests = new RecordingTransport();
        var options = Options(CosmosSearchMode.Contains);
        options.AutoscaleMaxThroughput = 4000;
        using var store = Store(options, requests);

        await store.InitializeAsync(default);

        Assert.That(requests.DatabaseCreateOffer, Is.Null);
        Assert.That(requests.ContainerOffers["teams"], Does.Contain("\"maxThroughput\":4000"));
        Assert.That(requests.ContainerOffers["deliveries"], Does.Contain("\"maxThroughput\":1000"));
        Assert.That(requests.ContainerOffers["proactive"], Does.Contain("\"maxThroughput\":1000"));
        Assert.That(requests.ContainerCreate("teams")["fullTextPolicy"], Is.Null, "Contains mode: no full-text policy");
        Assert.That(requests.ContainerCreate("teams")["vectorEmbeddingPolicy"], Is.Not.Null, "the vector policy regardless: it cannot be added later");
    }

    /// <summary>The service's answer when the account lacks the capability (injected below the SDK; the local server accepts any policy).</summary>
    [Test]
    public void An_account_without_the_search_capabilities_stops_start_up_naming_them()
    {
        var requests = new RecordingTransport
        {
            RefuseContainerCreate = "{\"code\":\"BadRequest\",\"message\":\"Vector Search is not enabled for this account.\"}",
        };
        using var store = Store(Options(CosmosSearchMode.FullText), requests);

        var thrown = Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(default));

        Assert.That(thrown!.Message, Does.Contain("refused to create container"));
        Assert.That(thrown.Message, Does.Contain("Vector Search is not enabled for this account."));
        Assert.That(thrown.Message, Does.Contain("EnableNoSQLVectorSearch and EnableNoSQLFullTextSearch"));
    }

    [Test]
    public async Task An_existing_container_with_another_partition_key_stops_start_up_saying_how_to_migrate()
    {
        var options = Options(CosmosSearchMode.Contains);
        var wrongKey = ContainerDesign.Teams("teams", CosmosSearchMode.Contains);
        wrongKey.PartitionKeyPath = "/team";
        await PreCreateAsync(options, wrongKey);
        await PreCreateAsync(options, new ContainerProperties("proactive", "/kind"));
        using var store = Store(options);

        var thrown = Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(default));

        Assert.That(thrown!.Message, Does.Contain("'teams': partition key is /team, expected /teamId"));
        Assert.That(thrown.Message, Does.Contain("Migrating the teams container"));
        Assert.That(thrown.Message, Does.Contain("'proactive': partition key is /kind, expected /pk"));
        Assert.That(thrown.Message, Does.Contain("create the container anew with /pk"));
    }

    [Test]
    public async Task A_teams_container_without_vector_or_full_text_policy_stops_start_up_naming_each()
    {
        var options = Options(CosmosSearchMode.FullText);
        var old = new ContainerProperties("teams", "/teamId");
        old.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = "/type/?" });
        old.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        await PreCreateAsync(options, old);
        using var store = Store(options);

        var thrown = Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(default));

        Assert.That(thrown!.Message, Does.Contain("vector embedding policy has no path /embedding"));
        Assert.That(thrown.Message, Does.Contain("no vector index on /embedding"));
        Assert.That(thrown.Message, Does.Contain("full-text policy has no path /searchTitle"));
        Assert.That(thrown.Message, Does.Contain("no full-text index on /searchBody"));
        Assert.That(thrown.Message, Does.Contain("Storage:Cosmos:Search=Contains"), "the full-text fix names the fallback");
        Assert.That(thrown.Message, Does.Not.Contain("is not indexed"), "cost-only differences are warnings, not reasons to stop");
    }

    [Test]
    public async Task An_embedding_of_another_size_or_metric_stops_start_up()
    {
        var options = Options(CosmosSearchMode.Contains);
        var other = ContainerDesign.Teams("teams", CosmosSearchMode.Contains);
        other.VectorEmbeddingPolicy = new VectorEmbeddingPolicy(new Collection<Embedding>
        {
            new() { Path = "/embedding", DataType = VectorDataType.Float32, Dimensions = 1536, DistanceFunction = DistanceFunction.DotProduct },
        });
        other.IndexingPolicy.VectorIndexes[0].Type = VectorIndexType.DiskANN;
        await PreCreateAsync(options, other);
        using var store = Store(options);

        var thrown = Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(default));

        Assert.That(thrown!.Message, Does.Contain("vector embedding /embedding is 1536 × Float32, DotProduct; expected 384 × Float32, Cosine"));
        Assert.That(thrown.Message, Does.Contain("vector index on /embedding is DiskANN, expected QuantizedFlat"));
    }

    [Test]
    public async Task Missing_regular_indexes_only_warn_and_start_up_goes_on()
    {
        var options = Options(CosmosSearchMode.Contains);
        var withoutComposites = ContainerDesign.Teams("teams", CosmosSearchMode.Contains);
        withoutComposites.IndexingPolicy.CompositeIndexes.Clear();
        withoutComposites.IndexingPolicy.IncludedPaths.Remove(withoutComposites.IndexingPolicy.IncludedPaths.Single(p => p.Path == "/teamId/?"));
        await PreCreateAsync(options, withoutComposites);
        var deliveriesWithoutTtl = ContainerDesign.Deliveries("deliveries");
        deliveriesWithoutTtl.DefaultTimeToLive = null;
        await PreCreateAsync(options, deliveriesWithoutTtl);
        var logs = new ListLogger();
        using var store = new CosmosStore(options, logs, meter: null, _target.ConfigureClient);

        await store.InitializeAsync(default);

        Assert.That(logs.Warnings, Has.Some.Contains("'teams': path /teamId/? is not indexed"));
        Assert.That(logs.Warnings, Has.Some.Contains("composite index (/type, /createdAt DESC) is missing"));
        Assert.That(logs.Warnings, Has.Some.Contains("'deliveries': time to live is off"));
        Assert.That(logs.Warnings.Where(w => w.Contains("'teams'", StringComparison.Ordinal)), Has.All.Contains("indexing policy"), "each names the fix");
    }

    [Test]
    public void An_index_all_policy_counts_as_indexing_every_path()
    {
        var expected = ContainerDesign.Proactive("proactive");
        var actual = new ContainerProperties("proactive", "/pk");
        actual.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = "/*" });
        foreach (var composite in expected.IndexingPolicy.CompositeIndexes)
        {
            actual.IndexingPolicy.CompositeIndexes.Add(composite);
        }

        Assert.That(ContainerCheck.Compare(expected, actual, CosmosSearchMode.FullText), Is.Empty);

        actual.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/dueAt/?" });
        Assert.That(ContainerCheck.Compare(expected, actual, CosmosSearchMode.FullText).Select(d => d.What), Is.EqualTo(new[] { "path /dueAt/? is not indexed" }));
    }

    [Test]
    public void A_teams_container_that_indexes_the_embedding_gets_a_warning_naming_the_exclusion()
    {
        var expected = ContainerDesign.Teams("teams", CosmosSearchMode.Contains);
        var actual = ContainerDesign.Teams("teams", CosmosSearchMode.Contains);
        actual.IndexingPolicy.ExcludedPaths.Remove(actual.IndexingPolicy.ExcludedPaths.Single(p => p.Path == "/embedding/*"));

        var difference = ContainerCheck.Compare(expected, actual, CosmosSearchMode.Contains).Single();

        Assert.That(difference.What, Is.EqualTo("path /embedding/* is not excluded from the index (every write indexes it)"));
        Assert.That(difference.Fatal, Is.False, "a cost, not a reason to stop");
        Assert.That(difference.Fix, Does.StartWith("exclude it in the container's indexing policy"));
    }

    [Test]
    public void Ranked_queries_run_without_the_direct_execution_shortcut_and_score_within_the_team()
    {
        var ranked = CosmosStore.RankedOptions("slack:T1");
        var filtered = CosmosStore.SinglePartitionOptions("slack:T1");

        Assert.That((ranked.EnableOptimisticDirectExecution, ranked.FullTextScoreScope), Is.EqualTo((false, FullTextScoreScope.Local)));
        Assert.That(ranked.PartitionKey, Is.EqualTo(new PartitionKey("slack:T1")));
        Assert.That(filtered.EnableOptimisticDirectExecution, Is.True, "filter-and-sort queries keep the shortcut: no query-plan round trip");
        Assert.That(filtered.PartitionKey, Is.EqualTo(new PartitionKey("slack:T1")));
    }

    /// <summary>
    /// On the wire: the ranked search asks the service for a query plan first (the SDK's hybrid-search path, which
    /// supplies BM25 statistics), a filtered query does not. The local server cannot answer the plan, so the search
    /// itself fails there; what is asserted is the request the SDK sent.
    /// </summary>
    [Test]
    public async Task The_ranked_search_asks_for_a_query_plan_and_filtered_queries_do_not()
    {
        var options = Options(CosmosSearchMode.FullText);
        var requests = new RecordingTransport();
        using var store = Store(options, requests);
        await store.InitializeAsync(default);
        await new CosmosLearningRepository(store).ListAsync(new LearningQuery("slack:T1", "U1", null, 5), default);
        Assert.That(requests.QueryPlanRequests, Is.Zero);

        try
        {
            await new CosmosSearchIndex(store).SearchAsync(new SearchQuery("slack:T1", "rotate staging keys", [SearchKind.Knowledge], 3), default);
        }
        catch (Exception ex) when (ex is CosmosException or NullReferenceException)
        {
            // The local server's gap (no query plans, no full-text functions); a real account answers.
        }

        Assert.That(requests.QueryPlanRequests, Is.EqualTo(1));
    }

    [Test]
    public async Task Readiness_is_one_point_read_of_an_item_that_never_exists()
    {
        var options = Options(CosmosSearchMode.Contains);
        var meter = new CosmosRequestMeter();
        using var store = _target.CreateStore(options, meter);
        await store.InitializeAsync(default);
        var before = meter.Total.Requests;

        var health = await store.CheckAsync(default);

        Assert.That(health.IsHealthy, Is.True, health.Description);
        var probe = meter.Recent.Skip(before).ToList();
        Assert.That(probe.Select(r => (r.Method, r.StatusCode)), Is.EqualTo(new[] { ("GET", 404) }));
        Assert.That(probe[0].Resource, Does.EndWith("/colls/teams/docs/readiness-probe"), "an item read, not container metadata");
    }

    [Test]
    public async Task Readiness_fails_when_the_container_is_missing()
    {
        var options = Options(CosmosSearchMode.Contains);
        using (var created = _target.CreateStore(options))
        {
            await created.InitializeAsync(default);
        }

        options.TeamsContainer = "never-created";
        using var store = _target.CreateStore(options);

        var health = await store.CheckAsync(default);

        Assert.That(health.IsHealthy, Is.False);
        Assert.That(health.Description, Does.Contain("does not answer"));
    }

    private CosmosStorageOptions Options(CosmosSearchMode search)
    {
        var database = $"lbdesign-{Guid.NewGuid():N}"[..20];
        _databases.Add(database);
        return _target.Options(database, search);
    }

    private CosmosStore Store(CosmosStorageOptions options, RecordingTransport? requests = null) =>
        new(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<CosmosStore>.Instance, meter: null,
            client => _target.ConfigureClient(client, requests is null ? null : network => requests.Over(network)));

    private async Task PreCreateAsync(CosmosStorageOptions options, ContainerProperties properties)
    {
        using var client = new CosmosClient(options.Endpoint, options.Key, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
        });
        var database = (await client.CreateDatabaseIfNotExistsAsync(options.Database)).Database;
        await database.CreateContainerAsync(properties);
    }

    private static IEnumerable<string?> Paths(JsonNode? array) => array!.AsArray().Select(p => (string?)p!["path"]);

    private static IEnumerable<string> Composites(JsonNode indexing) =>
        indexing["compositeIndexes"]!.AsArray().Select(c => string.Join(", ", c!.AsArray().Select(p => $"{(string?)p!["path"]} {(string?)p["order"]}")));

    /// <summary>The network below the SDK: keeps container-create bodies and throughput headers, counts query-plan requests.</summary>
    private sealed class RecordingTransport
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, JsonNode> _containers = [];
        private int _queryPlans;

        public Dictionary<string, string?> ContainerOffers { get; } = [];

        public string? DatabaseCreateOffer { get; private set; }

        public int QueryPlanRequests => Volatile.Read(ref _queryPlans);

        /// <summary>When set, container creates are answered 400 with this body, as the service answers a policy it refuses.</summary>
        public string? RefuseContainerCreate { get; init; }

        public JsonNode ContainerCreate(string id)
        {
            lock (_gate)
            {
                return _containers.TryGetValue(id, out var body) ? body : throw new AssertionException($"no create request for container {id}");
            }
        }

        public HttpMessageHandler Over(HttpMessageHandler network) => new Handler(this) { InnerHandler = network };

        private sealed class Handler(RecordingTransport owner) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var path = request.RequestUri!.AbsolutePath.TrimEnd('/');
                var offer = request.Headers.TryGetValues("x-ms-cosmos-offer-autopilot-settings", out var autoscale) ? string.Join(",", autoscale)
                    : request.Headers.TryGetValues("x-ms-offer-throughput", out var manual) ? string.Join(",", manual) : null;
                if (request.Method == HttpMethod.Post && path.EndsWith("/colls", StringComparison.Ordinal))
                {
                    var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
                    lock (owner._gate)
                    {
                        owner._containers[(string)body["id"]!] = body;
                        owner.ContainerOffers[(string)body["id"]!] = offer;
                    }

                    if (owner.RefuseContainerCreate is { } refusal)
                    {
                        return new HttpResponseMessage(System.Net.HttpStatusCode.BadRequest)
                        {
                            Content = new StringContent(refusal, System.Text.Encoding.UTF8, "application/json"),
                        };
                    }
                }
                else if (request.Method == HttpMethod.Post && path == "/dbs")
                {
                    owner.DatabaseCreateOffer = offer;
                }

                if (request.Headers.TryGetValues("x-ms-cosmos-is-query-plan-request", out var plan) && plan.Contains("True", StringComparer.OrdinalIgnoreCase))
                {
                    Interlocked.Increment(ref owner._queryPlans);
                }

                return await base.SendAsync(request, cancellationToken);
            }
        }
    }

    private sealed class ListLogger : ILogger<CosmosStore>
    {
        private readonly Lock _gate = new();
        private readonly List<string> _warnings = [];

        public IReadOnlyList<string> Warnings
        {
            get
            {
                lock (_gate)
                {
                    return _warnings.ToList();
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                lock (_gate)
                {
                    _warnings.Add(formatter(state, exception));
                }
            }
        }
    }
}
