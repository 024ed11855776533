using LearningBot.Core.Insights;
using LearningBot.Core.Members;
using LearningBot.Core.Settings;
using LearningBot.Core.Time;

namespace LearningBot.Web.Dashboard;

public sealed record DashboardWeek(string Week, int Learnings, int Participants, double ParticipationRate, int MinutesLogged, int KudosGiven,
    int SharedAnswers, int Questions, int QuestionsAnswered, int PromptAnswers);

public sealed record DashboardPerson(string Id, string Name);

public sealed record DashboardEdge(string From, string To, int Count);

public sealed record DashboardTag(string Tag, int Count, string? WhoKnows);

/// <summary>What the dashboard page draws; with <c>names=false</c> people are "Person 1", "Person 2", …</summary>
public sealed record DashboardModel(
    string Team,
    int Members,
    double RecognitionSpread,
    IReadOnlyList<DashboardWeek> Weeks,
    IReadOnlyList<DashboardPerson> People,
    IReadOnlyList<DashboardEdge> Recognition,
    IReadOnlyList<TopicCount> UnansweredTopics,
    IReadOnlyList<DashboardTag> TopTagsThisMonth)
{
    /// <summary>Answers offered in channels over the 12 weeks, with their "This helped" / "Not it".</summary>
    public AnswerOffers Offers { get; init; } = new(0, 0, 0);
}

/// <summary>Builds the dashboard from the same reader and calculator as the <c>insights</c> command.</summary>
public sealed class DashboardData(TeamActivityReader reader, ITeamSettingsRepository settings, IMemberRepository members, TimeProvider time)
{
    public const int Weeks = 12;

    public async Task<DashboardModel> BuildAsync(string teamId, bool names, CancellationToken cancellationToken)
    {
        var zone = TeamClock.FindOrUtc((await settings.GetAsync(teamId, cancellationToken)).TimeZoneId);
        var now = time.GetUtcNow();
        var since = TeamClock.StartOfWeek(now.AddDays(-7 * (Weeks - 1)), zone);
        var activity = await reader.ReadAsync(teamId, since, cancellationToken);
        var insights = InsightsCalculator.Compute(activity, now, zone, Weeks);
        var monthStart = TeamClock.StartOfMonth(now, zone);
        var month = InsightsCalculator.Compute(activity with
        {
            Learnings = activity.Learnings.Where(l => l.CreatedAt >= monthStart).ToList(),
            SharedAnswers = activity.SharedAnswers.Where(p => p.CreatedAt >= monthStart).ToList(),
        }, now, zone, 1);

        var ids = insights.RecognitionNetwork.SelectMany(e => new[] { e.GiverId, e.ReceiverId })
            .Concat(month.TopTags.Select(t => t.TopPersonId).OfType<string>())
            .Distinct(StringComparer.Ordinal).ToList();
        var displayNames = names ? await members.GetDisplayNamesAsync(teamId, ids, cancellationToken) : new Dictionary<string, string>();
        // Anonymous mode numbers people in a stable order, so the picture is the same without the names.
        var people = ids.Select((id, index) => new DashboardPerson(
            names ? id : $"p{index + 1}",
            names ? displayNames.GetValueOrDefault(id, id) : $"Person {index + 1}")).ToList();
        var alias = ids.Zip(people).ToDictionary(x => x.First, x => x.Second.Id, StringComparer.Ordinal);

        return new DashboardModel(
            teamId,
            insights.MemberCount,
            insights.RecognitionSpread,
            insights.Weeks.Select(w => new DashboardWeek(TimeZoneInfo.ConvertTime(w.WeekStart, zone).ToString("yyyy-MM-dd"), w.Learnings,
                w.Participants, w.ParticipationRate, w.MinutesLogged, w.KudosGiven, w.SharedAnswers, w.Questions, w.QuestionsAnswered,
                w.PromptAnswers)).ToList(),
            people,
            insights.RecognitionNetwork.Select(e => new DashboardEdge(alias[e.GiverId], alias[e.ReceiverId], e.Count)).ToList(),
            insights.UnansweredTopics,
            month.TopTags.Select(t => new DashboardTag(t.Tag, t.Count,
                t.TopPersonId is null ? null : people.First(p => p.Id == alias[t.TopPersonId]).Name)).ToList())
        {
            Offers = insights.Offers,
        };
    }
}
