using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using LearningBot.Core.Time;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Kudos;

/// <summary>
/// <c>kudos @a [@b …] [#value] &lt;what for&gt; [#value]</c> (also <c>thanks</c>), <c>kudos top [givers] [here|in #channel]
/// [this week|this month|all time]</c> and <c>kudos hide me|show me</c>. Inline kudos in channel messages (<c>@bo ++ …</c>)
/// are read by <see cref="InlineKudosGrammar"/>.
/// </summary>
public sealed partial class KudosGrammar : ICommandGrammar
{
    public static readonly CommandUsage Usage = new("kudos",
        "kudos @person [@person …] <what for> [#value]",
        "kudos @bo for walking me through the incident review #mentoring",
        "Thank people publicly for help or progress.");

    public static readonly CommandUsage TopUsage = new("kudos top",
        "kudos top [givers] [here | in #channel] [this week|this month|all time]",
        "kudos top givers here this month",
        "Who received (or gave) the most kudos, in the team or one channel.");

    public static readonly CommandUsage HideUsage = new("kudos hide me",
        "kudos hide me | kudos show me",
        "kudos hide me",
        "Leave the kudos boards (your kudos still count for the team), or come back.");

    public static readonly CommandUsage InlineUsage = new("@person ++",
        "@person ++ <what for>  ·  @person :tada: <what for>",
        "@bo ++ for the incident write-up",
        "Kudos in any channel message I can read (the emoji is the team's kudos emoji; in Slack, reacting with it works too).");

    public IReadOnlyList<string> Keywords { get; } = ["kudos", "thanks"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [Usage, InlineUsage, TopUsage, HideUsage];

    public ParseResult Parse(string keyword, string arguments)
    {
        if (arguments.Length == 0)
        {
            return Fail("Who would you like to thank?", Usage);
        }

        var (first, afterFirst) = SplitFirstWord(arguments);
        if (first.Equals("top", StringComparison.OrdinalIgnoreCase) || first.Equals("leaderboard", StringComparison.OrdinalIgnoreCase))
        {
            return KudosBoardGrammar.Parse(afterFirst);
        }

        if ((first.Equals("hide", StringComparison.OrdinalIgnoreCase) || first.Equals("show", StringComparison.OrdinalIgnoreCase))
            && !MentionRegex().IsMatch(arguments))
        {
            return afterFirst.Equals("me", StringComparison.OrdinalIgnoreCase)
                ? new Parsed(new KudosVisibilityCommand(first.Equals("hide", StringComparison.OrdinalIgnoreCase)))
                : Fail("You can only hide yourself from the boards: say \"kudos hide me\" (or \"kudos show me\").", HideUsage);
        }

        var receivers = MentionRegex().Matches(arguments).Select(m => m.Groups["id"].Value).Distinct(StringComparer.Ordinal).ToList();
        if (receivers.Count == 0)
        {
            return Fail("Mention the people you're thanking with @name.", Usage) with { NeedsMentions = true };
        }

        var (reason, value) = KudosReason.Split(LeadingMentionsRegex().Replace(arguments, string.Empty));
        if (!ContainsWordCharacter(MentionRegex().Replace(reason, string.Empty)))
        {
            return Fail("Say what the kudos are for: recognising the effort is the point.", Usage);
        }

        return new Parsed(new GiveKudosCommand(receivers, reason, value));
    }

    [GeneratedRegex(@"^(?:\s*(?:<@[^<>|\s]+(?:\|[^<>]*)?>|and|&|,|to)(?=\s|,|$|<))+\s*,?", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingMentionsRegex();

}
