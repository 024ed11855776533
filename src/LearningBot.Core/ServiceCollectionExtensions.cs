using LearningBot.Core.Commands;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Digest;
using LearningBot.Core.Help;
using LearningBot.Core.Insights;
using LearningBot.Core.Privacy;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Nudges;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Core.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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

        services.AddSingleton<ICommandHandler, LogLearningHandler>();
        services.AddSingleton<ICommandHandler, ListLearningsHandler>();
        services.AddSingleton<ICommandHandler, GiveKudosHandler>();
        services.AddSingleton<ICommandHandler, KudosLeaderboardHandler>();
        services.AddSingleton<ICommandHandler, ShareHandler>();
        services.AddSingleton<ICommandHandler, AskHandler>();
        services.AddSingleton<ICommandHandler, WhoKnowsHandler>();
        services.AddSingleton<ICommandHandler, MarkHelpfulHandler>();
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

        services.AddOptions<SchedulerOptions>();
        services.AddSingleton<PromptScheduler>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<PromptAnswerRecorder>();
        return services;
    }
}
