using LearningBot.Core.Commands;

namespace LearningBot.Core.Help;

/// <summary><c>help</c> (or <c>?</c>), with anything after it ignored.</summary>
public sealed class HelpGrammar : ICommandGrammar
{
    public static readonly CommandUsage Usage = new("help", "help", "help", "Show every command with an example.");

    public IReadOnlyList<string> Keywords { get; } = ["help", "?"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [Usage];

    public ParseResult Parse(string keyword, string arguments) => new Parsed(new HelpCommand());
}
