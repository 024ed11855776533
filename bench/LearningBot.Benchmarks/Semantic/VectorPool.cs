using System.Text.Json;
using LearningBot.Storage.Sqlite.Knowledge.Semantic;
using Microsoft.Extensions.AI;

namespace LearningBot.Benchmarks.Semantic;

/// <summary>
/// Real all-MiniLM-L6-v2 vectors of real text, about 2,200: every stackfaq question alone (a shared answer's part 1, 719), the
/// first <see cref="WholePosts"/> posts as question and answer (part 0, as the product embeds them) and every stackfaq query
/// (1,249). Embedding all 300,000 corpus documents with the model would take hours of CPU here (and the 719 whole posts alone
/// took over 20 minutes on the loaded 2-core machine); the corpus gets vectors drawn from this pool (<see cref="SemanticCorpus"/>).
/// </summary>
internal static class VectorPool
{
    public const string DefaultData = "/work/shared/data/stackfaq";

    /// <summary>Posts embedded whole (question and answer); answers are long, so each costs 5-10 times a question.</summary>
    public const int WholePosts = 200;

    /// <summary>The pool's vectors (L2-normalised float32, 384 each) and the queries' texts, in file order.</summary>
    public static async Task<(List<float[]> Vectors, List<string> Queries)> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> model,
        string dataFolder)
    {
        var texts = new List<string>();
        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(dataFolder, "corpus.jsonl")))
        {
            using var post = JsonDocument.Parse(line);
            var question = post.RootElement.GetProperty("question").GetString()!;
            if (texts.Count < WholePosts * 2)
            {
                texts.Add(SqliteEmbeddingStore.TextOf(question, post.RootElement.GetProperty("answer").GetString()!));
            }

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
