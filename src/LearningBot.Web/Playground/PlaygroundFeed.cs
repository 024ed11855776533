using System.Collections.Concurrent;
using LearningBot.Core.Conversations;
using LearningBot.Core.Replies;

namespace LearningBot.Web.Playground;

/// <param name="Id">The "platform message id" the bot got back; thread answers refer to it.</param>
/// <param name="ThreadId">The post this one replies to (a digest in its prompt's thread).</param>
/// <param name="To">The person a direct message is for (review DMs, nudges, ask-me questions); null for the team's channel.</param>
public sealed record PlaygroundPost(long Sequence, string Id, string? ThreadId, string Text, BotReply Reply, DateTimeOffset PostedAt,
    string? To = null);

/// <summary>
/// What the bot posted on its own in the playground (prompts, digests, nudges), kept in memory per
/// team so the page can show it. It is a stand-in for a channel, not a store: a restart empties it.
/// </summary>
public sealed class PlaygroundFeed(TimeProvider time)
{
    private const int KeptPerTeam = 200;
    private readonly ConcurrentDictionary<string, List<PlaygroundPost>> _posts = new(StringComparer.Ordinal);
    private long _sequence;

    public PlaygroundPost Post(string teamId, string? threadId, BotReply reply, string? to = null)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var post = new PlaygroundPost(sequence, $"pg-{sequence}", threadId, PlainTextRenderer.Render(reply), reply, time.GetUtcNow(), to);
        var posts = _posts.GetOrAdd(teamId, _ => []);
        lock (posts)
        {
            posts.Add(post);
            if (posts.Count > KeptPerTeam)
            {
                posts.RemoveAt(0);
            }
        }

        return post;
    }

    public IReadOnlyList<PlaygroundPost> Since(string teamId, long after)
    {
        if (!_posts.TryGetValue(teamId, out var posts))
        {
            return [];
        }

        lock (posts)
        {
            return posts.Where(p => p.Sequence > after).ToList();
        }
    }
}

/// <summary>The playground's "platform": proactive messages land in the <see cref="PlaygroundFeed"/>.</summary>
public sealed class PlaygroundMessenger(PlaygroundFeed feed) : IProactiveMessenger
{
    public string Platform => PlaygroundEndpoints.Platform;

    public Task<ProactiveSendOutcome> SendAsync(StoredConversation conversation, BotReply reply, string? threadId,
        CancellationToken cancellationToken) =>
        Task.FromResult(new ProactiveSendOutcome(ProactiveSendResult.Sent,
            feed.Post(conversation.TeamId, threadId, reply, conversation.Kind == ConversationKind.Personal ? conversation.UserId : null).Id));
}
