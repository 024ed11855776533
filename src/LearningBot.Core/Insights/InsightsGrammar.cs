using LearningBot.Core.Commands;
using LearningBot.Core.Time;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Insights;

/// <summary><c>me</c> (my own page) and <c>insights [week|month]</c> (the team's signals).</summary>
public sealed class InsightsGrammar : ICommandGrammar
{
    public static readonly CommandUsage MeUsage = new("me", "me", "me",
        "Your learnings, streak, kudos received and answers you shared.");

    public static readonly CommandUsage InsightsUsage = new("insights", "insights [week|month]", "insights month",
        "The team's learning signals, with a private link to the dashboard.");

    public IReadOnlyList<string> Keywords { get; } = ["me", "insights"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [MeUsage, InsightsUsage];

    public ParseResult Parse(string keyword, string arguments) => keyword == "me"
        ? arguments.Length == 0 ? new Parsed(new MeCommand()) : Fail("\"me\" takes nothing after it.", MeUsage)
        : arguments.Length == 0 ? new Parsed(new InsightsCommand(Period.Week))
        : TimeGrammar.TryParsePeriod(arguments, out var period) && period != Period.All ? new Parsed(new InsightsCommand(period))
        : Fail("Insights cover a week or a month.", InsightsUsage);
}
