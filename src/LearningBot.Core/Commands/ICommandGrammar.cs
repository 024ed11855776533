namespace LearningBot.Core.Commands;

/// <summary>
/// One feature's part of the shared grammar: the command words it owns, the forms <c>help</c> shows, and how it
/// reads the words after the command word. <see cref="CommandParser"/> only finds the command word and hands over.
/// </summary>
public interface ICommandGrammar
{
    /// <summary>The command words this grammar reads, in lower case (e.g. <c>learned</c>, <c>learnt</c>, <c>til</c>).</summary>
    IReadOnlyList<string> Keywords { get; }

    /// <summary>The forms shown by <c>help</c> and in error replies, in the order help lists them.</summary>
    IReadOnlyList<CommandUsage> Usages { get; }

    /// <summary>
    /// The options (e.g. <c>--private</c>) this command understands. Anything else shaped like an option
    /// (<c>--word</c>) in first place is refused by the parser before <see cref="Parse"/> runs, so a mistyped flag is
    /// never published as text.
    /// </summary>
    IReadOnlyList<string> Options => [];

    /// <summary>Reads the arguments of <paramref name="keyword"/> (lower case); <paramref name="arguments"/> is trimmed and normalised.</summary>
    ParseResult Parse(string keyword, string arguments);
}
