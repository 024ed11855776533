using LearningBot.Core.Nudges;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Storage.Cosmos;
using LearningBot.Storage.Cosmos.Outbox;
using LearningBot.Storage.Cosmos.Prompts;

namespace LearningBot.Tests.Storage;

/// <summary>
/// The scheduling contract against a Cosmos DB server. The outbox is global (not per team) and the suite
/// asserts exactly what is due, so every test gets its own database, deleted afterwards.
/// </summary>
[TestFixture]
public sealed class CosmosSchedulingContractTests : SchedulingContractTests
{
    private CosmosStore? _store;

    protected override async Task<(IPromptRepository Prompts, INudgeRepository Nudges, IOutbox Outbox)> CreateStoresAsync()
    {
        var target = CosmosTestTarget.FindOrIgnore();
        _store = target.CreateStore(target.Options($"lbsched-{Guid.NewGuid():N}"[..20], CosmosSearchMode.Contains));
        await _store.InitializeAsync(default);
        return (new CosmosPromptRepository(_store), new CosmosNudgeRepository(_store), new CosmosOutbox(_store));
    }

    protected override async Task DisposeStoresAsync()
    {
        if (_store is null)
        {
            return;
        }

        await _store.DeleteDatabaseAsync(default);
        _store.Dispose();
        _store = null;
    }
}
