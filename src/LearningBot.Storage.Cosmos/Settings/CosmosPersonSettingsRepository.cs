using LearningBot.Core.Settings;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Settings;

/// <summary>One <c>person-…</c> document per person in the team's partition.</summary>
public sealed class CosmosPersonSettingsRepository(CosmosStore store) : IPersonSettingsRepository
{
    public Task<PersonSettings> GetAsync(string teamId, string userId, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
            await CosmosStore.TryReadAsync<PersonSettingsDocument>(store.Teams, DocumentIds.PersonSettings(userId), teamId, token) is { } document
                ? new PersonSettings(teamId, userId, document.AskMe)
                : PersonSettings.Default(teamId, userId), cancellationToken);

    public Task SaveAsync(PersonSettings settings, CancellationToken cancellationToken) =>
        store.RunAsync(token => store.Teams.UpsertItemAsync(new PersonSettingsDocument
        {
            Id = DocumentIds.PersonSettings(settings.UserId),
            TeamId = settings.TeamId,
            UserId = settings.UserId,
            AskMe = settings.AskMe,
        }, new PartitionKey(settings.TeamId), new ItemRequestOptions { EnableContentResponseOnWrite = false }, token), cancellationToken);
}
