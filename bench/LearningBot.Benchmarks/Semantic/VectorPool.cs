using System.Text.Json;
using LearningBot.Storage.Sqlite.Knowledge.Semantic;
using Microsoft.Extensions.AI;

namespace LearningBot.Benchmarks.Semantic;

/// <summary>
/// Real all-MiniLM-L6-v2 vectors of real text: every stackfaq post embedded as the product embeds it (part 0: question, answer;
/// part 1: the question alone) and every stackfaq query (1,249), about 2,700 vectors. Embedding all 300,000 corpus documents
/// with the model would take hours of CPU here; the corpus gets vectors drawn from this pool instead (<see cref="SemanticCorpus"/>).
/// </summary>
internal static class VectorPool
{
    public const string DefaultData = "/work/shared/data/stackfaq";

    /// <summary>The pool's vectors (L2-normalised float32, 384 each) and the queries' texts, in file order.</summary>
    public static async Task<(List<float[]> Vectors, List<string> Queries)> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> model,
        string dataFolder)
    {
        var texts = new List<string>();
        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(dataFolder, "corpus.jsonl")))
        {
            using var post = JsonDocument.Parse(line);
            var question = post.RootElement.GetProperty("question").GetString()!;
            texts.Add(SqliteEmbeddingStore.TextOf(question, post.RootElement.GetProperty("answer").GetString()!));
            texts.Add(question);
        }

        var queries = ReadQueries(dataFolder);
        texts.AddRange(queries);
        var vectors = new List<float[]>(texts.Count);
        foreach (var batch in texts.Chunk(16))
        {
            vectors.AddRange((await model.GenerateAsync(batch)).Select(e => e.Vector.ToArray()));
        }

        return (vectors, queries);
    }

    /// <summary>The <c>query</c> field of every line of <c>queries.jsonl</c>.</summary>
    public static List<string> ReadQueries(string dataFolder) =>
        File.ReadLines(Path.Combine(dataFolder, "queries.jsonl"))
            .Select(line =>
            {
                using var query = JsonDocument.Parse(line);
                return query.RootElement.GetProperty("query").GetString()!;
            })
            .ToList();
}
