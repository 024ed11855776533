using LearningBot.Core.Commands;
using LearningBot.Core.Insights;

namespace LearningBot.Bench;

/// <summary>
/// Unsigned relative links for the tools' service providers: the web host signs these (<c>SignedLinks</c>); the pipeline needs some
/// for <c>me</c> and <c>insights</c>, and no tool follows them. Compiled into each bench project that wires the bot's services.
/// </summary>
internal sealed class RelativeLinks : IPrivateLinks
{
    public TimeSpan Lifetime => TimeSpan.FromMinutes(15);

    public string Dashboard(string teamId, string userId) => "/dashboard/signin";

    public string Personal(string teamId, string userId) => "/dashboard/signin?to=me";

    public string Export(string teamId, string userId, ExportScope scope) => "/export";
}
