using System.Text.RegularExpressions;
using LearningBot.Storage.Cosmos;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Tests.Storage;

/// <summary>
/// deploy/main.bicep (with deploy/teams-container.bicep) declares the containers the app expects (with managed-identity sign-in the app cannot create them,
/// and start-up stops on a container that differs): every partition key, index path, composite index, full-text and
/// vector setting of <c>ContainerDesign</c> must be in the template, and the account must have both search capabilities.
/// </summary>
[TestFixture]
public sealed partial class CosmosTemplateTests
{
    private static readonly string Template = File.ReadAllText(FindTemplate("main.bicep"));

    /// <summary>The teams container's own template: main.bicep deploys it as a module, a migration alone.</summary>
    private static readonly string TeamsTemplate = File.ReadAllText(FindTemplate("teams-container.bicep"));

    [TestCase("teamsContainer", CosmosSearchMode.FullText)]
    [TestCase("deliveriesContainer", null)]
    [TestCase("proactiveContainer", null)]
    public void The_template_declares_each_container_as_start_up_creates_it(string resource, CosmosSearchMode? search)
    {
        var expected = resource switch
        {
            "teamsContainer" => ContainerDesign.Teams("teams", search!.Value),
            "deliveriesContainer" => ContainerDesign.Deliveries("deliveries"),
            _ => ContainerDesign.Proactive("proactive"),
        };
        var block = Flat(Block(resource, resource == "teamsContainer" ? TeamsTemplate : Template));

        Assert.Multiple(() =>
        {
            Assert.That(block, Does.Contain($"partitionKey: {{ paths: ['{expected.PartitionKeyPath}'], kind: 'Hash', version: 2 }}"));
            foreach (var path in expected.IndexingPolicy.IncludedPaths)
            {
                Assert.That(block, Does.Contain($"{{ path: '{path.Path}' }}"), "included path");
            }

            Assert.That(IncludedPathCount(block), Is.EqualTo(expected.IndexingPolicy.IncludedPaths.Count), "no index path the app does not create");
            foreach (var path in expected.IndexingPolicy.ExcludedPaths)
            {
                Assert.That(block, Does.Contain($"{{ path: '{path.Path}' }}"), "excluded path");
            }

            foreach (var composite in expected.IndexingPolicy.CompositeIndexes)
            {
                var entries = composite.Select(c => $"{{ path: '{c.Path}', order: '{(c.Order == CompositePathSortOrder.Descending ? "descending" : "ascending")}' }}");
                Assert.That(block, Does.Contain("[ " + string.Join(" ", entries) + " ]"), "composite index");
            }

            foreach (var path in expected.FullTextPolicy?.FullTextPaths ?? [])
            {
                Assert.That(block, Does.Contain($"{{ path: '{path.Path}', language: '{path.Language}' }}"), "full-text path");
                Assert.That(block, Does.Contain($"fullTextIndexes: [ {{ path: '/searchTitle' }} {{ path: '/searchBody' }} ]"));
            }

            foreach (var embedding in expected.VectorEmbeddingPolicy?.Embeddings ?? [])
            {
                Assert.That(block, Does.Contain($"{{ path: '{embedding.Path}', dataType: 'float32', dimensions: {embedding.Dimensions}, distanceFunction: 'cosine' }}"));
            }

            foreach (var index in expected.IndexingPolicy.VectorIndexes)
            {
                Assert.That(block, Does.Contain($"{{ path: '{index.Path}', type: 'quantizedFlat' }}"));
            }

            if (expected.DefaultTimeToLive is { } ttl)
            {
                Assert.That(block, Does.Contain($"defaultTtl: {ttl}"));
            }

            Assert.That(block, Does.Contain("options: serverless ? {} : { autoscaleSettings: { maxThroughput:"), "own autoscale throughput when provisioned");
        });
    }

    [Test]
    public void The_account_enables_full_text_and_vector_search_and_the_database_has_no_throughput()
    {
        var account = Flat(Block("cosmos", Template));
        var database = Flat(Block("database", Template));
        var module = Flat(Block("teamsContainer", Template));

        Assert.That(account, Does.Contain("{ name: 'EnableNoSQLFullTextSearch' }"));
        Assert.That(account, Does.Contain("{ name: 'EnableNoSQLVectorSearch' }"));
        Assert.That(database, Does.Not.Contain("Throughput"), "shared database throughput cannot host vector search");
        Assert.That(module, Does.Contain("containerName: cosmosTeamsContainerName"));
        Assert.That(module, Does.Contain("autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput"));
    }

    /// <summary>The text of <c>resource NAME '…' = { … }</c>, braces balanced.</summary>
    private static string Block(string resource, string template)
    {
        var start = Math.Max(template.IndexOf($"resource {resource} '", StringComparison.Ordinal),
            template.IndexOf($"module {resource} '", StringComparison.Ordinal));
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"resource or module {resource} in the template");
        var open = template.IndexOf('{', start);
        var depth = 0;
        for (var i = open; i < template.Length; i++)
        {
            depth += template[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return template[open..(i + 1)];
            }
        }

        throw new AssertionException($"resource {resource} is not closed");
    }

    private static int IncludedPathCount(string block)
    {
        var start = block.IndexOf("includedPaths: [", StringComparison.Ordinal);
        var end = block.IndexOf("excludedPaths:", start, StringComparison.Ordinal);
        return PathEntry().Matches(block[start..end]).Count;
    }

    /// <summary>Comments dropped, every run of white space one space: the template's layout does not matter.</summary>
    private static string Flat(string bicep) => WhiteSpace().Replace(Comment().Replace(bicep, string.Empty), " ");

    private static string FindTemplate(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "deploy", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"deploy/{file} not found above the test directory");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\{ path: '[^']+' \}")]
    private static partial Regex PathEntry();
}
