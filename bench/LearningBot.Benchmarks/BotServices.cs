using LearningBot.Bench;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core;
using LearningBot.Core.Insights;
using LearningBot.Core.Storage;
using LearningBot.Storage.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Benchmarks;

/// <summary>
/// The bot's services wired exactly as the web host wires them (Program.cs: AddLearningBotCore, then the
/// SQLite storage, then every IStorageInitializer), minus ASP.NET Core itself. Logging has no providers,
/// as a host with logging filtered out would: the benchmarks measure the bot, not the console.
/// </summary>
public static class BotServices
{
    /// <param name="model">The embedding model for search by meaning (the host's <c>Search:Embeddings:Provider</c>); null: words only.
    /// The background embedder is not started: benchmarks that need vectors bring them in the file.</param>
    /// <param name="queryModel">Embeds queries instead of <paramref name="model"/> (keyed as the host keys it: int8 queries over float32 documents).</param>
    /// <param name="configure">Registrations made before the bot's own (which then keep them: e.g. an <c>IQueryEmbedder</c> of a variant).</param>
    public static async Task<ServiceProvider> StartAsync(string databasePath, IEmbeddingGenerator<string, Embedding<float>>? model = null,
        IEmbeddingGenerator<string, Embedding<float>>? queryModel = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        configure?.Invoke(services);
        if (model is not null)
        {
            services.AddSingleton(model);
        }

        if (queryModel is not null)
        {
            services.AddKeyedSingleton(GeneratorQueryEmbedder.QueryGeneratorKey, queryModel);
        }

        services.AddLearningBotCore();
        services.AddSqliteStorage(databasePath);
        services.AddSingleton<IPrivateLinks, RelativeLinks>(); // the web host signs these; no benchmark follows a link
        var provider = services.BuildServiceProvider();
        foreach (var initializer in provider.GetServices<IStorageInitializer>())
        {
            await initializer.InitializeAsync(CancellationToken.None);
        }

        return provider;
    }
}
