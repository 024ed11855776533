using LearningBot.Core.Conversations;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Installations;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Nudges;
using LearningBot.Core.Outbox;
using LearningBot.Core.Privacy;
using LearningBot.Core.Prompts;
using LearningBot.Core.Settings;
using LearningBot.Core.Storage;
using LearningBot.Storage.Cosmos.Conversations;
using LearningBot.Storage.Cosmos.Installations;
using LearningBot.Storage.Cosmos.Knowledge;
using LearningBot.Storage.Cosmos.Kudos;
using LearningBot.Storage.Cosmos.Learnings;
using LearningBot.Storage.Cosmos.Members;
using LearningBot.Storage.Cosmos.Outbox;
using LearningBot.Storage.Cosmos.Privacy;
using LearningBot.Storage.Cosmos.Prompts;
using LearningBot.Storage.Cosmos.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace LearningBot.Storage.Cosmos;

public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddCosmosStorage(this IServiceCollection services, CosmosStorageOptions options)
    {
        services.AddSingleton(sp =>
        {
            var store = new CosmosStore(options, sp.GetRequiredService<ILogger<CosmosStore>>());
            store.Meter.Metrics = sp.GetService<LearningBotMetrics>();
            return store;
        });
        services.AddSingleton<IStorageInitializer>(sp => sp.GetRequiredService<CosmosStore>());
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<CosmosStore>());
        services.AddSingleton<ITeamSettingsRepository, CosmosTeamSettingsRepository>();
        services.AddSingleton<IMemberRepository, CosmosMemberRepository>();
        services.AddSingleton<ILearningRepository, CosmosLearningRepository>();
        services.AddSingleton<IKudosRepository, CosmosKudosRepository>();
        services.AddSingleton<IKnowledgeRepository, CosmosKnowledgeRepository>();
        services.AddSingleton<IAnswerReviewRepository, CosmosAnswerReviewRepository>();
        services.AddSingleton<IPersonSettingsRepository, CosmosPersonSettingsRepository>();
        services.AddSingleton<IQuestionRepository, CosmosQuestionRepository>();
        services.AddSingleton<IAnswerChannelRepository, CosmosAnswerChannelRepository>();
        services.AddSingleton<ISearchIndex, CosmosSearchIndex>();
        // The embedding queue lives in the searchable documents; the worker (LearningBot.Embeddings) drains it when a model is configured.
        services.AddSingleton<IEmbeddingStore, CosmosEmbeddingStore>();
        services.TryAddSingleton<EmbeddingSignal>();
        services.AddSingleton<IDeliveryLog, CosmosDeliveryLog>();
        services.AddSingleton<IConversationRepository, CosmosConversationRepository>();
        services.AddSingleton<IPromptRepository, CosmosPromptRepository>();
        services.AddSingleton<INudgeRepository, CosmosNudgeRepository>();
        services.AddSingleton<IOutbox, CosmosOutbox>();
        services.AddSingleton<IInstallationRepository, CosmosInstallationRepository>();
        services.AddSingleton<IPersonalDataStore, CosmosPersonalDataStore>();
        services.AddSingleton<Core.Away.IAwayRepository, Away.CosmosAwayRepository>();
        return services;
    }
}
