using System.Net;
using LearningBot.Core.Kudos;
using LearningBot.Core.Settings;
using LearningBot.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Settings;

/// <summary>One <c>settings</c> document per team partition; its ETag is <see cref="TeamSettings.Version"/>.</summary>
public sealed class CosmosTeamSettingsRepository(CosmosStore store) : ITeamSettingsRepository
{
    public Task<TeamSettings> GetAsync(string teamId, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            // Most teams never change their settings, so a 404 here is the normal case (1 RU on the real service).
            var document = await CosmosStore.TryReadAsync<SettingsDocument>(store.Teams, DocumentIds.Settings, teamId, token);
            return document is null
                ? TeamSettings.Default(teamId)
                : new TeamSettings(teamId, document.KudosWeeklyBudget, document.LeaderboardEnabled, document.TimeZoneId)
                {
                    Version = document.ETag,
                    KudosBudgetPeriod = KudosPeriods.TryParse(document.KudosBudgetPeriod ?? "week", out var period) ? period : KudosPeriod.Week,
                    KudosEmoji = document.KudosEmoji ?? Core.Kudos.KudosEmoji.Default,
                    Values = document.Values ?? [],
                    ReviewAfterDays = document.ReviewAfterDays ?? TeamSettings.DefaultReviewAfterDays,
                };
        }, cancellationToken);

    public Task<TeamSettings> SaveAsync(TeamSettings settings, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var document = new SettingsDocument
            {
                Id = DocumentIds.Settings,
                TeamId = settings.TeamId,
                KudosWeeklyBudget = settings.KudosWeeklyBudget,
                LeaderboardEnabled = settings.LeaderboardEnabled,
                TimeZoneId = settings.TimeZoneId,
                KudosBudgetPeriod = KudosPeriods.Unit(settings.KudosBudgetPeriod),
                KudosEmoji = settings.KudosEmoji,
                Values = settings.Values,
                ReviewAfterDays = settings.ReviewAfterDays,
            };
            var partition = new PartitionKey(settings.TeamId);
            try
            {
                // No version means "never saved": only a create may succeed, so a concurrent first save loses with 409.
                var response = settings.Version is null
                    ? await store.Teams.CreateItemAsync(document, partition, cancellationToken: token)
                    : await store.Teams.ReplaceItemAsync(document, document.Id, partition,
                        new ItemRequestOptions { IfMatchEtag = settings.Version }, token);
                return settings with { Version = response.ETag };
            }
            catch (CosmosException ex) when (ex.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                throw new ConcurrencyConflictException($"Settings of team {settings.TeamId} changed since they were read.");
            }
        }, cancellationToken);
}
