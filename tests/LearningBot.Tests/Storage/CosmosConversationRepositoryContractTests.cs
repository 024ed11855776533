using LearningBot.Core.Conversations;
using LearningBot.Storage.Cosmos;
using LearningBot.Storage.Cosmos.Conversations;

namespace LearningBot.Tests.Storage;

/// <summary>The conversation contract against a Cosmos DB server: one database per fixture run, tests apart by team and key.</summary>
[TestFixture]
public sealed class CosmosConversationRepositoryContractTests : ConversationRepositoryContractTests
{
    private CosmosStore _store = null!;

    [OneTimeSetUp]
    public async Task StartCosmos()
    {
        var target = CosmosTestTarget.FindOrIgnore();
        _store = target.CreateStore(target.Options($"lbconv-{Guid.NewGuid():N}"[..20], CosmosSearchMode.Contains));
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

    protected override Task<IConversationRepository> CreateRepositoryAsync() =>
        Task.FromResult<IConversationRepository>(new CosmosConversationRepository(_store));
}
