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
    public async Task StartCosmos() => _store = await CosmosTestTarget.StartOwnDatabaseAsync("lbconv");

    [OneTimeTearDown]
    public Task StopCosmos() => CosmosTestTarget.StopOwnDatabaseAsync(_store);

    protected override Task<IConversationRepository> CreateRepositoryAsync() =>
        Task.FromResult<IConversationRepository>(new CosmosConversationRepository(_store));
}
