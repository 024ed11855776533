using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;

namespace LearningBot.Core.Privacy;

/// <summary>Everything stored about one person, as they would download it.</summary>
public sealed record PersonalData(
    Member? Member,
    IReadOnlyList<LearningEntry> Learnings,
    IReadOnlyList<KudosGift> KudosGiven,
    IReadOnlyList<KudosGift> KudosReceived,
    IReadOnlyList<KnowledgePost> SharedAnswers,
    IReadOnlyList<AskedQuestion> Questions,
    bool NudgesOn);

/// <summary>
/// The data-rights operations. Each engine implements them over all its tables at once, because
/// "forget" must reach places no single repository owns (search index, votes, pending messages).
/// </summary>
public interface IPersonalDataStore
{
    Task<PersonalData> ExportAsync(string teamId, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the person's id and name from every record: their learnings, questions, votes, kudos
    /// received, subscriptions and conversations are deleted; kudos they gave keep their text under
    /// <see cref="FormerMember"/>; their shared answers are kept under that name or deleted.
    /// </summary>
    Task ForgetAsync(string teamId, string userId, bool keepSharedAnswers, CancellationToken cancellationToken);

    public const string FormerMember = "former-member";
}
