using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Time;

namespace LearningBot.Core.Insights;

/// <summary>Everything a team did in a window: the raw input of every metric.</summary>
public sealed record TeamActivity(
    IReadOnlyList<Member> Members,
    IReadOnlyList<LearningEntry> Learnings,
    IReadOnlyList<KudosGift> Kudos,
    IReadOnlyList<KnowledgePost> SharedAnswers,
    IReadOnlyList<AskedQuestion> Questions)
{
    /// <summary>Away periods that overlap the window: those away who took no part are left out of participation (<see cref="Away.AwayRules"/>).</summary>
    public IReadOnlyList<global::LearningBot.Core.Away.AwayPeriod> Away { get; init; } = [];
}

/// <param name="Learnings">Learnings logged that week, private ones included (an anonymous total).</param>
/// <param name="Participants">People who logged at least one learning that week, private ones included (an anonymous total).</param>
/// <param name="ParticipationRate">
/// Share of the team's members who logged at least one learning that week (0..1); members away that week who logged
/// nothing are not counted (<see cref="Away.AwayRules"/>).
/// </param>
/// <param name="MinutesLogged">Minutes of the week's shared learnings; private minutes are the author's alone.</param>
/// <param name="PromptAnswers">Shared learnings that answered a standing-meeting prompt.</param>
public sealed record WeeklyInsight(
    DateTimeOffset WeekStart,
    int Learnings,
    int Participants,
    double ParticipationRate,
    int MinutesLogged,
    int KudosGiven,
    int SharedAnswers,
    int Questions,
    int QuestionsAnswered,
    int PromptAnswers);

public sealed record RecognitionEdge(string GiverId, string ReceiverId, int Count);

/// <param name="Label">The most common wording of the question (<see cref="QuestionGroup.Label"/>).</param>
/// <param name="Count">How many times it was asked, paraphrases included.</param>
public sealed record TopicCount(string Label, int Count);

/// <summary>Answers the bot offered in channels (<c>settings answers on</c>) and what people said about them.</summary>
public sealed record AnswerOffers(int Offered, int Helped, int NotIt);

public sealed record TagExpert(string Tag, int Count, string? TopPersonId);

/// <param name="RecognitionSpread">Share of members who received any kudos in the window (0..1).</param>
/// <param name="RecognitionNetwork">Who thanked whom, and how often.</param>
/// <param name="UnansweredTopics">
/// Questions (groups of paraphrases, <see cref="QuestionGroups"/>) none of whose askings found its answer (confident top match not
/// rejected, or "This helped"): "write this down next".
/// </param>
/// <param name="Offers">Answers offered in channels in the window, and their "This helped" / "Not it".</param>
/// <param name="TopTags">Tags of shared learnings and shared answers (never of private learnings), with the person who used each most.</param>
public sealed record TeamInsights(
    IReadOnlyList<WeeklyInsight> Weeks,
    int MemberCount,
    double RecognitionSpread,
    IReadOnlyList<RecognitionEdge> RecognitionNetwork,
    IReadOnlyList<TopicCount> UnansweredTopics,
    IReadOnlyList<TagExpert> TopTags)
{
    public AnswerOffers Offers { get; init; } = new(0, 0, 0);
}

/// <summary>
/// Learning-culture signals computed from raw activity, so every number can be checked by hand.
/// Private learnings count only in the anonymous totals (learnings and participants, see <see cref="AnonymousTotals"/>):
/// never in minutes, prompt answers or tags, and never by name.
/// </summary>
public static class InsightsCalculator
{
    public static TeamInsights Compute(TeamActivity activity, DateTimeOffset now, TimeZoneInfo zone, int weeks)
    {
        var currentWeek = TeamClock.StartOfWeek(now, zone);
        var weekStarts = Enumerable.Range(0, weeks)
            .Select(i => TeamClock.StartOfWeek(currentWeek.AddDays(-7 * (weeks - 1 - i) + 3), zone))
            .ToList();
        var windowStart = weekStarts[0];
        DateTimeOffset WeekOf(DateTimeOffset instant) => TeamClock.StartOfWeek(instant, zone);

        var memberIds = activity.Members.Select(m => m.UserId)
            .Concat(activity.Learnings.Select(l => l.UserId))
            .ToHashSet(StringComparer.Ordinal);
        var memberCount = memberIds.Count;

        var weekly = weekStarts.Select(week =>
        {
            var learnings = activity.Learnings.Where(l => WeekOf(l.CreatedAt) == week).ToList();
            var participantIds = learnings.Select(l => l.UserId).ToHashSet(StringComparer.Ordinal);
            var participants = participantIds.Count;
            var counted = Away.AwayRules.CountedMembers(memberIds, participantIds, activity.Away, week, TeamClock.StartOfWeek(week.AddDays(8), zone)).Count;
            var questions = activity.Questions.Where(q => WeekOf(q.CreatedAt) == week).ToList();
            return new WeeklyInsight(
                week,
                learnings.Count,
                participants,
                counted == 0 ? 0 : (double)participants / counted,
                learnings.Shareable().Sum(l => l.Minutes ?? 0),
                activity.Kudos.Where(k => WeekOf(k.CreatedAt) == week).Sum(k => k.ReceiverIds.Count),
                activity.SharedAnswers.Count(p => WeekOf(p.CreatedAt) == week),
                questions.Count,
                questions.Count(q => q.Answered),
                learnings.Shareable().Count(l => l.OccurrenceId is not null));
        }).ToList();

        var kudosInWindow = activity.Kudos.Where(k => k.CreatedAt >= windowStart).ToList();
        var receivers = kudosInWindow.SelectMany(k => k.ReceiverIds).ToHashSet(StringComparer.Ordinal);
        var network = kudosInWindow
            .SelectMany(k => k.ReceiverIds.Select(r => (k.GiverId, Receiver: r)))
            .GroupBy(e => e)
            .Select(g => new RecognitionEdge(g.Key.GiverId, g.Key.Receiver, g.Count()))
            .OrderByDescending(e => e.Count).ThenBy(e => e.GiverId, StringComparer.Ordinal).ThenBy(e => e.ReceiverId, StringComparer.Ordinal)
            .ToList();

        var offers = activity.Questions.Where(q => q.CreatedAt >= windowStart && q.Origin == QuestionOrigin.Channel).ToList();
        return new TeamInsights(
            weekly,
            memberCount,
            memberCount == 0 ? 0 : (double)receivers.Count(memberIds.Contains) / memberCount,
            network,
            UnansweredTopics(activity.Questions.Where(q => q.CreatedAt >= windowStart)),
            TopTags(activity.Learnings.Shareable().Where(l => l.CreatedAt >= windowStart), activity.SharedAnswers.Where(p => p.CreatedAt >= windowStart)))
        {
            Offers = new AnswerOffers(offers.Count, offers.Count(q => q.Verdict == AnswerVerdict.Helped), offers.Count(q => q.Verdict == AnswerVerdict.NotIt)),
        };
    }

    /// <summary>Questions grouped by meaning (<see cref="QuestionGroups"/>) that never found their answer; the most asked first.</summary>
    private static List<TopicCount> UnansweredTopics(IEnumerable<AskedQuestion> questions) =>
        QuestionGroups.Group(questions)
            .Where(g => !g.Answered)
            .Select(g => new TopicCount(g.Label, g.Questions.Count))
            .OrderByDescending(t => t.Count).ThenBy(t => t.Label, StringComparer.Ordinal)
            .Take(10)
            .ToList();

    private static List<TagExpert> TopTags(IEnumerable<LearningEntry> learnings, IEnumerable<KnowledgePost> posts)
    {
        var uses = learnings.SelectMany(l => l.Tags.Select(t => (Tag: t, Person: l.UserId)))
            .Concat(posts.SelectMany(p => p.Tags.Select(t => (Tag: t, Person: p.AuthorId))));
        return uses
            .GroupBy(u => u.Tag, StringComparer.Ordinal)
            .Select(g => new TagExpert(g.Key, g.Count(), g
                .GroupBy(u => u.Person, StringComparer.Ordinal)
                .OrderByDescending(p => p.Count()).ThenBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => p.Key).FirstOrDefault()))
            .OrderByDescending(t => t.Count).ThenBy(t => t.Tag, StringComparer.Ordinal)
            .Take(10)
            .ToList();
    }
}
