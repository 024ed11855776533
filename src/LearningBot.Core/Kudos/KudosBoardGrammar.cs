using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using LearningBot.Core.Time;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Kudos;

/// <summary>
/// The words after <c>kudos top</c>, in any order: <c>givers</c> (or <c>receivers</c>), a channel (<c>here</c>,
/// <c>this channel</c>, <c>in #general</c>, <c>in general</c>) and a time frame (<see cref="TimeGrammar.TryParseTimeFrame"/>,
/// default this week).
/// </summary>
internal static partial class KudosBoardGrammar
{
    public static ParseResult Parse(string text)
    {
        var rest = text.Trim();
        var side = KudosBoardSide.Receivers;
        ChannelChoice? channel = null;
        var period = Period.Week;

        var sideMatch = SideRegex().Match(rest);
        if (sideMatch.Success)
        {
            side = sideMatch.Groups["side"].Value.StartsWith("giv", StringComparison.OrdinalIgnoreCase) ? KudosBoardSide.Givers : KudosBoardSide.Receivers;
            rest = Remove(rest, sideMatch);
        }

        var channelMatch = ChannelRegex().Match(rest);
        if (channelMatch.Success)
        {
            channel = channelMatch.Groups["name"].Success ? new ChannelChoice(channelMatch.Groups["name"].Value) : ChannelChoice.Here;
            rest = Remove(rest, channelMatch);
        }

        if (rest.Length > 0 && !TimeGrammar.TryParseTimeFrame(rest, out period))
        {
            return Fail($"\"{Shorten(rest, 40)}\" isn't a time frame I know: use week, month or all (this week, this month, all time); add givers, and here or in #channel, to narrow it.",
                KudosGrammar.TopUsage);
        }

        return new Parsed(new KudosLeaderboardCommand(period) { Side = side, Channel = channel });
    }

    private static string Remove(string text, Match match) =>
        string.Join(' ', (text[..match.Index] + " " + text[(match.Index + match.Length)..]).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"(?<=^|\s)(?<side>givers?|receivers?|received|given)(?=\s|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SideRegex();

    [GeneratedRegex(@"(?<=^|\s)(?:here|(?:in\s+)?this\s+channel|in\s+#?(?<name>[\p{L}\p{N}_\-.:@;=]{1,200}))(?=\s|$)", RegexOptions.IgnoreCase)]
    private static partial Regex ChannelRegex();
}
