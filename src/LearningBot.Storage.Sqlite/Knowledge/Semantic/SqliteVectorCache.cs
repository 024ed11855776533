using LearningBot.Core.Knowledge;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge.Semantic;

/// <summary>A document found by meaning: its <c>search_fts</c> rowid, the vector row it was scored with, and the cosine similarity.</summary>
internal readonly record struct VectorMatch(long DocId, long Seq, double Similarity);

/// <summary>
/// The vectors of <c>search_vectors</c> in memory, per team, for exact nearest-neighbour search (a scan of the team's int8
/// vectors: no approximate index, so no recall is lost). Each search first reads the rows written since the last one (by
/// <c>seq</c>), so vectors stored by this or another process on the same file are used at once. Deleted documents are not
/// read back: a match is only a candidate, and <see cref="SqliteSearchIndex"/> keeps it only if its row and vector row still
/// exist with the same team (then <see cref="Forget"/> drops it here).
/// </summary>
public sealed class SqliteVectorCache(SqliteDatabase database)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly Lock _teamsLock = new();
    private Dictionary<string, TeamVectors> _teams = new(StringComparer.Ordinal);
    private string? _model;
    private long _lastSeq;

    /// <summary>Vectors held, over all teams (for the memory figures in docs/performance.md).</summary>
    public int Count
    {
        get
        {
            lock (_teamsLock)
            {
                return _teams.Values.Sum(t => t.Count);
            }
        }
    }

    /// <summary>Reads the vectors of <paramref name="model"/> stored since the last call (all of them on the first, or after a model change).</summary>
    internal async Task RefreshAsync(string model, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_model != model)
            {
                lock (_teamsLock)
                {
                    _teams = new Dictionary<string, TeamVectors>(StringComparer.Ordinal);
                }

                _model = model;
                _lastSeq = 0;
            }

            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.Command(
                "SELECT seq, doc_id, part, team_id, kind, scale, vector FROM search_vectors WHERE seq > $after AND model = $model ORDER BY seq",
                null, ("$after", _lastSeq), ("$model", model));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var seq = reader.GetInt64(0);
                var vector = (byte[])reader.GetValue(6);
                TeamVectors team;
                lock (_teamsLock)
                {
                    var teamId = reader.GetString(3);
                    if (!_teams.TryGetValue(teamId, out team!))
                    {
                        _teams[teamId] = team = new TeamVectors(vector.Length);
                    }
                }

                team.Put(reader.GetInt64(1), reader.GetInt32(2), seq, (SearchKind)reader.GetInt32(4), reader.GetFloat(5), vector);
                _lastSeq = seq;
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>
    /// The <paramref name="count"/> most similar documents of the team and kinds, best first; a document with two vectors (a shared
    /// answer's whole text and its question) counts with the better one.
    /// </summary>
    internal IReadOnlyList<VectorMatch> Nearest(string teamId, IReadOnlySet<SearchKind> kinds, ReadOnlySpan<float> query, int count)
    {
        TeamVectors? team;
        lock (_teamsLock)
        {
            _teams.TryGetValue(teamId, out team);
        }

        return team is null ? [] : team.Nearest(kinds, query, count);
    }

    /// <summary>The similarity of one document (the better of its vectors), if one is held.</summary>
    internal VectorMatch? Find(string teamId, long docId, ReadOnlySpan<float> query)
    {
        TeamVectors? team;
        lock (_teamsLock)
        {
            _teams.TryGetValue(teamId, out team);
        }

        return team?.Find(docId, query);
    }

    /// <summary>Drops a vector whose document or vector row is gone (forgotten, rewritten).</summary>
    internal void Forget(string teamId, long docId)
    {
        TeamVectors? team;
        lock (_teamsLock)
        {
            _teams.TryGetValue(teamId, out team);
        }

        team?.Remove(docId);
    }

    /// <summary>
    /// One team's vectors in flat arrays (slot i: dimensions bytes at i·dimensions), guarded by a reader-writer lock. Slots are
    /// keyed by <c>doc_id · 2 + part</c>.
    /// </summary>
    private sealed class TeamVectors(int dimensions)
    {
        private readonly ReaderWriterLockSlim _lock = new();
        private readonly Dictionary<long, int> _slots = [];
        private sbyte[] _vectors = new sbyte[dimensions * 16];
        private float[] _scales = new float[16];
        private long[] _docIds = new long[16];
        private long[] _seqs = new long[16];
        private SearchKind[] _kinds = new SearchKind[16];

        public int Count { get; private set; }

        public void Put(long docId, int part, long seq, SearchKind kind, float scale, byte[] vector)
        {
            if (vector.Length != dimensions)
            {
                return; // another model's length under the same name: never compared
            }

            _lock.EnterWriteLock();
            try
            {
                var key = docId * 2 + part;
                if (!_slots.TryGetValue(key, out var slot))
                {
                    slot = Count++;
                    if (slot == _scales.Length)
                    {
                        var size = _scales.Length * 2;
                        Array.Resize(ref _vectors, size * dimensions);
                        Array.Resize(ref _scales, size);
                        Array.Resize(ref _docIds, size);
                        Array.Resize(ref _seqs, size);
                        Array.Resize(ref _kinds, size);
                    }

                    _slots[key] = slot;
                }

                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(vector).CopyTo(_vectors.AsSpan(slot * dimensions, dimensions));
                _scales[slot] = scale;
                _docIds[slot] = key;
                _seqs[slot] = seq;
                _kinds[slot] = kind;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }

        public void Remove(long docId)
        {
            _lock.EnterWriteLock();
            try
            {
                for (var key = docId * 2; key <= docId * 2 + 1; key++)
                {
                    if (!_slots.Remove(key, out var slot))
                    {
                        continue;
                    }

                    var last = --Count;
                    if (slot != last)
                    {
                        _vectors.AsSpan(last * dimensions, dimensions).CopyTo(_vectors.AsSpan(slot * dimensions, dimensions));
                        _scales[slot] = _scales[last];
                        _docIds[slot] = _docIds[last];
                        _seqs[slot] = _seqs[last];
                        _kinds[slot] = _kinds[last];
                        _slots[_docIds[slot]] = slot;
                    }
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }

        public IReadOnlyList<VectorMatch> Nearest(IReadOnlySet<SearchKind> kinds, ReadOnlySpan<float> query, int count)
        {
            if (query.Length != dimensions || count <= 0)
            {
                return [];
            }

            Span<sbyte> q = stackalloc sbyte[dimensions];
            var queryScale = Int8Vectors.Quantize(query, q);
            _lock.EnterReadLock();
            try
            {
                // Twice the slots: a document's two vectors may both be near the top, and each document counts once.
                var slots = count * 2;
                var top = new PriorityQueue<int, float>(slots + 1);
                for (var slot = 0; slot < Count; slot++)
                {
                    if (!kinds.Contains(_kinds[slot]))
                    {
                        continue;
                    }

                    var score = Int8Vectors.Dot(q, _vectors.AsSpan(slot * dimensions, dimensions)) * _scales[slot];
                    if (top.Count < slots)
                    {
                        top.Enqueue(slot, score);
                    }
                    else if (top.TryPeek(out _, out var worst) && score > worst)
                    {
                        top.DequeueEnqueue(slot, score);
                    }
                }

                var best = new List<VectorMatch>(top.Count);
                while (top.TryDequeue(out var slot, out var score))
                {
                    best.Add(new VectorMatch(_docIds[slot] / 2, _seqs[slot], score * queryScale));
                }

                best.Reverse();
                return best.DistinctBy(m => m.DocId).Take(count).ToList();
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }

        public VectorMatch? Find(long docId, ReadOnlySpan<float> query)
        {
            if (query.Length != dimensions)
            {
                return null;
            }

            Span<sbyte> q = stackalloc sbyte[dimensions];
            var queryScale = Int8Vectors.Quantize(query, q);
            _lock.EnterReadLock();
            try
            {
                VectorMatch? best = null;
                for (var key = docId * 2; key <= docId * 2 + 1; key++)
                {
                    if (_slots.TryGetValue(key, out var slot))
                    {
                        var similarity = Int8Vectors.Dot(q, _vectors.AsSpan(slot * dimensions, dimensions)) * _scales[slot] * queryScale;
                        if (best is null || similarity > best.Value.Similarity)
                        {
                            best = new VectorMatch(docId, _seqs[slot], similarity);
                        }
                    }
                }

                return best;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }
}
