namespace LearningBot.Core.Commands;

/// <summary>Either a command or a friendly explanation of what was wrong with the text.</summary>
public abstract record ParseResult;

public sealed record Parsed(BotCommand Command) : ParseResult;

/// <param name="Problem">What went wrong, in the user's terms.</param>
/// <param name="Usage">The right form of the command.</param>
/// <param name="Example">One example that works.</param>
public sealed record ParseFailure(string Problem, string Usage, string Example) : ParseResult
{
    /// <summary>The command needs @mentions of people and had none: where the chat cannot mention people, the pipeline says where it can.</summary>
    public bool NeedsMentions { get; init; }
}
