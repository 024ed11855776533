using LearningBot.Core.Knowledge;

namespace LearningBot.Storage.Sqlite.Knowledge;

/// <summary>
/// Each team's recent questions in memory (<see cref="RecentQuestions"/>: the rows <c>ask</c> groups a new question with, up to
/// <see cref="QuestionMatcher.RecentQuestions"/> of the last 90 days), so an <c>ask</c> does not read 500 rows (~3 ms, up to
/// 8–13 ms at p95 under load: docs/performance.md, issue 14) before its lexical half, on the request's critical path.
/// <para>
/// Kept true to the file by two cheap reads per use, like <see cref="Semantic.SqliteVectorCache"/> does for vectors: the stamps
/// (<see cref="ChangeStamp"/>, rewritten at random by triggers on every UPDATE or DELETE of the team's questions: verdicts,
/// <c>forget me</c>, by any process; and on any deletion in the file) and the rows inserted since (by <c>rowid</c>, by any
/// process). A new stamp reads the window again; a new row is merged in. Only committed rows are ever held: a read on a unit of
/// work's connection (which sees its own uncommitted writes) is not kept (<see cref="SqliteQuestionRepository.ListSinceAsync"/>).
/// SQLite's documentation says <c>VACUUM</c> may renumber the rowids of a table without an INTEGER PRIMARY KEY; the bot never
/// runs it, and one run by hand on such a table with a gap kept them (SQLite 3.40, checked 2026-11-30).
/// </para>
/// </summary>
/// <param name="maxTeams">Teams held at most; past it the team read longest ago is dropped (its next read reads its window again).
/// Up to ~0.9 MB per team (500 questions with a 1.5 KB float32 vector each), so the default bounds it near 230 MB for a host
/// serving many busy teams; most teams ask far fewer than 500 questions in 90 days.</param>
internal sealed class RecentQuestionCache(int maxTeams = RecentQuestionCache.DefaultMaxTeams)
{
    /// <summary>The default bound on teams held.</summary>
    public const int DefaultMaxTeams = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, RecentQuestions> _teams = new(StringComparer.Ordinal);

    /// <summary>Times the whole window was read from the file (first read of a team, or after a change stamp moved): for tests.</summary>
    public int WindowReads => Volatile.Read(ref _windowReads);

    private int _windowReads;

    /// <summary>The team's held questions, or null.</summary>
    public RecentQuestions? Of(string teamId)
    {
        lock (_lock)
        {
            return _teams.GetValueOrDefault(teamId);
        }
    }

    /// <summary>
    /// Keeps <paramref name="questions"/> for the team unless what is held already saw more of the file (a later stamp read or
    /// more rows): two asks of one team at once each store what they read, and the newer stays.
    /// </summary>
    public void Put(string teamId, RecentQuestions questions)
    {
        lock (_lock)
        {
            if (_teams.TryGetValue(teamId, out var held) && held.ReadAt > questions.ReadAt)
            {
                return;
            }

            _teams[teamId] = questions;
            if (_teams.Count > maxTeams)
            {
                // Rare (a new team past the bound): a linear pass is cheaper than keeping an order on every read.
                _teams.Remove(_teams.MinBy(t => t.Value.ReadAt).Key);
            }
        }
    }

    /// <summary>Counts a read of the whole window (<see cref="WindowReads"/>).</summary>
    public void CountWindowRead() => Interlocked.Increment(ref _windowReads);

    /// <summary>Questions held over all teams (tests and memory figures).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _teams.Values.Sum(t => t.NewestFirst.Count);
            }
        }
    }
}

/// <summary>
/// What a holder compares to know nothing but inserts happened since its read (schema v15): <paramref name="Team"/>, the team's
/// <c>question_changes</c> stamp (any UPDATE or DELETE of its questions), and <paramref name="Deletions"/>, the file-wide
/// <c>question_deletions</c> stamp (any DELETE: SQLite may then give the next row, of any team, a rowid already passed). Null: never
/// changed.
/// </summary>
internal readonly record struct ChangeStamp(long? Team, long? Deletions);

/// <summary>A question held with its <c>rowid</c> (the tie-break after <see cref="AskedQuestion.CreatedAt"/>, as the window read orders).</summary>
internal readonly record struct HeldQuestion(AskedQuestion Question, long RowId);

/// <summary>
/// One team's questions as the file held them: the newest <see cref="Limit"/> created at or after <see cref="Since"/>, newest first
/// (created_at descending, then rowid ascending, as the window read orders), with their vectors; valid while the team's change
/// stamp is still <see cref="Stamp"/>, and complete up to row <see cref="LastRowId"/>.
/// </summary>
/// <param name="Stamp">The stamps read before the rows.</param>
/// <param name="LastRowId">Every row up to this <c>rowid</c> is reflected (rows after it are read as new).</param>
/// <param name="ReadAt">A process-wide sequence number of the read, to keep the newest of two concurrent reads.</param>
internal sealed record RecentQuestions(ChangeStamp Stamp, long LastRowId, DateTimeOffset Since, int Limit, IReadOnlyList<HeldQuestion> NewestFirst,
    long ReadAt)
{
    /// <summary>
    /// Whether a read of <paramref name="limit"/> questions from <paramref name="since"/> can be answered from here once the rows
    /// after <see cref="LastRowId"/> are merged: the stamp has not moved, the window starts no earlier and asks for no more rows.
    /// </summary>
    public bool Serves(ChangeStamp stamp, DateTimeOffset since, int limit) => stamp == Stamp && since >= Since && limit <= Limit;

    /// <summary>
    /// These questions with rows inserted since (<paramref name="added"/>) merged in: a row already held is replaced, then the
    /// window's newest <see cref="Limit"/> are kept.
    /// </summary>
    public RecentQuestions With(IReadOnlyList<HeldQuestion> added, long readAt)
    {
        var ids = added.Select(a => a.Question.Id).ToHashSet(StringComparer.Ordinal);
        var merged = NewestFirst.Where(h => !ids.Contains(h.Question.Id))
            .Concat(added.Where(a => a.Question.CreatedAt >= Since))
            .OrderByDescending(h => h.Question.CreatedAt).ThenBy(h => h.RowId)
            .Take(Limit)
            .ToList();
        return this with { NewestFirst = merged, LastRowId = Math.Max(LastRowId, added.Max(a => a.RowId)), ReadAt = readAt };
    }

    /// <summary>The newest <paramref name="limit"/> questions created at or after <paramref name="since"/>, newest first.</summary>
    public IReadOnlyList<AskedQuestion> Within(DateTimeOffset since, int limit) =>
        NewestFirst.TakeWhile(h => h.Question.CreatedAt >= since).Take(limit).Select(h => h.Question).ToList();
}
