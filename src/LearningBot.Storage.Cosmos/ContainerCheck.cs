using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos;

/// <summary>One way an existing container differs from <see cref="ContainerDesign"/>.</summary>
/// <param name="Container">The container's id.</param>
/// <param name="What">What differs, e.g. "partition key is /team, expected /teamId".</param>
/// <param name="Fix">What the operator does about it.</param>
/// <param name="Fatal">
/// True when the app cannot work correctly with the container (start-up stops); false when it only costs more
/// request units (logged as a warning).
/// </param>
public sealed record ContainerDifference(string Container, string What, string Fix, bool Fatal)
{
    public override string ToString() => $"Cosmos DB container '{Container}': {What}. Fix: {Fix}";
}

/// <summary>
/// Compares an existing container's properties, as the service returns them, with the ones LearningBot creates. Only
/// what the app relies on is compared: an extra index or policy path is fine.
/// </summary>
internal static class ContainerCheck
{
    private const string Migrate =
        "this cannot be changed on an existing container: create a new container as docs/storage.md describes, copy the data " +
        "and point Storage:Cosmos:TeamsContainer at it (docs/storage.md, \"Migrating the teams container\")";

    private const string UpdateIndexing =
        "add it to the container's indexing policy (an online change: redeploy deploy/main.bicep, or az cosmosdb sql container update --idx); " +
        "queries work meanwhile but read more documents";

    /// <param name="expected">What <see cref="ContainerDesign"/> creates.</param>
    /// <param name="actual">What the service has (ReadContainerAsync).</param>
    /// <param name="search">The configured search mode: full-text policy and indexes are required only for FullText.</param>
    public static IReadOnlyList<ContainerDifference> Compare(ContainerProperties expected, ContainerProperties actual, CosmosSearchMode search)
    {
        var id = actual.Id;
        var differences = new List<ContainerDifference>();
        void Add(string what, string fix, bool fatal) => differences.Add(new ContainerDifference(id, what, fix, fatal));

        var expectedKey = string.Join(",", expected.PartitionKeyPaths);
        var actualKey = string.Join(",", actual.PartitionKeyPaths ?? []);
        if (!string.Equals(expectedKey, actualKey, StringComparison.Ordinal))
        {
            Add($"partition key is {Describe(actualKey)}, expected {expectedKey}", expected.VectorEmbeddingPolicy is not null
                ? Migrate
                : "partition keys cannot be changed: create the container anew with " + expectedKey + " and copy the data", fatal: true);
        }

        if (search == CosmosSearchMode.FullText && expected.FullTextPolicy is { } fullText)
        {
            var actualPaths = actual.FullTextPolicy?.FullTextPaths ?? [];
            foreach (var path in fullText.FullTextPaths)
            {
                var found = actualPaths.FirstOrDefault(p => p.Path == path.Path);
                if (found is null)
                {
                    Add($"full-text policy has no path {path.Path}", FullTextFix(path.Path), fatal: true);
                }
                else if (!string.Equals(found.Language ?? actual.FullTextPolicy?.DefaultLanguage, path.Language, StringComparison.OrdinalIgnoreCase))
                {
                    Add($"full-text path {path.Path} has language {Describe(found.Language ?? actual.FullTextPolicy?.DefaultLanguage)}, expected {path.Language}",
                        FullTextFix(path.Path), fatal: true);
                }
            }

            var actualIndexes = actual.IndexingPolicy?.FullTextIndexes ?? [];
            foreach (var index in expected.IndexingPolicy.FullTextIndexes.Where(i => actualIndexes.All(a => a.Path != i.Path)))
            {
                Add($"no full-text index on {index.Path}", FullTextFix(index.Path), fatal: true);
            }
        }

        if (expected.VectorEmbeddingPolicy is { } vectors)
        {
            var actualEmbeddings = actual.VectorEmbeddingPolicy?.Embeddings ?? [];
            foreach (var embedding in vectors.Embeddings)
            {
                var found = actualEmbeddings.FirstOrDefault(e => e.Path == embedding.Path);
                if (found is null)
                {
                    Add($"vector embedding policy has no path {embedding.Path}", Migrate, fatal: true);
                }
                else if (found.Dimensions != embedding.Dimensions || found.DataType != embedding.DataType || found.DistanceFunction != embedding.DistanceFunction)
                {
                    Add($"vector embedding {embedding.Path} is {found.Dimensions} × {found.DataType}, {found.DistanceFunction}; expected " +
                        $"{embedding.Dimensions} × {embedding.DataType}, {embedding.DistanceFunction}", Migrate, fatal: true);
                }
            }

            var actualVectorIndexes = actual.IndexingPolicy?.VectorIndexes ?? [];
            foreach (var index in expected.IndexingPolicy.VectorIndexes)
            {
                var found = actualVectorIndexes.FirstOrDefault(v => v.Path == index.Path);
                if (found is null || found.Type != index.Type)
                {
                    Add(found is null ? $"no vector index on {index.Path}" : $"vector index on {index.Path} is {found.Type}, expected {index.Type}",
                        Migrate, fatal: true);
                }
            }
        }

        var included = (actual.IndexingPolicy?.IncludedPaths ?? []).Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        var indexesAll = included.Contains("/*");
        var excluded = (actual.IndexingPolicy?.ExcludedPaths ?? []).Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var path in expected.IndexingPolicy.IncludedPaths.Select(p => p.Path).Where(p => !included.Contains(p) && !(indexesAll && !excluded.Contains(p))))
        {
            Add($"path {path} is not indexed", UpdateIndexing, fatal: false);
        }

        foreach (var path in expected.IndexingPolicy.ExcludedPaths.Select(p => p.Path).Where(p => p != "/*" && !excluded.Contains(p)))
        {
            Add($"path {path} is not excluded from the index (every write indexes it)", UpdateIndexing.Replace("add it to", "exclude it in", StringComparison.Ordinal),
                fatal: false);
        }

        var composites = (actual.IndexingPolicy?.CompositeIndexes ?? []).Select(Describe).ToHashSet(StringComparer.Ordinal);
        foreach (var composite in expected.IndexingPolicy.CompositeIndexes.Select(Describe).Where(c => !composites.Contains(c)))
        {
            Add($"composite index {composite} is missing", UpdateIndexing, fatal: false);
        }

        if (expected.DefaultTimeToLive is { } ttl && actual.DefaultTimeToLive is null)
        {
            Add($"time to live is off (expected {ttl}), so delivery records never expire", "turn it on with default -1 (az cosmosdb sql container update --ttl -1)",
                fatal: false);
        }

        return differences;
    }

    /// <summary>The message start-up stops with: every fatal difference, each with its fix.</summary>
    public static string Explain(IEnumerable<ContainerDifference> fatal, string database) =>
        $"Cosmos DB database '{database}' does not match what LearningBot needs:" + Environment.NewLine +
        string.Join(Environment.NewLine, fatal.Select(d => "  - " + d));

    private static string FullTextFix(string path) =>
        $"add {path} to the full-text policy and the indexing policy's fullTextIndexes (possible on an existing container: redeploy " +
        "deploy/main.bicep or az cosmosdb sql container update), or set Storage:Cosmos:Search=Contains";

    private static string Describe(string? value) => string.IsNullOrEmpty(value) ? "(none)" : value;

    private static string Describe(IEnumerable<CompositePath> composite) =>
        "(" + string.Join(", ", composite.Select(c => c.Path + (c.Order == CompositePathSortOrder.Descending ? " DESC" : string.Empty))) + ")";
}
