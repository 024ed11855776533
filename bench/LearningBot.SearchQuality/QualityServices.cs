using LearningBot.Bench;
using LearningBot.Core;
using LearningBot.Core.Insights;
using LearningBot.Embeddings;
using LearningBot.Storage.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningBot.SearchQuality;

/// <summary>The host's services over one SQLite file: Core, the SQLite store and the embeddings registration, as the web host wires them.</summary>
public static class QualityServices
{
    /// <param name="model">Search:Embeddings:Provider (<c>None</c>: lexical only, no generator).</param>
    /// <param name="generator">The measured model (e.g. behind the embedding cache); registered before AddLearningBotEmbeddings, so it wins.</param>
    /// <param name="queryGenerator">The int8 query model (QueryPrecision=Int8), keyed as the host keys it.</param>
    public static ServiceProvider Create(string databasePath, string model, IEmbeddingGenerator<string, Embedding<float>>? generator,
        IEmbeddingGenerator<string, Embedding<float>>? queryGenerator = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Search:Embeddings:Provider"] = model })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        services.AddLearningBotCore();
        services.AddSqliteStorage(databasePath);
        if (generator is not null)
        {
            services.AddSingleton(generator);
        }

        if (queryGenerator is not null)
        {
            services.AddKeyedSingleton(Core.Knowledge.Semantic.GeneratorQueryEmbedder.QueryGeneratorKey, queryGenerator);
        }

        services.AddLearningBotEmbeddings(configuration);
        services.AddSingleton<IPrivateLinks, RelativeLinks>(); // the web host signs these; the pipeline needs them for `me`/`insights`
        return services.BuildServiceProvider();
    }
}
