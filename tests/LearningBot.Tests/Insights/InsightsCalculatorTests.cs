using LearningBot.Core.Insights;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;

namespace LearningBot.Tests.Insights;

/// <summary>Every metric on constructed data, with answers worked out by hand.</summary>
public sealed class InsightsCalculatorTests
{
    // Thursday 26 Nov 2026; the current week starts Monday 23 Nov (UTC), the previous one 16 Nov.
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ThisWeek = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LastWeek = new(2026, 11, 17, 10, 0, 0, TimeSpan.Zero);

    private static int _id;

    private static LearningEntry Learning(string user, DateTimeOffset at, int? minutes = null, string[]? tags = null, bool isPrivate = false,
        string? occurrence = null) =>
        new((++_id).ToString(), "t", user, "text", tags ?? [], minutes, at, "k" + _id) { IsPrivate = isPrivate, OccurrenceId = occurrence };

    private static KudosGift Gift(string giver, DateTimeOffset at, params string[] receivers) =>
        new((++_id).ToString(), "t", giver, receivers, "reason", null, at, "k" + _id);

    private static AskedQuestion Question(string text, bool answered, DateTimeOffset at) =>
        new((++_id).ToString(), "t", "asker", text, answered, at, "k" + _id);

    private static KnowledgePost Post(string author, DateTimeOffset at, params string[] tags) =>
        new((++_id).ToString(), "t", author, "q", "a", tags, at, "k" + _id);

    private static readonly Member[] FourMembers =
        [new("t", "ann", "Ann"), new("t", "bo", "Bo"), new("t", "cy", "Cy"), new("t", "dee", "Dee")];

    private static TeamInsights Compute(TeamActivity activity, int weeks = 2) => InsightsCalculator.Compute(activity, Now, TimeZoneInfo.Utc, weeks);

    [Test]
    public void Weekly_learnings_participation_and_minutes()
    {
        var activity = new TeamActivity(FourMembers,
            [
                Learning("ann", ThisWeek, 30), Learning("ann", ThisWeek, 15), Learning("bo", ThisWeek, 25, isPrivate: true, occurrence: "occ-1"),
                Learning("cy", LastWeek, 60, occurrence: "occ-0"),
            ],
            [], [], []);

        var insights = Compute(activity);

        Assert.That(insights.Weeks.Select(w => w.WeekStart.Day), Is.EqualTo(new[] { 16, 23 }));
        var (last, current) = (insights.Weeks[0], insights.Weeks[1]);
        Assert.That((current.Learnings, current.Participants, current.ParticipationRate, current.MinutesLogged), Is.EqualTo((3, 2, 0.5, 45)));
        Assert.That((last.Learnings, last.Participants, last.ParticipationRate, last.MinutesLogged), Is.EqualTo((1, 1, 0.25, 60)));
        // Bo's private prompt answer counts in learnings and participants (anonymous totals), never in minutes or prompt answers.
        Assert.That((current.PromptAnswers, last.PromptAnswers), Is.EqualTo((0, 1)));
        Assert.That(insights.MemberCount, Is.EqualTo(4));
    }

    [Test]
    public void People_away_in_a_week_who_logged_nothing_are_left_out_of_that_weeks_participation()
    {
        static LearningBot.Core.Away.AwayPeriod Away(string user, int fromDay, int untilDay) => new("t", user,
            new DateTimeOffset(2026, 11, fromDay, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, untilDay, 0, 0, 0, TimeSpan.Zero),
            new DateOnly(2026, 11, untilDay - 1));
        var activity = new TeamActivity(FourMembers,
            [Learning("ann", ThisWeek, 30), Learning("bo", ThisWeek, 25, isPrivate: true), Learning("cy", LastWeek, 60)],
            [], [], [])
        {
            // dee: away last week only; bo: away this week but took part; cy: away this week, took part only last week.
            Away = [Away("dee", 17, 20), Away("bo", 24, 30), Away("cy", 24, 30)],
        };

        var insights = Compute(activity);

        var (last, current) = (insights.Weeks[0], insights.Weeks[1]);
        Assert.That((current.Participants, current.ParticipationRate), Is.EqualTo((2, 2.0 / 3)), "ann and bo of ann, bo, dee");
        Assert.That((last.Participants, last.ParticipationRate), Is.EqualTo((1, 1.0 / 3)), "cy of ann, bo, cy");
        Assert.That(insights.MemberCount, Is.EqualTo(4));
    }

    [Test]
    public void Recognition_spread_and_network()
    {
        var activity = new TeamActivity(FourMembers, [],
            [Gift("ann", ThisWeek, "bo", "cy"), Gift("ann", LastWeek, "bo"), Gift("bo", ThisWeek, "ann"), Gift("dee", Now.AddDays(-40), "dee")],
            [], []);

        var insights = Compute(activity);

        Assert.That(insights.Weeks[1].KudosGiven, Is.EqualTo(3));
        Assert.That(insights.Weeks[0].KudosGiven, Is.EqualTo(1));
        Assert.That(insights.RecognitionSpread, Is.EqualTo(0.75), "ann, bo and cy of four received kudos in the window; dee's is older");
        Assert.That(insights.RecognitionNetwork, Is.EqualTo(new[]
        {
            new RecognitionEdge("ann", "bo", 2), new RecognitionEdge("ann", "cy", 1), new RecognitionEdge("bo", "ann", 1),
        }));
    }

    [Test]
    public void Knowledge_questions_answered_and_unanswered_topics()
    {
        var activity = new TeamActivity(FourMembers, [], [],
            [Post("ann", ThisWeek, "ops"), Post("bo", LastWeek)],
            [
                Question("where is the on-call runbook", false, LastWeek),
                Question("where's the on-call runbook?", false, ThisWeek),
                Question("how do we rotate keys", true, ThisWeek),
                Question("vpn keeps dropping", false, ThisWeek),
            ]);

        var insights = Compute(activity);

        Assert.That((insights.Weeks[1].SharedAnswers, insights.Weeks[1].Questions, insights.Weeks[1].QuestionsAnswered), Is.EqualTo((1, 3, 1)));
        Assert.That((insights.Weeks[0].SharedAnswers, insights.Weeks[0].Questions, insights.Weeks[0].QuestionsAnswered), Is.EqualTo((1, 1, 0)));
        Assert.That(insights.UnansweredTopics, Is.EqualTo(new[]
        {
            new TopicCount("where's the on-call runbook?", 2), new TopicCount("vpn keeps dropping", 1),
        }));
    }

    [Test]
    public void Write_this_down_next_groups_by_stored_group_shows_the_most_common_wording_and_leaves_answered_questions_out()
    {
        var activity = new TeamActivity(FourMembers, [], [], [],
            [
                Question("who grants warehouse access", false, LastWeek) with { Id = "g1", GroupId = "g1" },
                Question("getting permissions for the data warehouse", false, ThisWeek) with { GroupId = "g1" },
                Question("who grants warehouse access", false, ThisWeek) with { GroupId = "g1" },
                Question("how do we rotate keys", false, LastWeek) with { Id = "g2", GroupId = "g2" },
                // Its right answer was shown and confirmed: the whole question is answered, however often it was asked without.
                Question("rotating keys on staging", true, ThisWeek) with { GroupId = "g2", Verdict = AnswerVerdict.Helped },
                Question("where is the deploy dashboard", false, ThisWeek) with { Origin = QuestionOrigin.Channel, Verdict = AnswerVerdict.NotIt },
            ]);

        var insights = Compute(activity);

        Assert.That(insights.UnansweredTopics, Is.EqualTo(new[]
        {
            new TopicCount("who grants warehouse access", 3), new TopicCount("where is the deploy dashboard", 1),
        }));
        Assert.That(insights.Offers, Is.EqualTo(new AnswerOffers(1, 0, 1)));
    }

    [Test]
    public void Top_tags_name_who_knows_and_leave_private_learnings_out_entirely()
    {
        // A private learning's tag is its content: neither the tag nor its count may show (it once did, as "burnout" with no name).
        var activity = new TeamActivity(FourMembers,
            [
                Learning("ann", ThisWeek, tags: ["k8s"]), Learning("cy", ThisWeek, tags: ["k8s"]), Learning("cy", ThisWeek, tags: ["k8s", "go"]),
                Learning("dee", ThisWeek, tags: ["burnout"], isPrivate: true), Learning("dee", ThisWeek, tags: ["go"], isPrivate: true),
            ],
            [], [Post("bo", ThisWeek, "go")], []);

        var insights = Compute(activity);

        Assert.That(insights.TopTags, Is.EqualTo(new[]
        {
            new TagExpert("k8s", 3, "cy"), new TagExpert("go", 2, "bo"),
        }));
    }

    [Test]
    public void Prompt_answers_are_counted_per_week()
    {
        var activity = new TeamActivity(FourMembers,
            [Learning("ann", ThisWeek, occurrence: "o1"), Learning("bo", ThisWeek, occurrence: "o1"), Learning("cy", ThisWeek)], [], [], []);

        Assert.That(Compute(activity).Weeks[1].PromptAnswers, Is.EqualTo(2));
    }

    [Test]
    public void An_empty_team_has_zero_rates_not_errors()
    {
        var insights = Compute(new TeamActivity([], [], [], [], []), weeks: 12);

        Assert.That(insights.Weeks, Has.Count.EqualTo(12));
        Assert.That(insights.Weeks.All(w => w.ParticipationRate == 0));
        Assert.That(insights.RecognitionSpread, Is.EqualTo(0));
    }
}
