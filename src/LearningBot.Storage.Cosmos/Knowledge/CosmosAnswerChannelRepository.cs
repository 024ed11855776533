using System.Net;
using LearningBot.Core.Knowledge;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Knowledge;

/// <summary>One <c>answerChannel</c> document per channel that is on, in the team's partition (a point read per channel message).</summary>
public sealed class CosmosAnswerChannelRepository(CosmosStore store) : IAnswerChannelRepository
{
    public Task<bool> IsOnAsync(string teamId, string channelId, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
            await CosmosStore.TryReadAsync<AnswerChannelDocument>(store.Teams, DocumentIds.AnswerChannel(channelId), teamId, token) is not null,
            cancellationToken);

    public Task SetAsync(string teamId, string channelId, bool on, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var id = DocumentIds.AnswerChannel(channelId);
            if (on)
            {
                await store.Teams.UpsertItemAsync(new AnswerChannelDocument { Id = id, TeamId = teamId, ChannelId = channelId },
                    new PartitionKey(teamId), new ItemRequestOptions { EnableContentResponseOnWrite = false }, token);
                return;
            }

            try
            {
                await store.Teams.DeleteItemAsync<AnswerChannelDocument>(id, new PartitionKey(teamId), cancellationToken: token);
            }
            catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                // already off
            }
        }, cancellationToken);
}
