using LearningBot.Core.Knowledge;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge.Semantic;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Search;

/// <summary>
/// The in-memory vector search of the SQLite store (<see cref="SqliteVectorCache"/> over <see cref="TeamVectors"/>) on a real file
/// with <c>search_vectors</c> rows written as the embedding store writes them (int8, one scale per vector). Vectors are clustered,
/// like embeddings of a team's topics: 300 topics, each document a topic's centre plus noise.
/// </summary>
public sealed class VectorScanTests
{
    private const string Model = "test-model";
    private const string Team = "acme";
    private const int Dimensions = 384;
    private static readonly HashSet<SearchKind> Both = [SearchKind.Knowledge, SearchKind.Learning];

    private TempDirectory _directory = null!;
    private ServiceProvider _services = null!;

    [SetUp]
    public async Task Start()
    {
        _directory = new TempDirectory();
        _services = new ServiceCollection().AddLogging().AddSqliteStorage(_directory.File("vectors.db")).BuildServiceProvider();
        await _services.GetRequiredService<SqliteDatabase>().InitializeAsync(default);
    }

    [TearDown]
    public async Task Stop()
    {
        await _services.DisposeAsync();
        _directory.Dispose();
    }

    private SqliteVectorCache Cache => _services.GetRequiredService<SqliteVectorCache>();

    [Test]
    public async Task A_large_team_is_searched_through_the_sign_bit_prefilter_and_finds_the_exact_nearest_documents_with_their_exact_similarity()
    {
        var random = new Random(1);
        var topics = Enumerable.Range(0, 300).Select(_ => Normalised(Gaussian(random, 1.0))).ToList();
        var documents = TeamVectors.PrefilterFrom + 5_000;
        await WriteAsync(Enumerable.Range(1, documents).Select(d => (d, 0, d % 3 == 0 ? SearchKind.Learning : SearchKind.Knowledge,
            Noisy(topics[random.Next(topics.Count)], random, 0.6))));
        await Cache.RefreshAsync(Model, default);
        Assert.That(Cache.Count, Is.EqualTo(documents));

        double found = 0, total = 0;
        for (var i = 0; i < 30; i++)
        {
            var query = Noisy(topics[random.Next(topics.Count)], random, 0.8);
            var exact = Cache.Nearest(Team, Both, query, 10, VectorScan.Exact);
            var searched = Cache.Nearest(Team, Both, query, 10);
            Assert.That(searched, Has.Count.EqualTo(10));
            var exactById = exact.ToDictionary(m => m.DocId);
            foreach (var match in searched)
            {
                // Rescored exactly: a document found is reported with the very similarity the full scan gives it.
                var alone = Cache.Find(Team, match.DocId, query)!.Value;
                Assert.That(match.Similarity, Is.EqualTo(alone.Similarity).Within(1e-9));
                if (exactById.ContainsKey(match.DocId))
                {
                    found++;
                }
            }

            Assert.That(searched.Select(m => m.Similarity), Is.Ordered.Descending);
            total += exact.Count;
        }

        // Binary quantisation with 2,000 rescored candidates out of 25,000: at most a rare near-tie at rank 10 is missed.
        Assert.That(found / total, Is.GreaterThanOrEqualTo(0.97), "recall of the exact top 10");
    }

    [Test]
    public async Task The_faster_prefilter_returns_exactly_what_the_prefilter_before_it_did_for_mixed_kinds_removed_slots_and_ties()
    {
        var random = new Random(5);
        var topics = Enumerable.Range(0, 40).Select(_ => Normalised(Gaussian(random, 1.0))).ToList();
        // Three kinds, across several blocks, a count that is no multiple of 16 (the SIMD pass's tail), and exact duplicates (the same
        // learning logged twice has one vector: equal distances and equal scores, so the order of ties shows).
        var documents = TeamVectors.PrefilterFrom + 6_007;
        var vectors = new Dictionary<int, float[]>();
        for (var d = 1; d <= documents; d++)
        {
            vectors[d] = d % 50 == 0 ? vectors[d - 1] : Noisy(topics[random.Next(topics.Count)], random, 0.7);
        }

        await WriteAsync(vectors.Select(v => (v.Key, 0, (SearchKind)(v.Key % 3), v.Value)));
        await Cache.RefreshAsync(Model, default);
        // Forgetting moves the last slots into the holes (one in the first block, one in the middle, the very last).
        foreach (var doc in new[] { 7, TeamVectors.BlockSlots * 3 + 5, documents })
        {
            Cache.Forget(Team, doc);
        }

        Assert.That(Cache.Count, Is.EqualTo(documents - 3));
        HashSet<SearchKind>[] kindSets = [Both, [SearchKind.Knowledge], [SearchKind.Kudos, SearchKind.Learning], [SearchKind.Knowledge, SearchKind.Learning, SearchKind.Kudos]];
        var compared = 0;
        for (var i = 0; i < 24; i++)
        {
            // Half the queries are a stored document's own vector: its duplicates tie with it at the top.
            var query = i % 2 == 0 ? vectors[50 * (1 + random.Next(documents / 50 - 1))] : Noisy(topics[random.Next(topics.Count)], random, 0.9);
            var kinds = kindSets[i % kindSets.Length];
            foreach (var count in new[] { 1, 10, 50, 120 })
            {
                var before = Cache.Nearest(Team, kinds, query, count, VectorScan.PrefilterBefore);
                var now = Cache.Nearest(Team, kinds, query, count);
                Assert.That(now, Has.Count.EqualTo(count));
                Assert.That(now, Is.EqualTo(before), $"query {i}, kinds {string.Join('+', kinds)}, {count} nearest");
                Assert.That(now.Select(m => m.DocId), Has.None.EqualTo(7L).And.None.EqualTo((long)documents), "a forgotten document");
                Assert.That(now.Select(m => (SearchKind)(m.DocId % 3)), Is.All.AnyOf(kinds.Cast<object>().ToArray()));
                compared++;
            }
        }

        Assert.That(compared, Is.EqualTo(96));
    }

    [Test]
    public async Task The_prefilter_keeps_to_the_asked_kinds()
    {
        var random = new Random(2);
        var topic = Normalised(Gaussian(random, 1.0));
        // The learnings are the nearest by far; only shared answers are asked for.
        var rows = Enumerable.Range(1, TeamVectors.PrefilterFrom + 100)
            .Select(d => (d, 0, d <= 3_000 ? SearchKind.Learning : SearchKind.Knowledge,
                Noisy(d <= 3_000 ? topic : Normalised(Gaussian(random, 1.0)), random, d <= 3_000 ? 0.1 : 0.5)));
        await WriteAsync(rows);
        await Cache.RefreshAsync(Model, default);

        var found = Cache.Nearest(Team, new HashSet<SearchKind> { SearchKind.Knowledge }, topic, 20);

        Assert.That(found, Has.Count.EqualTo(20));
        Assert.That(found.Select(m => m.DocId), Is.All.GreaterThan(3_000));
        Assert.That(Cache.Nearest(Team, Both, topic, 20).Select(m => m.DocId), Is.All.LessThanOrEqualTo(3_000), "both kinds: the learnings");
    }

    [Test]
    public async Task Forgetting_documents_across_blocks_keeps_every_other_vector_findable_and_gives_back_emptied_blocks()
    {
        var random = new Random(3);
        var count = TeamVectors.BlockSlots * 2 + 10;
        var vectors = Enumerable.Range(1, count).ToDictionary(d => (long)d, _ => Normalised(Gaussian(random, 1.0)));
        await WriteAsync(vectors.Select(v => ((int)v.Key, 0, SearchKind.Learning, v.Value)));
        await Cache.RefreshAsync(Model, default);

        // The first document of each block and the last 10: each removal moves the last slot into the hole.
        long[] forgotten = [1, TeamVectors.BlockSlots + 1, .. Enumerable.Range(count - 9, 10).Select(d => (long)d)];
        foreach (var doc in forgotten)
        {
            Cache.Forget(Team, doc);
        }

        Assert.That(Cache.Count, Is.EqualTo(count - forgotten.Length));
        foreach (var doc in forgotten)
        {
            Assert.That(Cache.Find(Team, doc, vectors[doc]), Is.Null);
        }

        // Every other document is still there with its own vector: it is its own nearest neighbour (cosine ~1).
        foreach (var (doc, vector) in vectors.Where(v => !forgotten.Contains(v.Key)).Where((_, i) => i % 97 == 0))
        {
            var nearest = Cache.Nearest(Team, Both, vector, 1).Single();
            Assert.That(nearest.DocId, Is.EqualTo(doc));
            Assert.That(nearest.Similarity, Is.GreaterThan(0.99));
        }
    }

    [Test]
    public async Task Holding_a_large_team_costs_little_more_than_its_int8_vectors()
    {
        // Just past a power of two: a doubling array would hold 65,536 slots (twice what is needed).
        const int documents = 33_000;
        var random = new Random(4);
        await WriteAsync(Enumerable.Range(1, documents).Select(d => (d, 0, SearchKind.Learning, Normalised(Gaussian(random, 1.0)))));
        var before = GC.GetTotalMemory(forceFullCollection: true);

        await Cache.RefreshAsync(Model, default);

        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.That(Cache.Count, Is.EqualTo(documents));
        // int8 components, plus per vector 48 bytes of sign bits, 24 of slot data and the key's dictionary entry (~2 x 24).
        const double vectorBytes = (double)documents * Dimensions;
        Assert.That(held / vectorBytes, Is.LessThan(1.5), $"held {held / 1048576.0:F1} MB for {vectorBytes / 1048576.0:F1} MB of vectors");
    }

    private async Task WriteAsync(IEnumerable<(int DocId, int Part, SearchKind Kind, float[] Vector)> rows)
    {
        await using var connection = new SqliteConnection($"Data Source={_directory.File("vectors.db")};Pooling=False");
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO search_vectors (doc_id, part, team_id, kind, model, content_hash, scale, vector) " +
                             "VALUES ($d, $p, $t, $k, $m, $h, $s, $v)";
        var quantized = new sbyte[Dimensions];
        foreach (var (doc, part, kind, vector) in rows)
        {
            insert.Parameters.Clear();
            var scale = Int8Vectors.Quantize(vector, quantized);
            insert.Parameters.AddWithValue("$d", doc);
            insert.Parameters.AddWithValue("$p", part);
            insert.Parameters.AddWithValue("$t", Team);
            insert.Parameters.AddWithValue("$k", (int)kind);
            insert.Parameters.AddWithValue("$m", Model);
            insert.Parameters.AddWithValue("$h", $"{doc}:{part}:test");
            insert.Parameters.AddWithValue("$s", scale);
            insert.Parameters.AddWithValue("$v", System.Runtime.InteropServices.MemoryMarshal.AsBytes(quantized.AsSpan()).ToArray());
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static float[] Gaussian(Random random, double sigma) =>
        Enumerable.Range(0, Dimensions)
            .Select(_ => (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))
            .ToArray();

    /// <summary>The direction plus Gaussian noise of about <paramref name="share"/> of its length, normalised.</summary>
    private static float[] Noisy(float[] direction, Random random, double share) =>
        Normalised(direction.Zip(Gaussian(random, share / Math.Sqrt(Dimensions)), (x, n) => x + n).ToArray());

    private static float[] Normalised(float[] v)
    {
        var length = (float)Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => x / length).ToArray();
    }
}
