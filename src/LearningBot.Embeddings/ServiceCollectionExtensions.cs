using LearningBot.Core.Diagnostics;
using LearningBot.Core.Knowledge.Semantic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LearningBot.Embeddings;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Semantic search: the <see cref="IQueryEmbedder"/>, the embedding model and the background <see cref="EmbeddingWorker"/>
    /// (only when the store registered an <see cref="IEmbeddingStore"/>). Model: an <c>IEmbeddingGenerator</c> registered before this
    /// call wins; else <see cref="EmbeddingOptions.Provider"/> (<c>Search:Embeddings:Provider</c>): the packaged model, loaded once
    /// while the host starts (<see cref="SemanticSearchStatus"/>: a model that cannot load stops start-up with its reason), or none
    /// (<c>None</c>: lexical search only); with <c>MiniLM</c> and <c>Search:Embeddings:QueryPrecision=Int8</c> queries come
    /// from <c>MiniLMInt8</c>, a second generator keyed <see cref="GeneratorQueryEmbedder.QueryGeneratorKey"/>. The model's query prefix and thresholds: its <see cref="ModelProfile"/>, with
    /// <c>Search:Similarity</c> (<see cref="SimilarityOptions"/>) applied. Options are validated at start-up. <c>/health</c> names the search that runs.
    /// </summary>
    public static IServiceCollection AddLearningBotEmbeddings(this IServiceCollection services, IConfiguration configuration)
    {
        // An empty value (e.g. Search__Embeddings__Provider= in a container's environment) means unset: the default model.
        services.AddOptions<EmbeddingOptions>().Bind(configuration.GetSection(EmbeddingOptions.Section))
            .PostConfigure(o =>
            {
                o.Provider = OrDefault(o.Provider, EmbeddingProviders.Default);
                o.QueryPrecision = OrDefault(o.QueryPrecision, QueryPrecisions.Default);
            })
            .ValidateDataAnnotations().ValidateOnStart();
        // Checked when the embedder is built at start-up (SemanticSearchStatus): whether they work depends on the model's profile.
        services.AddOptions<SimilarityOptions>().Bind(configuration.GetSection(SimilarityOptions.Section));
        services.TryAddSingleton<EmbeddingSignal>();
        services.TryAddSingleton(sp => new ChatActivity(sp.GetService<TimeProvider>()));
        var section = configuration.GetSection(EmbeddingOptions.Section);
        var provider = OrDefault(section[nameof(EmbeddingOptions.Provider)], EmbeddingProviders.Default);
        var hasOwnGenerator = services.Any(d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>));
        if (!hasOwnGenerator && provider != EmbeddingProviders.None)
        {
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            {
                var options = sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value;
                return SentenceEmbeddingGenerator.Load(options.Provider, options.IntraOpThreads);
            });
            // Queries (ask, who knows, answers offered, the Teams search, stored questions) by the int8 form of MiniLM when
            // QueryPrecision=Int8; documents (the background embedder, an unembedded hit's confidence) by the model above.
            var precision = OrDefault(section[nameof(EmbeddingOptions.QueryPrecision)], QueryPrecisions.Default);
            if (new EmbeddingOptions { Provider = provider, QueryPrecision = precision }.Int8Queries)
            {
                // QueryThreads is not applied here (two threads were measured with float32 queries only): IntraOpThreads, as before.
                services.AddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(GeneratorQueryEmbedder.QueryGeneratorKey, (sp, _) =>
                    SentenceEmbeddingGenerator.Load(EmbeddingProviders.MiniLMInt8, sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value.IntraOpThreads));
            }
            else if (QueryThreadsSetting(section) is > 1 and var threads && threads != IntraOpThreadsSetting(section))
            {
                // Queries on several cores: a session of their own, so documents never get more than IntraOpThreads (nor a
                // normal-priority ONNX Runtime thread beside the embedder's nice-19 one).
                services.AddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(GeneratorQueryEmbedder.QueryGeneratorKey, (sp, _) =>
                {
                    var options = sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value;
                    return SentenceEmbeddingGenerator.Load(options.Provider, options.QueryThreads, AllowQuerySpinning);
                });
            }
        }

        var semantic = hasOwnGenerator || provider != EmbeddingProviders.None;
        // Before the worker: the model loads (or start-up stops with the reason) before anything else is embedded.
        services.AddSingleton<SemanticSearchStatus>();
        services.AddHostedService(sp => sp.GetRequiredService<SemanticSearchStatus>());
        services.AddSingleton<IReadinessCheck>(sp => sp.GetRequiredService<SemanticSearchStatus>());
        // This one, not Core's generic registration: only here is it known which generators are the packaged ones.
        services.RemoveAll<IQueryEmbedder>();
        services.AddSingleton<IQueryEmbedder>(sp =>
        {
            // The int8 query model loads first: its load's transient copies (the parsed float32 graph, the rewritten one) then
            // do not sit on top of the float32 model's weights (host peak 637 MB the other way round; docs/performance.md).
            var queries = semantic ? sp.GetKeyedService<IEmbeddingGenerator<string, Embedding<float>>>(GeneratorQueryEmbedder.QueryGeneratorKey) : null;
            var documents = semantic ? sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>() : null;
            // The packaged int8 query model pairs only with the packaged float32 MiniLM: an operator's own generator (even one
            // registered after this call) embeds its own queries, unless they register a query generator of their own too.
            if (queries is SentenceEmbeddingGenerator && documents is not SentenceEmbeddingGenerator)
            {
                queries = null;
            }

            // Ask embeds first only when the packaged query model really runs on several cores.
            var embedFirst = (queries ?? documents) is SentenceEmbeddingGenerator { IntraOpThreads: > 1 };
            return new GeneratorQueryEmbedder(sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<GeneratorQueryEmbedder>>(),
                documents, sp.GetRequiredService<IOptions<SimilarityOptions>>().Value, queries, embedFirst);
        });
        // The worker needs the store's queue: register storage first (AddConfiguredStorage), then this.
        if (semantic && services.Any(d => d.ServiceType == typeof(IEmbeddingStore)))
        {
            services.AddSingleton<EmbeddingWorker>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddingWorker>());
        }

        return services;
    }

    /// <summary>
    /// Whether the query session's extra ONNX Runtime threads spin while waiting (<see cref="SentenceEmbeddingGenerator.Load"/>);
    /// chosen by measurement (docs/performance.md, "Embedding first, on both cores").
    /// </summary>
    internal const bool AllowQuerySpinning = false;

    /// <summary>The raw settings, read before the options are bound (they decide what is registered; validation comes at start-up).</summary>
    private static int QueryThreadsSetting(IConfiguration section) =>
        int.TryParse(section[nameof(EmbeddingOptions.QueryThreads)], out var threads) ? threads : EmbeddingOptions.DefaultQueryThreads;

    private static int IntraOpThreadsSetting(IConfiguration section) =>
        int.TryParse(section[nameof(EmbeddingOptions.IntraOpThreads)], out var threads) ? threads : 1;

    /// <summary>An unset or blank setting (e.g. <c>Search__Embeddings__Provider=</c> in a container's environment) means the default.</summary>
    private static string OrDefault(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value;
}
