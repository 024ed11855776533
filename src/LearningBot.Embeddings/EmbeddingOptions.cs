using System.ComponentModel.DataAnnotations;

namespace LearningBot.Embeddings;

/// <summary>
/// <c>Search:Embeddings</c> in configuration (<see cref="QueryPrecision"/>: int8 queries over MiniLM's float32 documents). <see cref="Provider"/> picks the model behind
/// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>: <c>MiniLM</c> (default: all-MiniLM-L6-v2 as packaged,
/// float32), <c>MiniLMInt8</c> (all-MiniLM-L6-v2 with int8 weight matrices, built from the package's model at load: faster
/// queries, slightly lower quality),
/// <c>ArcticXs</c> (Snowflake arctic-embed-xs), all 384 dimensions, or <c>None</c> (lexical search only); <see cref="EmbeddingProviders"/>. An operator can also
/// register their own <c>IEmbeddingGenerator</c> (e.g. an Azure OpenAI deployment) before calling
/// <see cref="ServiceCollectionExtensions.AddLearningBotEmbeddings"/>: it is then used instead of the packaged model.
/// </summary>
public sealed class EmbeddingOptions
{
    /// <summary>Whether queries are embedded by the int8 form of the documents' model (<see cref="QueryPrecision"/>, <c>MiniLM</c> only).</summary>
    public bool Int8Queries => Provider == EmbeddingProviders.MiniLM && QueryPrecision == QueryPrecisions.Int8;

    public const string Section = "Search:Embeddings";

    /// <summary>The model (case-sensitive); anything else stops start-up with <see cref="ProviderError"/>.</summary>
    [RegularExpression("^(MiniLMInt8|MiniLM|ArcticXs|None)$", ErrorMessage = ProviderError)]
    public string Provider { get; set; } = EmbeddingProviders.Default;

    /// <summary>The start-up error for an unknown <see cref="Provider"/>.</summary>
    public const string ProviderError = "Search:Embeddings:Provider must be MiniLMInt8, MiniLM, ArcticXs or None.";

    /// <summary>
    /// How <c>MiniLM</c> embeds queries (case-sensitive; anything else stops start-up with <see cref="QueryPrecisionError"/>):
    /// <c>Float32</c> (default: the documents' model) or <c>Int8</c> (questions and topics by the int8 form of the same model,
    /// ~half the CPU per query; documents stay float32 under <c>all-MiniLM-L6-v2</c>, so switching re-embeds nothing). Not the
    /// default: its hybrid top 3 on stackfaq is 1,224 of 1,249 queries (97.998 %, shown as 98.0 %), one under float32's 1,225 and
    /// just under issue 14's 98 % (docs/search.md, "int8 queries"). Other providers and an operator's own generator embed queries
    /// with their own model.
    /// </summary>
    [RegularExpression("^(Int8|Float32)$", ErrorMessage = QueryPrecisionError)]
    public string QueryPrecision { get; set; } = QueryPrecisions.Default;

    /// <summary>The start-up error for an unknown <see cref="QueryPrecision"/>.</summary>
    public const string QueryPrecisionError = "Search:Embeddings:QueryPrecision must be Int8 or Float32.";

    /// <summary>ONNX Runtime threads per embedding call (1..64). One keeps a busy chat host's other work responsive.</summary>
    [Range(1, 64)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>
    /// ONNX Runtime threads per query embedding (<c>ask</c>, <c>who knows</c>, answers offered, the Teams search), 1..4. Above
    /// <see cref="IntraOpThreads"/> the packaged model gets a second session for queries only (~95 MB resident; the background
    /// embedder keeps its own <see cref="IntraOpThreads"/> session on its nice-19 thread, and the query session's extra threads do
    /// not spin); above 1 <c>ask</c> embeds first and searches the words beside the vector scan (<c>IQueryEmbedder.EmbedFirst</c>).
    /// 1 (default): queries share the documents' session and the words run beside the embedding. Not applied with
    /// <c>QueryPrecision=Int8</c> (its query model keeps <see cref="IntraOpThreads"/>). 2 was measured against 1 with MiniLM at
    /// 100,000 + 100,000 and did not make <c>ask</c> faster on a quiet 2-core machine (docs/performance.md, "Embedding first, on both cores").
    /// </summary>
    [Range(1, 4, ErrorMessage = QueryThreadsError)]
    public int QueryThreads { get; set; } = DefaultQueryThreads;

    /// <summary>The start-up error for a <see cref="QueryThreads"/> out of range.</summary>
    public const string QueryThreadsError = "Search:Embeddings:QueryThreads must be 1 to 4.";

    /// <summary>The default of <see cref="QueryThreads"/>.</summary>
    public const int DefaultQueryThreads = 1;

    /// <summary>Documents embedded per batch by the background worker (1..256).</summary>
    [Range(1, 256)]
    public int BatchSize { get; set; } = 16;

    /// <summary>How often the background worker looks for pending documents when nothing woke it (1 s .. 1 h).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The share of one core the background embedder may use while draining (0.05..1): after each batch it rests so that its
    /// work stays at most this share of the time. Embedding a document costs 25–30 ms of CPU, ~20 chat requests' worth, so an
    /// unthrottled backlog (a burst of writes, an upgrade's backfill) would take a core from the chat path; the queue is durable,
    /// so a backlog only waits. 0.5: ~18 documents a second on one core at most.
    /// </summary>
    [Range(0.05, 1.0)]
    public double MaxCpuShare { get; set; } = 0.5;

    /// <summary>
    /// The background embedder starts a model call only when no HTTP request is in flight and none ended within this time
    /// (0..1 s), so it computes in the gaps between chat requests, not beside them (docs/search.md, "Background embedding
    /// cost"). A call is at most <see cref="TextsPerCall"/> texts (~5–45 ms of CPU). 0 turns the wait off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long the embedder waits for a quiet moment at most (1 s .. 1 h) before it makes one call anyway, so that under
    /// chat traffic with no gaps at all semantic search still moves (one call per this time); the queue is durable meanwhile.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxQuietWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Texts per model call of the background embedder (1..64): small calls keep each one inside a gap between requests.</summary>
    [Range(1, 64)]
    public int TextsPerCall { get; set; } = 8;
}

/// <summary>The values of <c>Search:Embeddings:QueryPrecision</c> (<see cref="EmbeddingOptions.QueryPrecision"/>).</summary>
public static class QueryPrecisions
{
    /// <summary>Queries by <c>MiniLMInt8</c> over the float32 model's documents.</summary>
    public const string Int8 = "Int8";

    /// <summary>Queries by the documents' model.</summary>
    public const string Float32 = "Float32";

    /// <summary>The default, <see cref="Float32"/> (see <see cref="EmbeddingOptions.QueryPrecision"/> for why).</summary>
    public const string Default = Float32;
}
