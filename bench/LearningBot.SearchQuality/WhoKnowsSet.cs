using System.Text.RegularExpressions;

namespace LearningBot.SearchQuality;

/// <summary>How a post of the corpus enters the team: a shared answer (<c>share q :: a</c>) or a learning (<c>learned …</c>).</summary>
public enum ContributionKind { SharedAnswer, Learning, PrivateLearning }

/// <summary>The two shapes of topic asked: a whole rephrasing, or the 2-4 words people type (<see cref="WhoKnowsSet.TopicWords"/>).</summary>
public enum TopicShape { Rephrasing, TopicWords }

/// <summary>
/// One post as somebody's contribution. <see cref="Text"/> is what a learning stores (the question, then the answer); a shared
/// answer stores <see cref="Question"/> and <see cref="Answer"/> apart.
/// </summary>
public sealed record Contribution(string Id, string TeamId, string PersonId, int Thread, ContributionKind Kind, string Question, string Answer)
{
    public string Text => $"{Question} — {Answer}";
}

/// <summary>
/// One <c>who knows &lt;topic&gt;</c> to ask in <see cref="WhoKnowsSet.Team"/>. <see cref="Expected"/>: the public authors of the
/// thread's posts (any of them is a right answer); <see cref="MustNotName"/>: people whose naming is a leak (the other team's people,
/// the author of private learnings who has no public post in the thread). The two never overlap.
/// </summary>
public sealed record WhoKnowsTopic(string Text, int Thread, TopicShape Shape, IReadOnlySet<string> Expected, IReadOnlySet<string> MustNotName);

/// <summary>
/// A <c>who knows</c> quality set derived deterministically from a stackfaq-format set, whose posts have no authors
/// (/work/shared/data/stackfaq/README.md). The rule (docs/search.md, "`who knows` quality"):
/// <list type="bullet">
/// <item>48 people (<c>UQ001</c>…<c>UQ048</c>). Thread <c>i</c> (post ids <c>sfNNNN</c>, <c>sfNNNN-k</c>) has 1 + (i mod 3) knowers
/// (at most its number of posts); knower m is person ((i − 1)·5 + 17·m) mod 48 + 1, so consecutive threads have different people and
/// everyone knows about five topics.</item>
/// <item>The thread's post j (0 for <c>sfNNNN</c>, k − 1 for <c>sfNNNN-k</c>) is written by knower j mod (knowers): post 0 and every
/// even j as a shared answer, odd j as a learning ("question — answer").</item>
/// <item><see cref="PrivateAuthor"/>, a 49th member who writes nothing public, logged a private learning (<c>learned --private</c>) of
/// post 0's text (question and best answer) on every 10th thread: they must never be named (a person with public posts too could be
/// named fairly for a neighbouring thread, so their naming would not tell a leak).</item>
/// <item>A second team (<see cref="OtherTeam"/>) holds the same public contributions, by <c>UG001</c>…<c>UG048</c>: never named.</item>
/// </list>
/// </summary>
public sealed record WhoKnowsSet(IReadOnlyList<Contribution> Contributions, IReadOnlyList<WhoKnowsTopic> Topics)
{
    public const string Team = "quality";
    public const string OtherTeam = "globex";
    public const int People = 48;
    public const string PrivateAuthor = "UQ049";

    /// <summary>The person who asks every topic: in the team, author of nothing.</summary>
    public const string Asker = "UQ100";

    private static readonly Regex PostId = new(@"^sf(?<thread>\d{4})(-(?<k>\d+))?$", RegexOptions.CultureInvariant);

    /// <summary>Derives contributions and topics. Throws <see cref="InvalidDataException"/> for a post id not in the stackfaq form.</summary>
    public static WhoKnowsSet Derive(EvaluationSet set)
    {
        var posts = set.Corpus.Select(p => (Post: p, Id: Parse(p.Id))).ToList();
        var postsPerThread = posts.GroupBy(p => p.Id.Thread).ToDictionary(g => g.Key, g => g.Count());
        var contributions = new List<Contribution>();
        foreach (var (post, (thread, j)) in posts)
        {
            var knowers = Knowers(thread, postsPerThread[thread]);
            var person = knowers[j % knowers.Count];
            var kind = j == 0 || j % 2 == 0 ? ContributionKind.SharedAnswer : ContributionKind.Learning;
            contributions.Add(new Contribution(post.Id, Team, Person(Team, person), thread, kind, post.Question, post.Answer));
            contributions.Add(new Contribution("g-" + post.Id, OtherTeam, Person(OtherTeam, person), thread, kind, post.Question, post.Answer));
            if (j == 0 && thread % 10 == 0)
            {
                contributions.Add(new Contribution("private-" + post.Id, Team, PrivateAuthor, thread, ContributionKind.PrivateLearning,
                    post.Question, post.Answer));
            }
        }

        var expected = contributions.Where(c => c.TeamId == Team && c.Kind != ContributionKind.PrivateLearning)
            .GroupBy(c => c.Thread).ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(c => c.PersonId).ToHashSet(StringComparer.Ordinal));
        var otherTeam = Enumerable.Range(1, People).Select(n => Person(OtherTeam, n)).ToHashSet(StringComparer.Ordinal);
        IReadOnlySet<string> MustNotName(int thread) => contributions
            .Where(c => c.Kind == ContributionKind.PrivateLearning && !expected[thread].Contains(c.PersonId))
            .Select(c => c.PersonId).Concat(otherTeam).ToHashSet(StringComparer.Ordinal);

        var frequency = DocumentFrequency(set.Corpus);
        var topics = new List<WhoKnowsTopic>();
        var seen = new HashSet<(int, string)>();
        foreach (var query in set.Queries)
        {
            var thread = Parse(query.Relevant[0]).Thread;
            topics.Add(new WhoKnowsTopic(query.Text, thread, TopicShape.Rephrasing, expected[thread], MustNotName(thread)));
            if (TopicWords(query.Text, frequency) is { } words && seen.Add((thread, words)))
            {
                topics.Add(new WhoKnowsTopic(words, thread, TopicShape.TopicWords, expected[thread], MustNotName(thread)));
            }
        }

        return new WhoKnowsSet(contributions, topics);
    }

    /// <summary>
    /// The words a person types after <c>who knows</c>: the query's content words (build.py's rule: lower-cased <c>[a-z0-9]+('[a-z]+)?</c>
    /// tokens, not in its stop list of function and question-template words, 2+ characters, not all digits), each once; when there are
    /// more than 4, the 4 rarest in the corpus (fewest posts holding them; ties: the earlier), always in the query's order. Null when fewer
    /// than 2 content words remain ("Deleting FB acc." → "deleting fb acc"; a query of one content word is asked only whole).
    /// </summary>
    public static string? TopicWords(string query, IReadOnlyDictionary<string, int> documentFrequency)
    {
        var words = ContentWords(query).Distinct(StringComparer.Ordinal).ToList();
        if (words.Count < 2)
        {
            return null;
        }

        var kept = words.Select((w, i) => (w, i)).OrderBy(p => documentFrequency.GetValueOrDefault(p.w)).ThenBy(p => p.i).Take(4)
            .OrderBy(p => p.i).Select(p => p.w);
        return string.Join(' ', kept);
    }

    /// <summary>How many posts (question and answer) hold each content word.</summary>
    public static IReadOnlyDictionary<string, int> DocumentFrequency(IEnumerable<CorpusPost> corpus) => corpus
        .SelectMany(p => ContentWords(p.Question + " " + p.Answer).Distinct(StringComparer.Ordinal))
        .GroupBy(w => w, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>A person's id in a team: <c>UQ001</c> in <see cref="Team"/>, <c>UG001</c> in <see cref="OtherTeam"/> (Slack-style user ids).</summary>
    public static string Person(string team, int number) => $"U{(team == Team ? 'Q' : 'G')}{number:D3}";

    /// <summary>The thread's knowers' numbers (1..48), primary first.</summary>
    public static IReadOnlyList<int> Knowers(int thread, int posts) => Enumerable.Range(0, Math.Min(1 + thread % 3, posts))
        .Select(m => ((thread - 1) * 5 + 17 * m) % People + 1).ToList();

    private static (int Thread, int Post) Parse(string id)
    {
        var match = PostId.Match(id);
        if (!match.Success)
        {
            throw new InvalidDataException($"post id '{id}' is not sfNNNN or sfNNNN-k: the who-knows set needs the stackfaq ids");
        }

        var k = match.Groups["k"].Success ? int.Parse(match.Groups["k"].Value, System.Globalization.CultureInfo.InvariantCulture) : 1;
        return (int.Parse(match.Groups["thread"].Value, System.Globalization.CultureInfo.InvariantCulture), k - 1);
    }

    private static IEnumerable<string> ContentWords(string text) => Token.Matches(text.ToLowerInvariant()).Select(m => m.Value)
        .Where(t => t.Length >= 2 && !StopWords.Contains(t) && !t.All(char.IsAsciiDigit));

    private static readonly Regex Token = new("[a-z0-9]+(?:'[a-z]+)?", RegexOptions.CultureInvariant);

    // /work/shared/data/stackfaq/build.py's STOPWORDS: function words plus question-template words.
    private static readonly HashSet<string> StopWords = new("""
        a about above after again against all also am an and any anyone anything anyway are
        aren't as at be because been before being below between both but by can can't cannot
        could couldn't did didn't do does doesn't doing don't done down during each either else
        even ever every few for from further get gets getting got had hadn't has hasn't have
        haven't having he her here hers herself him himself his how i i'd i'll i'm i've if in
        into is isn't it it's its itself just let let's like many may me might mine more most
        much must my myself need needs no nor not now of off on once one only or other our ours
        ourselves out over own please possible same shall she should shouldn't so some someone
        something such than that that's the their theirs them themselves then there there's
        these they they're thing things this those through to too under until up upon us use
        used using very want wanted wants was wasn't way ways we were weren't what what's when
        where which while who whom whose why will with within without won't would wouldn't yes
        yet you you'd you're your yours yourself able best easy easiest good know help make
        making whats
        """.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
}

/// <summary>
/// Person-level scores of one row: hit@1 (the first person named is an expected one), hit@3 (one among the first 3), MRR (1 / rank of the
/// first expected person among those named, 0 if none), people named on average, the share of topics where nobody was named, and leaks. A topic whose answer names anyone in
/// <see cref="WhoKnowsTopic.MustNotName"/> is a <b>violation</b>: counted, kept as an example, and scored 0 whatever else it named, so a
/// leak can never count as a hit.
/// </summary>
public sealed class PeopleScores
{
    private readonly List<string> _violations = [];
    private int _count;
    private int _first;
    private int _top3;
    private double _reciprocal;
    private long _named;
    private int _nobody;

    public int Count => _count;

    public double HitAt1 => _first / (double)Math.Max(_count, 1);

    public double HitAt3 => _top3 / (double)Math.Max(_count, 1);

    public double Mrr => _reciprocal / Math.Max(_count, 1);

    public double MeanNamed => _named / (double)Math.Max(_count, 1);

    /// <summary>Share of topics answered "Nobody has written about that yet" (no one named).</summary>
    public double Nobody => _nobody / (double)Math.Max(_count, 1);

    /// <summary>"person for 'topic'" per leaking topic.</summary>
    public IReadOnlyList<string> Violations => _violations;

    /// <summary>Scores the people one answer named, in its order (ids as the reply's mentions carry them).</summary>
    public void Add(WhoKnowsTopic topic, IReadOnlyList<string> named)
    {
        _count++;
        _named += named.Count;
        _nobody += named.Count == 0 ? 1 : 0;
        var leaked = named.Where(topic.MustNotName.Contains).ToList();
        if (leaked.Count > 0)
        {
            _violations.Add($"{string.Join(", ", leaked)} for '{topic.Text}'");
            return;
        }

        var rank = named.Select((id, i) => (id, i)).FirstOrDefault(p => topic.Expected.Contains(p.id), (id: "", i: -1)).i;
        _first += rank == 0 ? 1 : 0;
        _top3 += rank is >= 0 and < 3 ? 1 : 0;
        _reciprocal += rank >= 0 ? 1.0 / (rank + 1) : 0;
    }

    public override string ToString() => $"{HitAt1,7:P1} {HitAt3,7:P1} {Mrr,6:F3} {MeanNamed,6:F2} {Nobody,7:P1} {_violations.Count,5}";
}
