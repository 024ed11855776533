using LearningBot.Core.Digest;
using LearningBot.Core.Help;
using LearningBot.Core.Insights;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Nudges;
using LearningBot.Core.Privacy;
using LearningBot.Core.Prompts;
using LearningBot.Core.Settings;

namespace LearningBot.Core.Commands;

/// <summary>One command's documentation: used by <c>help</c> and by every parse error, so they never disagree.</summary>
public sealed record CommandUsage(string Name, string Usage, string Example, string Summary);

/// <summary>Every feature's grammar, in the order <c>help</c> lists them. Each grammar owns its usage texts.</summary>
public static class CommandCatalog
{
    public static IReadOnlyList<ICommandGrammar> Grammars { get; } =
    [
        new LearnedGrammar(), new KudosGrammar(), new KnowledgeGrammar(), new AnswerReviewGrammar(), new DigestGrammar(), new PromptGrammar(),
        new NudgeGrammar(), new Away.AwayGrammar(), new InsightsGrammar(), new PrivacyGrammar(), new SettingsGrammar(), new HelpGrammar(),
    ];

    /// <summary>Every command form, as <c>help</c> lists them.</summary>
    public static IReadOnlyList<CommandUsage> All { get; } = Grammars.SelectMany(g => g.Usages).ToList();
}
