using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using LearningBot.Core.Time;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Kudos;

/// <summary><c>kudos @a [@b …] &lt;what for&gt; [#value]</c> (also <c>thanks</c>) and <c>kudos top [week|month|all]</c>.</summary>
public sealed partial class KudosGrammar : ICommandGrammar
{
    public static readonly CommandUsage Usage = new("kudos",
        "kudos @person [@person …] <what for> [#value]",
        "kudos @bo for walking me through the incident review #mentoring",
        "Thank people publicly for help or progress.");

    public static readonly CommandUsage TopUsage = new("kudos top",
        "kudos top [week|month|all]",
        "kudos top month",
        "Who received the most kudos.");

    public IReadOnlyList<string> Keywords { get; } = ["kudos", "thanks"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [Usage, TopUsage];

    public ParseResult Parse(string keyword, string arguments)
    {
        if (arguments.Length == 0)
        {
            return Fail("Who would you like to thank?", Usage);
        }

        var (first, afterFirst) = SplitFirstWord(arguments);
        if (first.Equals("top", StringComparison.OrdinalIgnoreCase) || first.Equals("leaderboard", StringComparison.OrdinalIgnoreCase))
        {
            if (afterFirst.Length == 0)
            {
                return new Parsed(new KudosLeaderboardCommand(Period.Week));
            }

            return TimeGrammar.TryParsePeriod(afterFirst, out var period)
                ? new Parsed(new KudosLeaderboardCommand(period))
                : Fail($"\"{Shorten(afterFirst, 40)}\" isn't a time frame I know: use week, month or all.", TopUsage);
        }

        var receivers = MentionRegex().Matches(arguments).Select(m => m.Groups["id"].Value).Distinct(StringComparer.Ordinal).ToList();
        if (receivers.Count == 0)
        {
            return Fail("Mention the people you're thanking with @name.", Usage) with { NeedsMentions = true };
        }

        var reason = LeadingMentionsRegex().Replace(arguments, string.Empty);
        reason = LeadingForRegex().Replace(reason, string.Empty).Trim();
        string? value = null;
        var trailingTag = TrailingTagRegex().Match(reason);
        if (trailingTag.Success)
        {
            value = trailingTag.Groups["tag"].Value.ToLowerInvariant();
            reason = reason[..trailingTag.Index].TrimEnd();
        }

        if (!ContainsWordCharacter(MentionRegex().Replace(reason, string.Empty)))
        {
            return Fail("Say what the kudos are for: recognising the effort is the point.", Usage);
        }

        return new Parsed(new GiveKudosCommand(receivers, reason, value));
    }

    [GeneratedRegex(@"^(?:\s*(?:<@[^<>|\s]+(?:\|[^<>]*)?>|and|&|,|to)(?=\s|,|$|<))+\s*,?", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingMentionsRegex();

    [GeneratedRegex(@"^for\s+", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingForRegex();
}
