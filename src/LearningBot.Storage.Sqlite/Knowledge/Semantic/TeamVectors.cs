using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using LearningBot.Core.Knowledge;

namespace LearningBot.Storage.Sqlite.Knowledge.Semantic;

/// <summary>
/// One team's int8 vectors for nearest-neighbour search, guarded by a reader-writer lock. Slots are keyed by
/// <c>doc_id · 2 + part</c> and live in fixed blocks of <see cref="BlockSlots"/>: growing never copies the vectors or
/// over-allocates (a doubling array held up to twice the vectors, and both copies while it grew: ~300 MB at peak for the
/// 300,000 vectors of a 100,000 + 100,000 team, against 115 MB of vectors).
/// <para>
/// Each vector also keeps its sign bits (one bit per component, 48 bytes for 384 dimensions). Up to
/// <see cref="PrefilterFrom"/> vectors every one is scored exactly (int8 dot product); above it, the Hamming distance of the sign
/// bits picks the <see cref="RescoredFor"/> nearest candidates, which are then scored exactly, so results and their similarities
/// are the exact int8 ones whenever a true neighbour is among the candidates (binary quantisation with rescoring; recall
/// against the exact scan is measured in docs/performance.md). Scanning 48 bytes instead of 384 is what keeps the search under
/// the memory bandwidth a full scan of a large team would need.
/// </para>
/// </summary>
internal sealed class TeamVectors(int dimensions)
{
    /// <summary>Vectors per block (1.5 MB of int8 at 384 dimensions).</summary>
    internal const int BlockSlots = 4096;

    /// <summary>From this many vectors the sign-bit prefilter runs; below it a full exact scan is cheap (under ~1 ms).</summary>
    internal const int PrefilterFrom = 20_000;

    private readonly int _words = (dimensions + 63) / 64;
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<long, int> _slots = [];
    private readonly List<Block> _blocks = [];

    public int Count { get; private set; }

    /// <summary>How many candidates the prefilter keeps to rescore exactly when <paramref name="slots"/> are wanted: 20 per slot, at least 2,000.</summary>
    internal static int RescoredFor(int slots) => Math.Max(2_000, slots * 20);

    public void Put(long docId, int part, long seq, SearchKind kind, float scale, ReadOnlySpan<sbyte> vector)
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
                if (slot == _blocks.Count * BlockSlots)
                {
                    _blocks.Add(new Block(dimensions, _words));
                }

                _slots[key] = slot;
            }

            var (block, at) = Locate(slot);
            vector.CopyTo(block.Vectors.AsSpan(at * dimensions, dimensions));
            SignBits(vector, block.Bits.AsSpan(at * _words, _words));
            block.Info[at] = new SlotInfo(key, seq, scale, kind);
            block.Kinds[at] = (byte)kind;
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

                // The last slot moves into the hole, so slots stay dense.
                var last = --Count;
                if (slot != last)
                {
                    var (to, at) = Locate(slot);
                    var (from, lastAt) = Locate(last);
                    from.Vectors.AsSpan(lastAt * dimensions, dimensions).CopyTo(to.Vectors.AsSpan(at * dimensions, dimensions));
                    from.Bits.AsSpan(lastAt * _words, _words).CopyTo(to.Bits.AsSpan(at * _words, _words));
                    to.Info[at] = from.Info[lastAt];
                    to.Kinds[at] = from.Kinds[lastAt];
                    _slots[to.Info[at].Key] = slot;
                }

                if (Count == (_blocks.Count - 1) * BlockSlots)
                {
                    _blocks.RemoveAt(_blocks.Count - 1); // an emptied last block is given back
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The <paramref name="count"/> nearest documents of the kinds, best first (a document counts once, with its better vector).</summary>
    /// <param name="scan">How: <see cref="VectorScan.Prefilter"/> (what search uses), or a reference to measure it against.</param>
    public IReadOnlyList<VectorMatch> Nearest(IReadOnlySet<SearchKind> kinds, ReadOnlySpan<float> query, int count,
        VectorScan scan = VectorScan.Prefilter)
    {
        if (query.Length != dimensions || count <= 0)
        {
            return [];
        }

        Span<sbyte> q = stackalloc sbyte[dimensions];
        var queryScale = Int8Vectors.Quantize(query, q);
        Span<ulong> queryBits = stackalloc ulong[_words];
        SignBits(q, queryBits);
        var kindMask = 0;
        foreach (var kind in kinds)
        {
            kindMask |= 1 << (int)kind;
        }

        _lock.EnterReadLock();
        try
        {
            // Twice the slots: a document's two vectors may both be near the top, and each document counts once.
            var slots = count * 2;
            var top = new PriorityQueue<int, float>(slots + 1);
            if (scan == VectorScan.Exact || Count < PrefilterFrom)
            {
                for (var slot = 0; slot < Count; slot++)
                {
                    Score(slot, kindMask, q, top, slots);
                }
            }
            else if (scan == VectorScan.PrefilterBefore)
            {
                PrefilteredBefore(kindMask, q, queryBits, top, slots);
            }
            else
            {
                Prefiltered(kindMask, q, queryBits, top, slots);
            }

            var best = new List<VectorMatch>(top.Count);
            while (top.TryDequeue(out var slot, out var score))
            {
                var (block, at) = Locate(slot);
                best.Add(new VectorMatch(block.Info[at].Key / 2, block.Info[at].Seq, score * queryScale));
            }

            best.Reverse();
            return best.DistinctBy(m => m.DocId).Take(count).ToList();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The similarity of one document (the better of its vectors), if one is held.</summary>
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
                    var (block, at) = Locate(slot);
                    var similarity = Int8Vectors.Dot(q, block.Vectors.AsSpan(at * dimensions, dimensions)) * block.Info[at].Scale * queryScale;
                    if (best is null || similarity > best.Value.Similarity)
                    {
                        best = new VectorMatch(docId, block.Info[at].Seq, similarity);
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

    /// <summary>
    /// Hamming distances of every slot's sign bits to the query's (a 0..dimensions histogram of them), then the exact score of the
    /// slots within the distance that first covers <see cref="RescoredFor"/> candidates. Linear, no sort, on the calling thread: two
    /// halves on two threads measured no faster on a 2-core machine and cost ~0.3 ms more CPU per search (docs/performance.md,
    /// "`ask` stage by stage" and "The lexical worst case"), so that variant was removed.
    /// <para>
    /// The same candidates, scored in the same slot order, as <see cref="PrefilteredBefore"/> (so the same results, ties included),
    /// faster: <see cref="HistogramLanes"/> histograms so that neighbouring slots, whose distances cluster, do not wait on one
    /// counter's store (<c>histogram[d]++</c> twice in a row on one bin is a store-to-load chain); the kind test without a branch;
    /// and the second pass compares 16 distances at a time with SIMD and touches only the few slots within the cut
    /// (docs/performance.md, "A faster sign-bit prefilter").
    /// </para>
    /// </summary>
    private void Prefiltered(int kindMask, ReadOnlySpan<sbyte> q, ReadOnlySpan<ulong> queryBits, PriorityQueue<int, float> top, int slots)
    {
        var distances = ArrayPool<ushort>.Shared.Rent(Count);
        // Bins 0..dimensions, and one more (dimensions + 1) that slots of another kind are counted in and that is never read.
        var stride = dimensions + 2;
        var histograms = ArrayPool<int>.Shared.Rent(HistogramLanes * stride);
        try
        {
            histograms.AsSpan(0, HistogramLanes * stride).Clear();
            for (var b = 0; b < _blocks.Count; b++)
            {
                var inBlock = Math.Min(BlockSlots, Count - b * BlockSlots);
                LaneDistances(_blocks[b], inBlock, kindMask, queryBits, distances.AsSpan(b * BlockSlots, inBlock), histograms.AsSpan(0, HistogramLanes * stride));
            }

            var wanted = RescoredFor(slots);
            var within = 0;
            var covered = 0;
            for (; within < dimensions; within++)
            {
                var inBin = 0;
                for (var lane = 0; lane < HistogramLanes; lane++)
                {
                    inBin += histograms[lane * stride + within];
                }

                if (covered + inBin >= wanted)
                {
                    break;
                }

                covered += inBin;
            }

            ScoreWithin(distances.AsSpan(0, Count), (ushort)within, kindMask, q, top, slots);
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(distances);
            ArrayPool<int>.Shared.Return(histograms);
        }
    }

    /// <summary>Histograms the prefilter counts into, one per slot modulo this (see <see cref="Prefiltered"/>).</summary>
    private const int HistogramLanes = 4;

    /// <summary>
    /// <see cref="Distances"/> for one block into <see cref="HistogramLanes"/> histograms (lane = slot modulo 4, each
    /// <c>dimensions + 2</c> bins, the last for slots of another kind): no branch on the kind, distance <see cref="ushort.MaxValue"/>
    /// for another kind.
    /// </summary>
    private void LaneDistances(Block block, int inBlock, int kindMask, ReadOnlySpan<ulong> queryBits, Span<ushort> into, Span<int> histograms)
    {
        var stride = dimensions + 2;
        var otherKind = dimensions + 1;
        var bits = block.Bits.AsSpan(0, inBlock * _words);
        var kinds = block.Kinds.AsSpan(0, inBlock);
        ref var h = ref MemoryMarshal.GetReference(histograms);
        if (_words == 6)
        {
            // 384 dimensions (the packaged models): six words a slot. Offsets stay inside the spans by construction
            // (at < inBlock, bits holds inBlock * 6 words), so the loop reads through refs without bounds checks.
            ulong q0 = queryBits[0], q1 = queryBits[1], q2 = queryBits[2], q3 = queryBits[3], q4 = queryBits[4], q5 = queryBits[5];
            ref var word = ref MemoryMarshal.GetReference(bits);
            ref var kind = ref MemoryMarshal.GetReference(kinds);
            ref var distanceOut = ref MemoryMarshal.GetReference(into);
            for (var at = 0; at < inBlock; at++)
            {
                ref var slot = ref Unsafe.Add(ref word, at * 6);
                var d = BitOperations.PopCount(slot ^ q0) + BitOperations.PopCount(Unsafe.Add(ref slot, 1) ^ q1)
                        + BitOperations.PopCount(Unsafe.Add(ref slot, 2) ^ q2) + BitOperations.PopCount(Unsafe.Add(ref slot, 3) ^ q3)
                        + BitOperations.PopCount(Unsafe.Add(ref slot, 4) ^ q4) + BitOperations.PopCount(Unsafe.Add(ref slot, 5) ^ q5);
                // 0 for an asked kind, -1 for another: the distance becomes 0xFFFF and the bin the unread last one.
                var other = ((kindMask >> Unsafe.Add(ref kind, at)) & 1) - 1;
                var distance = d | (other & 0xFFFF);
                Unsafe.Add(ref distanceOut, at) = (ushort)distance;
                // Lane (at & 3) * stride; bin d (<= dimensions) or otherKind: inside histograms by construction.
                Unsafe.Add(ref h, (at & (HistogramLanes - 1)) * stride + Math.Min(distance, otherKind))++;
            }

            return;
        }

        for (var at = 0; at < kinds.Length; at++)
        {
            var d = 0;
            var offset = at * _words;
            for (var w = 0; w < queryBits.Length; w++)
            {
                d += BitOperations.PopCount(bits[offset + w] ^ queryBits[w]);
            }

            var other = ((kindMask >> kinds[at]) & 1) - 1;
            var distance = d | (other & 0xFFFF);
            into[at] = (ushort)distance;
            histograms[(at & (HistogramLanes - 1)) * stride + Math.Min(distance, otherKind)]++;
        }
    }

    /// <summary>
    /// Scores, in slot order, every slot whose distance is at most <paramref name="within"/>: 16 distances per comparison where SIMD is
    /// there (most groups of 16 have none within the cut and are skipped whole), one by one otherwise and for the tail.
    /// </summary>
    private void ScoreWithin(ReadOnlySpan<ushort> distances, ushort within, int kindMask, ReadOnlySpan<sbyte> q, PriorityQueue<int, float> top, int slots)
    {
        var slot = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var cut = Vector256.Create(within);
            for (; slot <= distances.Length - Vector256<ushort>.Count; slot += Vector256<ushort>.Count)
            {
                var near = Vector256.LessThanOrEqual(Vector256.Create(distances.Slice(slot, Vector256<ushort>.Count)), cut).ExtractMostSignificantBits();
                while (near != 0)
                {
                    Score(slot + BitOperations.TrailingZeroCount(near), kindMask, q, top, slots);
                    near &= near - 1;
                }
            }
        }

        for (; slot < distances.Length; slot++)
        {
            if (distances[slot] <= within)
            {
                Score(slot, kindMask, q, top, slots);
            }
        }
    }

    /// <summary>
    /// The prefilter as it was before <see cref="Prefiltered"/> (one histogram, a branch per slot, a second pass over every
    /// distance): kept as the reference the faster one is tested and timed against (<see cref="VectorScan.PrefilterBefore"/>).
    /// </summary>
    private void PrefilteredBefore(int kindMask, ReadOnlySpan<sbyte> q, ReadOnlySpan<ulong> queryBits, PriorityQueue<int, float> top, int slots)
    {
        var distances = ArrayPool<ushort>.Shared.Rent(Count);
        var histogram = new int[dimensions + 1];
        try
        {
            Distances(0, _blocks.Count, kindMask, queryBits.ToArray(), distances, histogram);

            var wanted = RescoredFor(slots);
            var within = 0;
            var covered = 0;
            for (; within < histogram.Length - 1 && covered + histogram[within] < wanted; within++)
            {
                covered += histogram[within];
            }

            for (var slot = 0; slot < Count; slot++)
            {
                if (distances[slot] <= within)
                {
                    Score(slot, kindMask, q, top, slots);
                }
            }
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(distances);
        }
    }

    /// <summary>
    /// The sign-bit distance of every slot in blocks [<paramref name="from"/>, <paramref name="to"/>) into
    /// <paramref name="distances"/> (<see cref="ushort.MaxValue"/> for another kind) and counted in <paramref name="histogram"/>.
    /// Reads each block's kinds (a byte a slot) and sign bits only.
    /// </summary>
    private void Distances(int from, int to, int kindMask, ulong[] queryBits, ushort[] distances, int[] histogram)
    {
        for (var b = from; b < to; b++)
        {
            var block = _blocks[b];
            var inBlock = Math.Min(BlockSlots, Count - b * BlockSlots);
            var bits = block.Bits.AsSpan(0, inBlock * _words);
            var kinds = block.Kinds.AsSpan(0, inBlock);
            var into = distances.AsSpan(b * BlockSlots, inBlock);
            if (_words == 6)
            {
                // 384 dimensions (the packaged models): six words a slot, unrolled; the spans' lengths let the JIT drop bounds checks.
                ulong q0 = queryBits[0], q1 = queryBits[1], q2 = queryBits[2], q3 = queryBits[3], q4 = queryBits[4], q5 = queryBits[5];
                for (var at = 0; at < kinds.Length; at++)
                {
                    if ((kindMask & (1 << kinds[at])) == 0)
                    {
                        into[at] = ushort.MaxValue;
                        continue;
                    }

                    var slot = bits.Slice(at * 6, 6);
                    var d = BitOperations.PopCount(slot[0] ^ q0) + BitOperations.PopCount(slot[1] ^ q1) + BitOperations.PopCount(slot[2] ^ q2)
                            + BitOperations.PopCount(slot[3] ^ q3) + BitOperations.PopCount(slot[4] ^ q4) + BitOperations.PopCount(slot[5] ^ q5);
                    into[at] = (ushort)d;
                    histogram[d]++;
                }

                continue;
            }

            for (var at = 0; at < kinds.Length; at++)
            {
                ushort distance = ushort.MaxValue;
                if ((kindMask & (1 << kinds[at])) != 0)
                {
                    var d = 0;
                    var offset = at * _words;
                    for (var w = 0; w < queryBits.Length; w++)
                    {
                        d += BitOperations.PopCount(bits[offset + w] ^ queryBits[w]);
                    }

                    distance = (ushort)d;
                    histogram[d]++;
                }

                into[at] = distance;
            }
        }
    }

    private void Score(int slot, int kindMask, ReadOnlySpan<sbyte> q, PriorityQueue<int, float> top, int slots)
    {
        var (block, at) = Locate(slot);
        var info = block.Info[at];
        if ((kindMask & (1 << (int)info.Kind)) == 0)
        {
            return;
        }

        var score = Int8Vectors.Dot(q, block.Vectors.AsSpan(at * dimensions, dimensions)) * info.Scale;
        if (top.Count < slots)
        {
            top.Enqueue(slot, score);
        }
        else if (top.TryPeek(out _, out var worst) && score > worst)
        {
            top.DequeueEnqueue(slot, score);
        }
    }

    private (Block Block, int At) Locate(int slot) => (_blocks[slot / BlockSlots], slot % BlockSlots);

    /// <summary>Bit i of the result is set when component i is positive.</summary>
    private static void SignBits(ReadOnlySpan<sbyte> vector, Span<ulong> into)
    {
        into.Clear();
        for (var i = 0; i < vector.Length; i++)
        {
            if (vector[i] > 0)
            {
                into[i / 64] |= 1UL << (i % 64);
            }
        }
    }

    /// <param name="Key"><c>doc_id · 2 + part</c>.</param>
    private readonly record struct SlotInfo(long Key, long Seq, float Scale, SearchKind Kind);

    private sealed class Block(int dimensions, int words)
    {
        public sbyte[] Vectors { get; } = new sbyte[BlockSlots * dimensions];

        public ulong[] Bits { get; } = new ulong[BlockSlots * words];

        public SlotInfo[] Info { get; } = new SlotInfo[BlockSlots];

        /// <summary>Each slot's <see cref="SearchKind"/> as a byte: the prefilter reads these, not the 24-byte <see cref="Info"/>.</summary>
        public byte[] Kinds { get; } = new byte[BlockSlots];
    }
}

/// <summary>How <see cref="TeamVectors.Nearest"/> finds the nearest vectors.</summary>
internal enum VectorScan
{
    /// <summary>What search uses: above <see cref="TeamVectors.PrefilterFrom"/> vectors, the sign-bit prefilter, then exact int8 scores.</summary>
    Prefilter,

    /// <summary>Every vector scored exactly: the reference the prefilter's recall is measured against.</summary>
    Exact,

    /// <summary>The prefilter before its 2026-11-30 speed-up: the same results by construction, kept for tests and timings.</summary>
    PrefilterBefore,
}
