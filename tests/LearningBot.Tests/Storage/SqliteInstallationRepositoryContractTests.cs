using LearningBot.Core.Installations;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Installations;

namespace LearningBot.Tests.Storage;

[TestFixture]
public sealed class SqliteInstallationRepositoryContractTests : InstallationRepositoryContractTests
{
    private TempDirectory _directory = null!;

    protected override async Task<IInstallationRepository> CreateRepositoryAsync()
    {
        _directory = new TempDirectory();
        var database = new SqliteDatabase(_directory.File("installations.db"));
        await database.InitializeAsync(default);
        return new SqliteInstallationRepository(database);
    }

    protected override Task DisposeRepositoryAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
