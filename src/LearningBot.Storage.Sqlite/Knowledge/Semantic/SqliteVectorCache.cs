using LearningBot.Core.Knowledge;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge.Semantic;

/// <summary>A document found by meaning: its <c>search_fts</c> rowid, the vector row it was scored with, and the cosine similarity.</summary>
internal readonly record struct VectorMatch(long DocId, long Seq, double Similarity);

/// <summary>
/// The vectors of <c>search_vectors</c> in memory, per team (<see cref="TeamVectors"/>), for nearest-neighbour search: an exact
/// scan of the team's int8 vectors up to <see cref="TeamVectors.PrefilterFrom"/> vectors, above that a sign-bit prefilter whose
/// candidates are rescored exactly (recall against the exact scan: docs/performance.md). Each search first reads the rows written since the last one (by
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

    /// <summary>
    /// Reads every stored vector of <paramref name="model"/> into memory now (the host does this in the background right after
    /// start-up, so the first <c>ask</c> does not wait for it: ~360,000 vectors take seconds to read). Returns how many are held.
    /// </summary>
    public async Task<int> LoadAsync(string model, CancellationToken cancellationToken)
    {
        await RefreshAsync(model, cancellationToken);
        return Count;
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

                team.Put(reader.GetInt64(1), reader.GetInt32(2), seq, (SearchKind)reader.GetInt32(4), reader.GetFloat(5),
                    System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(vector));
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
    /// <param name="scan">How (<see cref="VectorScan"/>): the sign-bit prefilter search uses, or a reference to measure it against.</param>
    internal IReadOnlyList<VectorMatch> Nearest(string teamId, IReadOnlySet<SearchKind> kinds, ReadOnlySpan<float> query, int count,
        VectorScan scan = VectorScan.Prefilter)
    {
        TeamVectors? team;
        lock (_teamsLock)
        {
            _teams.TryGetValue(teamId, out team);
        }

        return team is null ? [] : team.Nearest(kinds, query, count, scan);
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
}
