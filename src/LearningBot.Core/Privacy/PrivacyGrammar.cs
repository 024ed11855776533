using LearningBot.Core.Commands;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Privacy;

/// <summary><c>export me|team</c> and <c>forget me [keep-answers|delete-answers]</c>: people's own data.</summary>
public sealed class PrivacyGrammar : ICommandGrammar
{
    public static readonly CommandUsage ExportUsage = new("export", "export me | export team", "export me",
        "Download everything stored about you (admins: the team's data as CSV).");

    public static readonly CommandUsage ForgetUsage = new("forget me", "forget me keep-answers | forget me delete-answers", "forget me",
        "Delete what is stored about you; your shared answers are kept anonymously or deleted, as you choose.");

    public IReadOnlyList<string> Keywords { get; } = ["export", "forget"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [ExportUsage, ForgetUsage];

    public ParseResult Parse(string keyword, string arguments) => keyword == "export"
        ? arguments.ToLowerInvariant() switch
        {
            "me" => new Parsed(new ExportCommand(ExportScope.Me)),
            "team" => new Parsed(new ExportCommand(ExportScope.Team)),
            _ => Fail("Export \"me\" or \"team\".", ExportUsage),
        }
        : string.Join(' ', arguments.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries)) switch
        {
            "me" => new Parsed(new ForgetMeCommand(ForgetAnswers.Ask)),
            "me keep-answers" => new Parsed(new ForgetMeCommand(ForgetAnswers.Keep)),
            "me delete-answers" => new Parsed(new ForgetMeCommand(ForgetAnswers.Delete)),
            _ => Fail("I can only forget you: \"forget me\".", ForgetUsage),
        };
}
