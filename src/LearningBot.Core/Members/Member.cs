namespace LearningBot.Core.Members;

/// <summary>One person on one platform, within one team.</summary>
public sealed record Member(string TeamId, string UserId, string DisplayName);

public interface IMemberRepository
{
    /// <summary>Records the person, or their new display name; cheap when nothing changed.</summary>
    Task UpsertAsync(Member member, CancellationToken cancellationToken);

    /// <summary>Everyone the bot has seen in the team (senders and people mentioned): the denominator of participation.</summary>
    Task<IReadOnlyList<Member>> ListAsync(string teamId, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, string>> GetDisplayNamesAsync(string teamId, IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken);
}
