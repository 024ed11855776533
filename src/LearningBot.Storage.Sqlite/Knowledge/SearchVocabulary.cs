using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge;

/// <summary>
/// The FTS index's vocabulary (every stemmed term with the number of documents holding it, all teams together) held in memory as
/// a sorted array per database, so <see cref="TypoAlternatives"/>' term ranges and the any-word fallback's word frequencies are
/// binary searches instead of <c>search_vocab</c> (fts5vocab) queries, which read every doclist in the range: 1.5–9 ms per
/// two-letter range at 100,000 + 100,000 documents (docs/performance.md, "Search by meaning at 100,000 + 100,000").
/// </summary>
/// <remarks>
/// <para>It is read in the background (a whole-vocabulary read: ~0.3 s of CPU at that size) the first time a search asks for it
/// and again whenever the index has changed since, at most once per <see cref="RefreshInterval"/>. Whether the index changed is
/// one point read of FTS5's structure record (<c>search_fts_data</c> row 10, rewritten by every write transaction that touches
/// the index; sqlite.org/src/file/ext/fts5/fts5_index.c).</para>
/// <para>A snapshot that is current is exact. A stale one is used only for a large index (from <see cref="UseStaleFrom"/>
/// documents, where the SQL ranges cost milliseconds): then a correction can miss a word written since the last read (at most
/// a minute old while searches keep coming; after a quiet spell, the first search after it still gets the old read while the
/// new one runs), and a frequency is off by that much. It never adds another team's words: the
/// vocabulary only proposes candidates, and each is still checked against the team's own documents. Below that size, and until
/// the first read is done, callers get null and use the SQL ranges.</para>
/// </remarks>
internal sealed class SearchVocabulary(SqliteDatabase database, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private Snapshot? _current;
    private Task? _refreshing;
    private long _lastStarted = long.MinValue;

    /// <summary>Least time between two background reads while the index keeps changing. Default one minute.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Documents (as of the last read) from which a stale snapshot is still used. Default 20,000.</summary>
    public long UseStaleFrom { get; set; } = 20_000;

    /// <summary>False: never used (every search takes the SQL ranges); for the benchmark's before/after. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many times the whole vocabulary has been read (tests and the benchmark).</summary>
    public int Reads { get; private set; }

    /// <summary>How many searches were given a snapshot (tests).</summary>
    public int Served => Volatile.Read(ref _served);

    private int _served;

    /// <summary>
    /// The snapshot to use for this search on <paramref name="connection"/>, or null (use the SQL ranges). Starts a background
    /// read when there is none yet or the index has changed since the last one.
    /// </summary>
    public async Task<Snapshot?> GetAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return null;
        }

        var stamp = await StampAsync(connection, cancellationToken);
        var current = Volatile.Read(ref _current);
        if (current is not null && current.Stamp.AsSpan().SequenceEqual(stamp))
        {
            Interlocked.Increment(ref _served);
            return current;
        }

        StartRefresh();
        if (current is not null && current.Documents >= UseStaleFrom)
        {
            Interlocked.Increment(ref _served);
            return current;
        }

        return null;
    }

    /// <summary>Reads the vocabulary now (waits for a read already running); for tests and start-up.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _lastStarted = _time.GetTimestamp();
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await ReadAsync(connection, cancellationToken);
    }

    private void StartRefresh()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_refreshing is { IsCompleted: false } ||
                (_lastStarted != long.MinValue && _time.GetElapsedTime(_lastStarted, now) < RefreshInterval && _current is not null))
            {
                return;
            }

            // Not in the caller's flow: inside a unit of work (SqliteDatabase.InOneTransactionAsync) OpenAsync would hand the read
            // the unit's own connection, in use by the request.
            using var _ = ExecutionContext.SuppressFlow();
            _refreshing = Task.Run(async () =>
            {
                try
                {
                    await RefreshAsync(CancellationToken.None);
                }
                catch (Exception e) when (e is SqliteException or ObjectDisposedException or IOException or InvalidOperationException)
                {
                    // The file went away (a test's temp folder) or is busy: the SQL ranges serve until the next try.
                }
            });
        }
    }

    private async Task ReadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // The stamp first: a write between the two reads leaves a snapshot newer than its stamp, so it is just read again.
        var stamp = await StampAsync(connection, cancellationToken);
        var terms = await connection.QueryAsync("SELECT term, doc FROM search_vocab", null,
            r => (Term: r.GetString(0), Documents: r.GetInt64(1)), cancellationToken);
        var documents = Convert.ToInt64(await connection.ScalarAsync("SELECT coalesce(max(rowid), 0) FROM search_fts", null, cancellationToken));
        var snapshot = Snapshot.Create(stamp, documents, terms);
        lock (_gate)
        {
            Volatile.Write(ref _current, snapshot);
            Reads++;
        }
    }

    private static async Task<byte[]> StampAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        await connection.ScalarAsync("SELECT block FROM search_fts_data WHERE id = 10", null, cancellationToken) as byte[] ?? [];

    /// <summary>One read of the vocabulary: terms in ordinal order with their document counts.</summary>
    internal sealed class Snapshot
    {
        private readonly string[] _terms;
        private readonly long[] _documents;
        private readonly long[] _cumulative; // _cumulative[i] = documents of terms before i

        private Snapshot(byte[] stamp, long documents, string[] terms, long[] termDocuments)
        {
            Stamp = stamp;
            Documents = documents;
            _terms = terms;
            _documents = termDocuments;
            _cumulative = new long[terms.Length + 1];
            for (var i = 0; i < terms.Length; i++)
            {
                _cumulative[i + 1] = _cumulative[i] + termDocuments[i];
            }
        }

        /// <summary>FTS5's structure record when the snapshot was read.</summary>
        public byte[] Stamp { get; }

        /// <summary>The index's largest rowid when read: about the number of documents.</summary>
        public long Documents { get; }

        public int Count => _terms.Length;

        internal static Snapshot Create(byte[] stamp, long documents, IReadOnlyList<(string Term, long Documents)> rows)
        {
            var sorted = rows.OrderBy(r => r.Term, StringComparer.Ordinal).ToArray();
            return new Snapshot(stamp, documents, sorted.Select(r => r.Term).ToArray(), sorted.Select(r => r.Documents).ToArray());
        }

        /// <summary>Terms <c>&gt;= from</c> and <c>&lt; to</c> (ordinal) with their document counts, in order.</summary>
        public IEnumerable<(string Term, long Documents)> Range(string from, string to)
        {
            for (var i = LowerBound(from); i < _terms.Length && string.CompareOrdinal(_terms[i], to) < 0; i++)
            {
                yield return (_terms[i], _documents[i]);
            }
        }

        /// <summary>Documents summed over every term starting with <paramref name="prefix"/> (an upper bound on the documents it matches).</summary>
        public long DocumentsWithPrefix(string prefix)
        {
            var from = LowerBound(prefix);
            var to = from;
            // Terms with the prefix are contiguous from its lower bound; find their end by binary search too.
            var (lo, hi) = (from, _terms.Length);
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_terms[mid].StartsWith(prefix, StringComparison.Ordinal))
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            to = lo;
            return _cumulative[to] - _cumulative[from];
        }

        /// <summary>Documents holding exactly <paramref name="term"/>.</summary>
        public long DocumentsOf(string term)
        {
            var i = LowerBound(term);
            return i < _terms.Length && _terms[i] == term ? _documents[i] : 0;
        }

        private int LowerBound(string value)
        {
            var (lo, hi) = (0, _terms.Length);
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (string.CompareOrdinal(_terms[mid], value) < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }
}
