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
using LearningBot.Storage.Sqlite.Conversations;
using LearningBot.Storage.Sqlite.Installations;
using LearningBot.Storage.Sqlite.Knowledge;
using LearningBot.Storage.Sqlite.Knowledge.Semantic;
using LearningBot.Storage.Sqlite.Kudos;
using LearningBot.Storage.Sqlite.Learnings;
using LearningBot.Storage.Sqlite.Members;
using LearningBot.Storage.Sqlite.Outbox;
using LearningBot.Storage.Sqlite.Privacy;
using LearningBot.Storage.Sqlite.Prompts;
using LearningBot.Storage.Sqlite.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningBot.Storage.Sqlite;

public static class ServiceCollectionExtensions
{
    /// <param name="busyPolicy">Default: <see cref="SqliteBusyPolicy.Default"/> (tests shorten it).</param>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string databasePath, SqliteBusyPolicy? busyPolicy = null)
    {
        services.AddSingleton(sp => new SqliteDatabase(databasePath, busyPolicy, sp.GetService<ILogger<SqliteDatabase>>())
        {
            Metrics = sp.GetService<LearningBotMetrics>(),
        });
        services.AddSingleton<IStorageInitializer>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<ITeamSettingsRepository, SqliteTeamSettingsRepository>();
        services.AddSingleton<IMemberRepository, SqliteMemberRepository>();
        services.AddSingleton<ILearningRepository, SqliteLearningRepository>();
        services.AddSingleton<IKudosRepository, SqliteKudosRepository>();
        services.AddSingleton<IKnowledgeRepository, SqliteKnowledgeRepository>();
        services.AddSingleton<IAnswerReviewRepository, SqliteAnswerReviewRepository>();
        services.AddSingleton<IPersonSettingsRepository, SqlitePersonSettingsRepository>();
        services.AddSingleton<IQuestionRepository, SqliteQuestionRepository>();
        services.AddSingleton<SqliteVectorCache>();
        services.AddSingleton<IAnswerChannelRepository, SqliteAnswerChannelRepository>();
        services.AddSingleton<ISearchIndex, SqliteSearchIndex>();
        services.AddSingleton<IEmbeddingStore, SqliteEmbeddingStore>();
        services.AddSingleton<IDeliveryLog, SqliteDeliveryLog>();
        services.AddSingleton<IPromptRepository, SqlitePromptRepository>();
        services.AddSingleton<INudgeRepository, SqliteNudgeRepository>();
        services.AddSingleton<IOutbox, SqliteOutbox>();
        services.AddSingleton<IPersonalDataStore, SqlitePersonalDataStore>();
        services.AddSingleton<IConversationRepository, SqliteConversationRepository>();
        services.AddSingleton<IInstallationRepository, SqliteInstallationRepository>();
        services.AddSingleton<Core.Away.IAwayRepository, Away.SqliteAwayRepository>();
        return services;
    }
}
