using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using LearningBot.Storage.Sqlite.Kudos;
using LearningBot.Storage.Sqlite.Learnings;
using LearningBot.Storage.Sqlite.Members;
using LearningBot.Storage.Sqlite.Settings;

namespace LearningBot.Tests.Storage;

/// <summary>The contract suite against a real SQLite file per test.</summary>
[TestFixture]
public sealed class SqliteRepositoryContractTests : RepositoryContractTests
{
    private TempDirectory _directory = null!;

    protected override async Task<StoreUnderTest> CreateStoreAsync()
    {
        _directory = new TempDirectory();
        var database = new SqliteDatabase(_directory.File("contract.db"));
        await database.InitializeAsync(default);
        return new StoreUnderTest(new SqliteTeamSettingsRepository(database), new SqliteMemberRepository(database),
            new SqliteLearningRepository(database), new SqliteKudosRepository(database), new SqliteKnowledgeRepository(database),
            new SqliteQuestionRepository(database), new SqliteSearchIndex(database), new SqliteDeliveryLog(database),
            new SqliteAnswerChannelRepository(database))
        {
            Away = new LearningBot.Storage.Sqlite.Away.SqliteAwayRepository(database),
        };
    }

    protected override Task DisposeStoreAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
