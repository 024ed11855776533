using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;

namespace LearningBot.Core.Insights;

/// <summary>Reads a team's activity since an instant from the repositories: the input of <see cref="InsightsCalculator"/>.</summary>
public sealed class TeamActivityReader(
    IMemberRepository members,
    ILearningRepository learnings,
    IKudosRepository kudos,
    IKnowledgeRepository knowledge,
    IQuestionRepository questions,
    Away.IAwayRepository away)
{
    // A generous bound: a team of 200 logging daily for 12 weeks stays well below it.
    private const int MaxRecords = 50_000;

    public async Task<TeamActivity> ReadAsync(string teamId, DateTimeOffset since, CancellationToken cancellationToken) =>
        new TeamActivity(await members.ListAsync(teamId, cancellationToken),
            // Private entries count in the anonymous totals, never by name (see InsightsCalculator).
            await learnings.ListAsync(new LearningQuery(teamId, null, since, MaxRecords) { IncludePrivate = true }, cancellationToken),
            await kudos.ListSinceAsync(teamId, since, MaxRecords, cancellationToken),
            await knowledge.ListAsync(new KnowledgeQuery(teamId, null, since, MaxRecords), cancellationToken),
            await questions.ListSinceAsync(teamId, since, MaxRecords, cancellationToken))
        {
            Away = await away.ListAsync(teamId, since, cancellationToken),
        };
}
