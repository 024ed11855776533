using LearningBot.Core.Nudges;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Outbox;
using LearningBot.Storage.Sqlite.Prompts;

namespace LearningBot.Tests.Storage;

[TestFixture]
public sealed class SqliteSchedulingContractTests : SchedulingContractTests
{
    private TempDirectory _directory = null!;

    protected override async Task<(IPromptRepository Prompts, INudgeRepository Nudges, IOutbox Outbox)> CreateStoresAsync()
    {
        _directory = new TempDirectory();
        var database = new SqliteDatabase(_directory.File("scheduling.db"));
        await database.InitializeAsync(default);
        return (new SqlitePromptRepository(database), new SqliteNudgeRepository(database), new SqliteOutbox(database));
    }

    protected override Task DisposeStoresAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
