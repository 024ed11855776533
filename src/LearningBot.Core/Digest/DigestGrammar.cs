using LearningBot.Core.Commands;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Digest;

/// <summary><c>digest [week]</c>: this week's learnings by tag, and the week's kudos.</summary>
public sealed class DigestGrammar : ICommandGrammar
{
    public static readonly CommandUsage Usage = new("digest",
        "digest [week]",
        "digest",
        "This week's learnings and kudos, grouped by tag.");

    public IReadOnlyList<string> Keywords { get; } = ["digest"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [Usage];

    public ParseResult Parse(string keyword, string arguments) =>
        arguments.Length == 0 || arguments.Equals("week", StringComparison.OrdinalIgnoreCase)
            ? new Parsed(new DigestCommand())
            : Fail($"The digest covers this week; \"{Shorten(arguments, 40)}\" isn't an option yet.", Usage);
}
