using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LearningBot.Slack.Api;

namespace LearningBot.Slack.Adapter;

/// <summary>
/// A person's DM with the bot, by <c>conversations.open</c>: Slack answers with the same IM channel for the same person
/// every time ("If the conversation already exists, its ID is returned": https://api.slack.com/methods/conversations.open),
/// so the answer is remembered and the call made once per person, not once per DM (a kudos DMed each receiver with two
/// calls; issue 18). A post that finds the channel gone (<see cref="Forget"/>) opens it again.
/// </summary>
public sealed class SlackDirectChannels(ISlackApi slack)
{
    /// <summary>A bound on memory: past it the cache starts over.</summary>
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<(string TeamId, string UserId), string> _channels = new();

    // Opens under way: DMs to one person that overlap (two kudos in a row, the first one's DM still being sent) share one call.
    private readonly ConcurrentDictionary<(string TeamId, string UserId), Lazy<Task<(string?, SlackApiResult?)>>> _opening = new();

    /// <summary>
    /// The IM channel id (<c>D…</c>), or the failed call (already logged by the client, with Slack's reason). Callers asking
    /// for the same person at the same time wait for one <c>conversations.open</c>; <paramref name="cancellationToken"/> ends
    /// only this caller's wait (the call itself is bounded by the Slack client's timeouts).
    /// </summary>
    public async Task<(string? Channel, SlackApiResult? Failure)> OpenAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        var key = (teamId, userId);
        if (_channels.TryGetValue(key, out var known))
        {
            return (known, null);
        }

        var opening = _opening.GetOrAdd(key, k => new Lazy<Task<(string?, SlackApiResult?)>>(() => OpenNowAsync(k.TeamId, k.UserId)));
        try
        {
            return await opening.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (opening.Value.IsCompleted)
            {
                _opening.TryRemove(KeyValuePair.Create(key, opening));
            }
        }
    }

    private async Task<(string?, SlackApiResult?)> OpenNowAsync(string teamId, string userId)
    {
        var opened = await slack.CallAsync(teamId, "conversations.open", new JsonObject { ["users"] = userId }, CancellationToken.None);
        var channel = opened.Body?["channel"]?["id"]?.GetValue<string>();
        if (!opened.Ok || channel is null)
        {
            return (null, opened);
        }

        if (_channels.Count >= MaxEntries)
        {
            _channels.Clear();
        }

        _channels[(teamId, userId)] = channel;
        return (channel, null);
    }

    /// <summary>Slack refused a post to the remembered channel: the next DM opens it again.</summary>
    public void Forget(string teamId, string userId) => _channels.TryRemove((teamId, userId), out _);

    /// <summary>Errors of a post that mean the remembered DM channel is no longer the one to use.</summary>
    public static bool IsStale(SlackApiResult posted) => !posted.Ok && posted.Error is "channel_not_found" or "is_archived" or "not_in_channel";
}
