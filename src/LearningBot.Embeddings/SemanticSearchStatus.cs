using System.Diagnostics;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Knowledge.Semantic;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningBot.Embeddings;

/// <summary>
/// Loads the embedding model while the host starts, so a model that cannot load stops start-up with its reason (and the
/// way out: <c>Search__Embeddings__Provider=None</c>) instead of failing every <c>ask</c> later; logs the model and how long
/// loading took. On <c>/health</c> it reports, as <c>search</c>, which search runs: <c>hybrid (all-MiniLM-L6-v2, 384
/// dimensions, queries all-MiniLM-L6-v2-int8)</c> or <c>lexical only (Search:Embeddings:Provider=None)</c>. Always ready: lexical search needs no model.
/// </summary>
public sealed partial class SemanticSearchStatus : IHostedService, IReadinessCheck
{
    private readonly string _description;

    /// <summary>
    /// Loads the model now: the host builds its hosted services (this one first, before the <see cref="EmbeddingWorker"/>) while it
    /// starts. Throws <see cref="InvalidOperationException"/> naming the failure and <c>Search__Embeddings__Provider=None</c>.
    /// </summary>
    public SemanticSearchStatus(IServiceProvider services, ILogger<SemanticSearchStatus> logger)
    {
        var clock = Stopwatch.StartNew();
        IQueryEmbedder embedder;
        try
        {
            embedder = (IQueryEmbedder)services.GetService(typeof(IQueryEmbedder))!;
        }
        // A configuration error (an unknown Search:Embeddings:Provider, thresholds that cannot work) says so itself; only a model
        // that fails to load is reported as such.
        catch (Exception e) when (e is not OptionsValidationException
                                  && (e is not InvalidOperationException
                                      || !(e.Message.Contains("Search__Embeddings__Provider=None", StringComparison.Ordinal)
                                           || e.Message.StartsWith(SimilarityOptions.Section, StringComparison.Ordinal))))
        {
            throw new InvalidOperationException(
                $"The embedding model could not be loaded ({e.GetType().Name}: {e.Message}). " +
                "Set Search__Embeddings__Provider=None to run with lexical search only.", e);
        }

        if (embedder.ModelId is { } model)
        {
            var queries = embedder.QueryModelId is { } q && q != model ? $", queries {q}" : string.Empty;
            _description = $"hybrid ({model}, {embedder.Dimensions} dimensions{queries})";
            LogLoaded(logger, model + queries, clock.Elapsed.TotalMilliseconds);
        }
        else
        {
            _description = "lexical only (Search:Embeddings:Provider=None)";
            LogLexical(logger);
        }
    }

    public string Name => "search";

    public ReadinessResult Check() => new(true, _description);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Semantic search: embedding model {ModelId} loaded in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string modelId, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Semantic search is off (Search:Embeddings:Provider=None): ask, who knows and the Teams search match words only")]
    private static partial void LogLexical(ILogger logger);
}
