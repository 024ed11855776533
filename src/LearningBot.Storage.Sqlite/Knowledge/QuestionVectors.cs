namespace LearningBot.Storage.Sqlite.Knowledge;

/// <summary>
/// The vectors of each team's recent questions in memory, by question id, so the read <c>ask</c> groups a question with (the
/// team's up to 500 questions of the last 90 days, <see cref="Core.Knowledge.QuestionMatcher.RecentQuestions"/>) does not copy
/// ~1.5 KB of float32 per question out of SQLite and into a new array on every ask (docs/performance.md, issue 14).
/// <para>
/// Only the vector (or that there is none: semantic search off) is kept, never whether a question exists or what it says: a question's vector is written once, with the
/// question (<see cref="SqliteQuestionRepository.AddAsync"/> is the only write of that column), so a cached vector is always the
/// stored one for as long as the row exists, and each read still takes the rows (ids, text, verdicts, groups) from SQLite. A
/// question deleted by <c>forget me</c>, retention or another process is therefore never returned; its vector leaves memory at
/// the team's next read, which keeps only the ids it returned. A question written by another process is read from the file
/// the first time it is seen.
/// </para>
/// </summary>
internal sealed class QuestionVectors
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, ReadOnlyMemory<float>?>> _teams = new(StringComparer.Ordinal);

    /// <summary>The team's cached vectors now (a snapshot: never changed after it is handed out).</summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<float>?> Of(string teamId)
    {
        lock (_lock)
        {
            return _teams.TryGetValue(teamId, out var vectors) ? vectors : [];
        }
    }

    /// <summary>Replaces the team's vectors by <paramref name="vectors"/> (what its last read returned).</summary>
    public void Replace(string teamId, Dictionary<string, ReadOnlyMemory<float>?> vectors)
    {
        lock (_lock)
        {
            _teams[teamId] = vectors;
        }
    }

    /// <summary>Adds a question just written (copy on write: snapshots handed out stay as they were).</summary>
    public void Add(string teamId, string questionId, ReadOnlyMemory<float>? vector)
    {
        lock (_lock)
        {
            var next = _teams.TryGetValue(teamId, out var vectors)
                ? new Dictionary<string, ReadOnlyMemory<float>?>(vectors, StringComparer.Ordinal)
                : new Dictionary<string, ReadOnlyMemory<float>?>(StringComparer.Ordinal);
            next[questionId] = vector;
            _teams[teamId] = next;
        }
    }

    /// <summary>Questions cached over all teams (tests and memory figures).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _teams.Values.Sum(t => t.Count);
            }
        }
    }
}
