using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LearningBot.Benchmarks.Corpus;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Storage.Sqlite.Knowledge.Semantic;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace LearningBot.Benchmarks.Semantic;

/// <summary>
/// The benchmark corpus (<see cref="CorpusDatabase"/>: 100,000 shared answers + 100,000 learnings in one team, four small teams)
/// with a vector in <c>search_vectors</c> for every document, as the background embedder leaves it: part 0 for every answer and
/// learning, part 1 (the question alone) for every answer, int8 as <see cref="SqliteEmbeddingStore"/> stores them, under the model
/// id of all-MiniLM-L6-v2, with the same content hash (so the host's embedder finds nothing pending). The recorded questions get
/// float32 vectors as <c>ask</c> stores them. Values: a real MiniLM vector of real text (<see cref="VectorPool"/>) picked at random
/// per document, plus Gaussian noise (σ = 0.5/√384, cosine ≈ 0.9 to the original) and re-normalised, so no two are equal; the scan
/// costs the same whatever the values. Built once and cached next to the corpus (<c>corpus-v3-vectors.db</c>).
/// </summary>
internal static class SemanticCorpus
{
    private const int VectorSeed = 14;

    public static string CachedPath => Path.Combine(CorpusDatabase.ArtifactsDirectory, "corpus-v3-vectors.db");

    public static async Task<(string Path, string Report)> EnsureAsync(IEmbeddingGenerator<string, Embedding<float>> model, string dataFolder)
    {
        var path = CachedPath;
        var marker = path + ".complete";
        if (File.Exists(path) && File.Exists(marker))
        {
            return (path, $"Using the cached vector corpus {path} (built {(await File.ReadAllTextAsync(marker)).Trim()}).");
        }

        var (corpus, corpusReport) = await CorpusDatabase.EnsureAsync();
        Console.WriteLine(corpusReport);
        CorpusDatabase.DeleteDatabase(path);
        File.Delete(marker);
        File.Copy(corpus, path);

        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (pool, _) = await VectorPool.EmbedAsync(model, dataFolder);
        var embedCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var embedWall = clock.Elapsed;
        var modelId = model.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId
                      ?? throw new InvalidOperationException("The model names no id.");
        var (vectors, questions) = await WriteVectorsAsync(path, modelId, pool);
        var report = $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: {pool.Count:N0} real texts embedded in {embedWall.TotalSeconds:F0} s " +
                     $"({pool.Count / embedCpu.TotalSeconds:F0} per CPU-second), {vectors:N0} document vectors and {questions:N0} question vectors " +
                     $"written in {(clock.Elapsed - embedWall).TotalSeconds:F0} s; file {new FileInfo(path).Length / 1048576.0:F0} MB.";
        await File.WriteAllTextAsync(marker, report);
        return (path, "Built the vector corpus: " + report);
    }

    /// <summary>
    /// Copies the vector corpus to <paramref name="copy"/> with its vectors stored under <paramref name="modelId"/>, so a host or
    /// search with that model finds nothing pending and scans them all. For timing only: the values stay those of the model that
    /// built the cache (all-MiniLM-L6-v2 float32 plus noise); the scan costs the same whatever the values, and the int8 model's
    /// vectors are within cosine 0.98 of the float32 model's anyway (docs/search.md, "int8 MiniLM").
    /// </summary>
    public static async Task CopyForModelAsync(string cached, string copy, string modelId)
    {
        CorpusDatabase.DeleteDatabase(copy);
        await using (var source = File.OpenRead(cached))
        await using (var target = File.Create(copy))
        {
            await source.CopyToAsync(target);
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var relabel = connection.CreateCommand();
        relabel.CommandText = "UPDATE search_vectors SET model = $m WHERE model <> $m; " +
                              "UPDATE questions SET embedding_model = $m WHERE embedding_model IS NOT NULL AND embedding_model <> $m; " +
                              "PRAGMA wal_checkpoint(TRUNCATE);";
        relabel.Parameters.AddWithValue("$m", modelId);
        await relabel.ExecuteNonQueryAsync();
    }

    private static async Task<(int Vectors, int Questions)> WriteVectorsAsync(string path, string modelId, List<float[]> pool)
    {
        var random = new Random(VectorSeed);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();

        var documents = new List<(long RowId, string TeamId, int Kind, string Title, string Body, string Tags)>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT rowid, team_id, kind, title, body, tags FROM search_fts WHERE kind IN (0, 1) ORDER BY rowid";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                documents.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5)));
            }
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO search_vectors (doc_id, part, team_id, kind, model, content_hash, scale, vector) " +
                             "VALUES ($d, $p, $t, $k, $m, $h, $s, $v)";
        var parameters = new[] { "$d", "$p", "$t", "$k", "$m", "$h", "$s", "$v" }.Select(n => insert.Parameters.Add(new SqliteParameter(n, null))).ToArray();
        insert.Prepare();
        var written = 0;
        var quantized = new sbyte[pool[0].Length];
        foreach (var d in documents)
        {
            for (var part = 0; part < (d.Kind == 0 && d.Title.Length > 0 ? 2 : 1); part++)
            {
                var text = part == 1 ? d.Title : SqliteEmbeddingStore.TextOf(d.Title, d.Body, d.Tags);
                var scale = Int8Vectors.Quantize(Noisy(pool[random.Next(pool.Count)], random), quantized);
                parameters[0].Value = d.RowId;
                parameters[1].Value = part;
                parameters[2].Value = d.TeamId;
                parameters[3].Value = d.Kind;
                parameters[4].Value = modelId;
                parameters[5].Value = string.Create(CultureInfo.InvariantCulture, $"{d.RowId}:{part}:") +
                                      Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
                parameters[6].Value = scale;
                parameters[7].Value = System.Runtime.InteropServices.MemoryMarshal.AsBytes(quantized.AsSpan()).ToArray();
                await insert.ExecuteNonQueryAsync();
                written++;
            }
        }

        var questionIds = new List<string>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT id FROM questions";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                questionIds.Add(reader.GetString(0));
            }
        }

        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE questions SET embedding = $v, embedding_model = $m WHERE id = $id";
        foreach (var id in questionIds)
        {
            update.Parameters.Clear();
            update.Parameters.AddWithValue("$v", Vectors.ToBytes(Noisy(pool[random.Next(pool.Count)], random)));
            update.Parameters.AddWithValue("$m", modelId);
            update.Parameters.AddWithValue("$id", id);
            await update.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await checkpoint.ExecuteNonQueryAsync();
        return (written, questionIds.Count);
    }

    /// <summary>The vector plus N(0, σ²) per component, σ = 0.5/√dimensions, re-normalised to length 1.</summary>
    private static float[] Noisy(float[] vector, Random random)
    {
        var sigma = 0.5 / Math.Sqrt(vector.Length);
        var result = new float[vector.Length];
        double norm = 0;
        for (var i = 0; i < vector.Length; i++)
        {
            // Box-Muller: one standard normal from two uniforms.
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            result[i] = (float)(vector[i] + sigma * gaussian);
            norm += result[i] * (double)result[i];
        }

        var length = (float)Math.Sqrt(norm);
        for (var i = 0; i < result.Length; i++)
        {
            result[i] /= length;
        }

        return result;
    }
}
