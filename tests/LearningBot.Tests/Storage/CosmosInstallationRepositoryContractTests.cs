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
    public async Task StartCosmos() => _store = await CosmosTestTarget.StartOwnDatabaseAsync("lbinst");

    [OneTimeTearDown]
    public Task StopCosmos() => CosmosTestTarget.StopOwnDatabaseAsync(_store);

    protected override Task<IInstallationRepository> CreateRepositoryAsync() =>
        Task.FromResult<IInstallationRepository>(new CosmosInstallationRepository(_store));
}
