namespace LearningBot.Storage.Sqlite.Knowledge;

/// <summary>
/// The BM25 rankings (rowid and rank, best first) of one command's lexical searches, kept while the command has not written anything
/// (<see cref="SqliteDatabase.BeforeUnitWrites{T}"/>). <c>ask</c> and the <c>who knows</c> suggestion inside it rank the same words in
/// the same team, and FTS5's <c>bm25()</c> first walks each phrase's whole doclist to count its rows, then scores every match: for
/// 3–6 common words at 100,000 + 100,000 that is 3–11 ms, paid twice (docs/performance.md, "The lexical worst case").
/// </summary>
/// <remarks>
/// Exact: a ranking is reused only for the same SQL and MATCH expressions, only while FTS5's structure record is the one it was ranked
/// under (another connection's commit that touched the index changes it; the command's own writes cannot happen, since the memo is
/// dropped at its first write), and only when it holds what is asked: as many rows, or every match (fewer rows than its limit). Rows
/// with the same score may come in another order than a new query would give them (SQLite does not order ties).
/// </remarks>
internal sealed class RankingMemo
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>How many rankings were served from the memo (tests and the benchmark).</summary>
    public int Reused { get; private set; }

    /// <summary>The first <paramref name="limit"/> rows of a ranking kept for <paramref name="key"/> under <paramref name="stamp"/>, or null.</summary>
    public IReadOnlyList<(long RowId, double Rank)>? Find(string key, byte[] stamp, int limit)
    {
        if (!_entries.TryGetValue(key, out var entry) || !entry.Stamp.AsSpan().SequenceEqual(stamp)
            || (limit > entry.Limit && entry.Ranked.Count == entry.Limit))
        {
            return null;
        }

        Reused++;
        return entry.Ranked.Count <= limit ? entry.Ranked : entry.Ranked.Take(limit).ToList();
    }

    /// <summary>Keeps a ranking made with <paramref name="limit"/> (replacing a shorter one).</summary>
    public void Keep(string key, byte[] stamp, int limit, IReadOnlyList<(long RowId, double Rank)> ranked)
    {
        if (!_entries.TryGetValue(key, out var entry) || entry.Limit < limit || !entry.Stamp.AsSpan().SequenceEqual(stamp))
        {
            _entries[key] = new Entry(stamp, limit, ranked);
        }
    }

    private sealed record Entry(byte[] Stamp, int Limit, IReadOnlyList<(long RowId, double Rank)> Ranked);
}
