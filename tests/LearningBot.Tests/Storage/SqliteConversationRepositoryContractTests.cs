using LearningBot.Core.Conversations;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Conversations;

namespace LearningBot.Tests.Storage;

[TestFixture]
public sealed class SqliteConversationRepositoryContractTests : ConversationRepositoryContractTests
{
    private TempDirectory _directory = null!;

    protected override async Task<IConversationRepository> CreateRepositoryAsync()
    {
        _directory = new TempDirectory();
        var database = new SqliteDatabase(_directory.File("conversations.db"));
        await database.InitializeAsync(default);
        return new SqliteConversationRepository(database);
    }

    protected override Task DisposeRepositoryAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
