using System.ComponentModel.DataAnnotations;

namespace LearningBot.Embeddings;

/// <summary>
/// <c>Search:Embeddings</c> in configuration. <see cref="Provider"/> picks the model behind
/// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>: <c>MiniLM</c> (default, all-MiniLM-L6-v2, 384 dimensions),
/// <c>ArcticXs</c> (Snowflake arctic-embed-xs, 384 dimensions), or <c>None</c> (lexical search only). An operator can also
/// register their own <c>IEmbeddingGenerator</c> (e.g. an Azure OpenAI deployment) before calling
/// <see cref="ServiceCollectionExtensions.AddLearningBotEmbeddings"/>: it is then used instead of the packaged model.
/// </summary>
public sealed class EmbeddingOptions
{
    public const string Section = "Search:Embeddings";

    [RegularExpression("^(MiniLM|ArcticXs|None)$", ErrorMessage = "Search:Embeddings:Provider must be MiniLM, ArcticXs or None.")]
    public string Provider { get; set; } = "MiniLM";

    /// <summary>ONNX Runtime threads per embedding call (1..64). One keeps a busy chat host's other work responsive.</summary>
    [Range(1, 64)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Documents embedded per batch by the background worker (1..256).</summary>
    [Range(1, 256)]
    public int BatchSize { get; set; } = 16;

    /// <summary>How often the background worker looks for pending documents when nothing woke it (1 s .. 1 h).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
