using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;

namespace LearningBot.Storage.Sqlite.Knowledge.Semantic;

/// <summary>
/// The embedding queue over <c>search_vectors</c>: pending = a vector part missing for the asked model. A learning has one part
/// (its text); a shared answer two: its question with its answer (part 0) and its question alone (part 1), because a question
/// asked in other words is closest to the question (measured: docs/search.md). Private learnings are never in <c>search_fts</c>,
/// so they are never embedded. The work's <see cref="EmbeddingWork.ContentHash"/> is <c>"{rowid}:{part}:{sha256 of the text}"</c>:
/// the index row, the part and the exact text embedded.
/// </summary>
/// <remarks>
/// Finding what is pending means a <c>NOT EXISTS</c> probe per index row, ~0.75 s of CPU over 250,000 rows (docs/performance.md,
/// "The embedder and the chat path"): so listings start at a watermark below which everything was embedded, and a pass over the
/// whole index (which finds a vector deleted below it: <c>forget me</c> rewrote the text, or another process on the file) is made
/// at the first listing for a model and then at most once per <see cref="FullPassEvery"/>, never for each write or poll.
/// </remarks>
public sealed class SqliteEmbeddingStore(SqliteDatabase database, TimeProvider? time = null) : IEmbeddingStore
{
    /// <summary>How often at most a listing that found nothing above the watermark re-reads the whole index.</summary>
    public static readonly TimeSpan FullPassEvery = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();

    // Every rowid at or below this was embedded for _watermarkModel when last listed, so a listing reads only the index rows
    // written since (a backfill does not re-read the done part for each batch, an idle poll reads almost nothing).
    private long _watermark;
    private string? _watermarkModel;
    private long _lastFullPass;
    private int _fullPasses;

    /// <summary>Listings that read the whole index (for tests: polls and writes must not each cost one).</summary>
    internal int FullPasses => Volatile.Read(ref _fullPasses);

    /// <summary>The text embedded for a search document: the question and answer of a shared answer, or a learning's text; then its tags (<c>#k8s</c>).</summary>
    public static string TextOf(string title, string body, string tags = "") =>
        (title.Length == 0 ? body : title + "\n" + body) + (tags.Length == 0 ? string.Empty : "\n#" + tags.Replace(" ", " #", StringComparison.Ordinal));

    /// <summary>The text of one vector part: 0 the whole document, 1 a shared answer's question.</summary>
    // Tags name the topic ("#k8s"), often in words the text does not use: part 0 carries them (measured: "k8s networking" vs a
    // learning about Kubernetes network policies, cosine 0.37 without its #k8s tag, 0.50 with it).
    private static string TextOf(string title, string body, string tags, int part) => part == 1 ? title : TextOf(title, body, tags);

    public async Task<IReadOnlyList<EmbeddingWork>> ListPendingAsync(string modelId, int max, CancellationToken cancellationToken)
    {
        long after;
        bool known, fullPassDue;
        lock (_lock)
        {
            known = _watermarkModel == modelId;
            after = known ? _watermark : 0;
            fullPassDue = _time.GetElapsedTime(_lastFullPass) >= FullPassEvery;
        }

        // Read before listing: a row written after this has a higher rowid, so it is above any watermark set from it.
        var newest = await NewestRowIdAsync(cancellationToken);
        var work = await ListAfterAsync(modelId, after, max, cancellationToken);
        var full = !known;
        if (work.Count == 0 && after > 0 && fullPassDue)
        {
            work = await ListAfterAsync(modelId, 0, max, cancellationToken);
            full = true;
        }

        lock (_lock)
        {
            if (_watermarkModel != modelId)
            {
                _watermarkModel = modelId;
                _watermark = 0;
            }

            if (full)
            {
                _lastFullPass = _time.GetTimestamp();
                Interlocked.Increment(ref _fullPasses);
            }

            // Work found: everything below its first row is embedded. Nothing found: everything up to the newest row is (it was
            // reset to 0 here before, which made every later poll a full pass). One below the newest: SQLite gives a new row the
            // highest rowid + 1, so an edit of the newest document (delete + insert) gets that same rowid back, above the mark.
            _watermark = work.Count > 0 ? Key(work[0]).RowId - 1 : Math.Max(_watermark, newest - 1);
        }

        return work;
    }

    private async Task<long> NewestRowIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // FTS5 serves ORDER BY rowid DESC from its b-tree (max(rowid) would scan the table).
        return Convert.ToInt64(await connection.ScalarAsync("SELECT rowid FROM search_fts ORDER BY rowid DESC LIMIT 1", null, cancellationToken)
                               ?? 0L, CultureInfo.InvariantCulture);
    }

    private async Task<List<EmbeddingWork>> ListAfterAsync(string modelId, long after, int max, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryAsync(
            """
            SELECT f.rowid, p.part, f.team_id, f.kind, f.ref_id, f.title, f.body, f.tags
            FROM search_fts f JOIN (SELECT 0 AS part UNION ALL SELECT 1) p ON p.part = 0 OR (f.kind = 0 AND f.title <> '')
            WHERE f.rowid > $after AND f.kind IN (0, 1)
              AND NOT EXISTS (SELECT 1 FROM search_vectors v WHERE v.doc_id = f.rowid AND v.part = p.part AND v.model = $model)
            ORDER BY f.rowid, p.part LIMIT $max
            """,
            null,
            r =>
            {
                var part = r.GetInt32(1);
                var text = TextOf(r.GetString(5), r.GetString(6), r.GetString(7), part);
                return new EmbeddingWork(r.GetString(2), (SearchKind)r.GetInt32(3), r.GetString(4), text, Token(r.GetInt64(0), part, text));
            },
            cancellationToken, ("$after", after), ("$model", modelId), ("$max", max));
    }

    public Task SaveAsync(string modelId, IReadOnlyList<ComputedEmbedding> embeddings, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            foreach (var (work, vector) in embeddings)
            {
                var (rowId, part) = Key(work);
                var current = await connection.QueryAsync("SELECT title, body, tags FROM search_fts WHERE rowid = $r", transaction,
                    r => TextOf(r.GetString(0), r.GetString(1), r.GetString(2), part), cancellationToken, ("$r", rowId));
                if (current.Count == 0 || Token(rowId, part, current[0]) != work.ContentHash)
                {
                    continue; // deleted, or rewritten since it was listed: the new text is pending on its own
                }

                var quantized = new sbyte[vector.Length];
                var scale = Int8Vectors.Quantize(vector.Span, quantized);
                // Delete + insert (not upsert): the new row gets a new seq, which is how vector caches notice the change.
                await connection.ExecuteAsync("DELETE FROM search_vectors WHERE doc_id = $d AND part = $p", transaction, cancellationToken,
                    ("$d", rowId), ("$p", part));
                await connection.ExecuteAsync(
                    """
                    INSERT INTO search_vectors (doc_id, part, team_id, kind, model, content_hash, scale, vector)
                    VALUES ($d, $p, $t, $k, $m, $h, $s, $v)
                    """,
                    transaction, cancellationToken, ("$d", rowId), ("$p", part), ("$t", work.TeamId), ("$k", (int)work.Kind), ("$m", modelId),
                    ("$h", work.ContentHash), ("$s", scale), ("$v", MemoryMarshalBytes(quantized)));
            }

            return embeddings.Count;
        }, cancellationToken);

    /// <summary>Pending parts above the watermark (the whole index before the first listing for <paramref name="modelId"/>).</summary>
    public async Task<long> CountPendingAsync(string modelId, CancellationToken cancellationToken)
    {
        long after;
        lock (_lock)
        {
            after = _watermarkModel == modelId ? _watermark : 0;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return Convert.ToInt64(await connection.ScalarAsync(
            """
            SELECT count(*)
            FROM search_fts f JOIN (SELECT 0 AS part UNION ALL SELECT 1) p ON p.part = 0 OR (f.kind = 0 AND f.title <> '')
            WHERE f.rowid > $after AND f.kind IN (0, 1)
              AND NOT EXISTS (SELECT 1 FROM search_vectors v WHERE v.doc_id = f.rowid AND v.part = p.part AND v.model = $model)
            """, null, cancellationToken, ("$after", after), ("$model", modelId)), CultureInfo.InvariantCulture);
    }

    private static string Token(long rowId, int part, string text) =>
        string.Create(CultureInfo.InvariantCulture, $"{rowId}:{part}:") + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static (long RowId, int Part) Key(EmbeddingWork work)
    {
        var parts = work.ContentHash.Split(':');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static byte[] MemoryMarshalBytes(sbyte[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
