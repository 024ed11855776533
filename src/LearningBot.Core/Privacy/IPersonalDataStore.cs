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
    /// received, subscriptions, conversations and delivery records are deleted; kudos they gave keep their text under
    /// <see cref="FormerMember"/>; their shared answers are kept under that name or deleted. In other people's
    /// words only their mention tokens change (<see cref="MentionScrubber"/>), never a name or a bare word.
    /// Everything is scoped to <paramref name="teamId"/> and matches ids exactly.
    /// Records <paramref name="at"/> so that credentials issued to them before it stop working (<see cref="ForgottenAtAsync"/>).
    /// </summary>
    Task ForgetAsync(string teamId, string userId, bool keepSharedAnswers, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// When the person was last forgotten in the team, if within <see cref="ForgottenPeople.Kept"/>; null otherwise.
    /// A dashboard cookie or private link issued at or before this instant is refused. One indexed/point read.
    /// </summary>
    Task<DateTimeOffset?> ForgottenAtAsync(string teamId, string userId, CancellationToken cancellationToken);

    public const string FormerMember = "former-member";
}
