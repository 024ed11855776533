using System.Text.Json.Serialization;
using LearningBot.Core.Installations;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Installations;

internal sealed record InstallationDocument : IETagged
{
    public required string Id { get; init; }

    /// <summary>The workspace id: an install is looked up by workspace, so it sits in that team's partition.</summary>
    public required string TeamId { get; init; }

    public string Type { get; init; } = "installation";

    public required string Platform { get; init; }

    public required string TeamName { get; init; }

    public required string BotUserId { get; init; }

    public required string BotToken { get; init; }

    public required string InstalledBy { get; init; }

    public required long InstalledAt { get; init; }

    public required bool IsActive { get; init; }

    public long? DeactivatedAt { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    // The document carries a token: never show it (e.g. in an assertion message or a log line).
    public override string ToString() => $"InstallationDocument {{ Platform = {Platform}, TeamId = {TeamId}, BotToken = [redacted] }}";
}

/// <summary>One document per platform in the workspace's partition of <c>teams</c>: point reads and writes only.</summary>
public sealed class CosmosInstallationRepository(CosmosStore store) : IInstallationRepository
{
    public Task SaveAsync(Installation installation, CancellationToken cancellationToken) =>
        store.RunAsync(token => store.Teams.UpsertItemAsync(new InstallationDocument
        {
            Id = DocumentIds.Installation(installation.Platform),
            TeamId = installation.TeamId,
            Platform = installation.Platform,
            TeamName = installation.TeamName,
            BotUserId = installation.BotUserId,
            BotToken = installation.BotToken,
            InstalledBy = installation.InstalledBy,
            InstalledAt = installation.InstalledAt.ToUnixTimeMilliseconds(),
            IsActive = installation.IsActive,
        }, new PartitionKey(installation.TeamId), new ItemRequestOptions { EnableContentResponseOnWrite = false }, token), cancellationToken);

    public Task<Installation?> GetAsync(string platform, string teamId, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var d = await CosmosStore.TryReadAsync<InstallationDocument>(store.Teams, DocumentIds.Installation(platform), teamId, token);
            return d is null
                ? null
                : new Installation(d.Platform, d.TeamId, d.TeamName, d.BotUserId, d.BotToken, d.InstalledBy,
                    DateTimeOffset.FromUnixTimeMilliseconds(d.InstalledAt), d.IsActive);
        }, cancellationToken);

    public Task<bool> DeactivateAsync(string platform, string teamId, DateTimeOffset at, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
            await CosmosStore.UpdateAsync<InstallationDocument>(store.Teams, DocumentIds.Installation(platform), teamId,
                d => d.IsActive ? d with { IsActive = false, DeactivatedAt = at.ToUnixTimeMilliseconds() } : null, token) is not null,
            cancellationToken);
}
