using LearningBot.Core.Commands;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Digest;
using LearningBot.Core.Help;
using LearningBot.Core.Insights;
using LearningBot.Core.Privacy;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Nudges;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Core.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using LearningBot.Core.Installations;

namespace LearningBot.Core;

public static class ServiceCollectionExtensions
{
    /// <summary>The command pipeline and every handler. Storage is registered separately, per engine.</summary>
    public static IServiceCollection AddLearningBotCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics(); // IMeterFactory (the web host adds it too; TryAdd inside)
        services.AddSingleton<LearningBotMetrics>();
        services.AddSingleton<CommandParser>();
        services.AddSingleton<CommandPipeline>();
        services.AddSingleton<TeamSettingsCache>();
        services.AddSingleton<PeopleNames>();
        services.AddSingleton<KnownMembers>();
        services.AddSingleton<InstallationCache>();
        // Semantic search is off unless an IEmbeddingGenerator is registered (LearningBot.Embeddings does, by configuration).
        services.TryAddSingleton<EmbeddingSignal>();
        services.TryAddSingleton(sp => new ChatActivity(sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IQueryEmbedder>(sp => new GeneratorQueryEmbedder(
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<GeneratorQueryEmbedder>>(),
            sp.GetService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(),
            sp.GetService<Microsoft.Extensions.Options.IOptions<SimilarityOptions>>()?.Value,
            sp.GetKeyedService<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>>(
                GeneratorQueryEmbedder.QueryGeneratorKey)));
        services.AddSingleton<AnswerConfidence>();
        services.AddSingleton<QuestionMatcher>();
        services.AddSingleton<ChannelAnswers>();

        services.AddSingleton<ICommandHandler, LogLearningHandler>();
        services.AddSingleton<ICommandHandler, ListLearningsHandler>();
        services.AddSingleton<ICommandHandler, GiveKudosHandler>();
        services.AddSingleton<ICommandHandler, KudosLeaderboardHandler>();
        services.AddSingleton<ICommandHandler, TakeBackKudosHandler>();
        services.AddSingleton<ICommandHandler, KudosVisibilityHandler>();
        services.AddSingleton<ICommandHandler, ShareHandler>();
        services.AddSingleton<ICommandHandler, AskHandler>();
        services.AddSingleton<ICommandHandler, WhoKnowsHandler>();
        services.AddSingleton<ICommandHandler, MarkHelpfulHandler>();
        services.AddSingleton<ICommandHandler, NotItHandler>();
        services.AddSingleton<ICommandHandler, ShowAnswerHandler>();
        services.AddSingleton<ICommandHandler, AnswerReviewHandler>();
        services.AddSingleton<ICommandHandler, ChangeAnswerOwnerHandler>();
        services.AddSingleton<IExpertSuggester, WhoKnowsExpertSuggester>();
        services.AddSingleton<Conversations.PersonalConversations>();
        services.AddSingleton<AnswerReviewSweep>();
        services.AddSingleton<ICommandHandler, DigestHandler>();
        services.AddSingleton<ICommandHandler, SettingsHandler>();
        services.AddSingleton<ICommandHandler, HelpHandler>();
        services.AddSingleton<ICommandHandler, SetPromptHandler>();
        services.AddSingleton<ICommandHandler, PromptActionHandler>();
        services.AddSingleton<ICommandHandler, NudgeHandler>();
        services.AddSingleton<ICommandHandler, MeHandler>();
        services.AddSingleton<ICommandHandler, InsightsHandler>();
        services.AddSingleton<ICommandHandler, ExportHandler>();
        services.AddSingleton<ICommandHandler, ForgetMeHandler>();
        services.AddSingleton<TeamActivityReader>();
        services.AddSingleton<ICommandHandler, UndoLearningHandler>();
        services.AddSingleton<ICommandHandler, EditLearningHandler>();
        services.AddSingleton<ICommandHandler, DeleteLearningHandler>();
        services.AddSingleton<LearningMessageEdits>();
        services.AddSingleton<ICommandHandler, EditShareHandler>();
        services.AddSingleton<ICommandHandler, DeleteShareHandler>();
        services.AddSingleton<ICommandHandler, Away.AwayHandler>();
        services.AddSingleton<ICommandHandler, Away.BackHandler>();

        services.AddOptions<SchedulerOptions>();
        services.AddSingleton<PromptScheduler>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<PromptAnswerRecorder>();
        return services;
    }
}
