using LearningBot.Core.Knowledge.Semantic;

namespace LearningBot.Embeddings;

/// <summary>
/// The values of <c>Search:Embeddings:Provider</c>: the packaged models (inside the <c>SentenceTransformers.*</c> NuGet DLLs,
/// nothing is downloaded) and <see cref="None"/>. Each model stores its vectors under its own model id
/// (<see cref="ModelIds"/>), so switching between them re-embeds every document in the background.
/// </summary>
public static class EmbeddingProviders
{
    /// <summary>all-MiniLM-L6-v2 with int8 weight matrices, built from the package's model at load (<see cref="MiniLMInt8Encoder"/>).</summary>
    public const string MiniLMInt8 = "MiniLMInt8";

    /// <summary>all-MiniLM-L6-v2 as the package ships it (float32).</summary>
    public const string MiniLM = "MiniLM";

    /// <summary>Snowflake arctic-embed-xs (float32).</summary>
    public const string ArcticXs = "ArcticXs";

    /// <summary>No model: lexical search only.</summary>
    public const string None = "None";

    /// <summary>
    /// The default: the float32 model. The int8 one embeds a question in ~55 % of the time but its hybrid search put the right
    /// answer in the top 3 for 97.8 % of stackfaq's queries against 98.1 %, under issue 14's 98 % target (docs/search.md, "int8 MiniLM").
    /// </summary>
    public const string Default = MiniLM;

    /// <summary>Every packaged model's name.</summary>
    public static IReadOnlyList<string> Packaged { get; } = [MiniLMInt8, MiniLM, ArcticXs];

    /// <summary>The model id each packaged model's vectors are stored under (<c>EmbeddingGeneratorMetadata.DefaultModelId</c>).</summary>
    public static IReadOnlyDictionary<string, string> ModelIds { get; } = new Dictionary<string, string>
    {
        [MiniLMInt8] = ModelProfile.MiniLMInt8.ModelId,
        [MiniLM] = ModelProfile.MiniLM.ModelId,
        [ArcticXs] = ModelProfile.ArcticXs.ModelId,
    };
}
