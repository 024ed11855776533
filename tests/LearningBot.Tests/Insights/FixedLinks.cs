using LearningBot.Core.Commands;
using LearningBot.Core.Insights;

namespace LearningBot.Tests.Insights;

/// <summary>Stands in for the web host's signed links in pipeline tests; the real ones are tested through the host.</summary>
public sealed class FixedLinks : IPrivateLinks
{
    public TimeSpan Lifetime => TimeSpan.FromMinutes(15);

    public string Dashboard(string teamId, string userId) => $"https://links.test/dashboard/{teamId}/{userId}";

    public string Personal(string teamId, string userId) => $"https://links.test/me/{teamId}/{userId}";

    public string Export(string teamId, string userId, ExportScope scope) => $"https://links.test/export/{scope}/{teamId}/{userId}";
}
