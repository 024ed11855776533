using LearningBot.Core.Commands;

namespace LearningBot.Benchmarks;

/// <summary>Messages as the playground adapter produces them: mentions already normalised to &lt;@id&gt; tokens.</summary>
internal sealed class Messages(string teamId, int members)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private int _sequence;

    /// <summary>Each call is a new delivery (new idempotency key) from the next person in the team, round robin.</summary>
    public IncomingMessage From(string text, IReadOnlyList<MentionedMember>? mentions = null)
    {
        var n = Interlocked.Increment(ref _sequence);
        var user = Corpus.CorpusDatabase.MemberId(n % members);
        return new IncomingMessage(teamId, user, $"Person {n % members} of {teamId}", text, $"bench-{_run}-{n}")
        {
            Mentions = mentions ?? [],
        };
    }

    /// <summary>Someone other than the next sender: the sender of the following call is (n+1) % members.</summary>
    public MentionedMember SomeoneElse()
    {
        var index = (_sequence + members / 2) % members;
        return new MentionedMember(Corpus.CorpusDatabase.MemberId(index), $"Person {index} of {teamId}");
    }
}
