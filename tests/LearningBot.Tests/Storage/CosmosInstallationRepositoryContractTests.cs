using LearningBot.Core.Installations;
using LearningBot.Storage.Cosmos;
using LearningBot.Storage.Cosmos.Installations;

namespace LearningBot.Tests.Storage;

/// <summary>The installation contract against a Cosmos DB server: one database per fixture run, tests apart by workspace.</summary>
[TestFixture]
public sealed class CosmosInstallationRepositoryContractTests : InstallationRepositoryContractTests
{
    private CosmosStore _store = null!;

    [OneTimeSetUp]
    public async Task StartCosmos()
    {
        var target = CosmosTestTarget.FindOrIgnore();
        _store = target.CreateStore(target.Options($"lbinst-{Guid.NewGuid():N}"[..20], CosmosSearchMode.Contains));
        await _store.InitializeAsync(default);
    }

    [OneTimeTearDown]
    public async Task StopCosmos()
    {
        if (_store is null)
        {
            return;
        }

        await _store.DeleteDatabaseAsync(default);
        _store.Dispose();
    }

    protected override Task<IInstallationRepository> CreateRepositoryAsync() =>
        Task.FromResult<IInstallationRepository>(new CosmosInstallationRepository(_store));
}
