using LearningBot.Core.Commands;

namespace LearningBot.Core.Insights;

/// <summary>
/// Signed, expiring links the bot hands one person privately: the dashboard of their team, or a
/// download of their data. The web host signs them; whoever holds the link is that person for a while.
/// </summary>
public interface IPrivateLinks
{
    string Dashboard(string teamId, string userId);

    /// <summary>The person's own page on the web (what <c>me</c> shows in chat).</summary>
    string Personal(string teamId, string userId);

    string Export(string teamId, string userId, ExportScope scope);

    TimeSpan Lifetime { get; }
}
