using System.Collections.Concurrent;
using LearningBot.Core.Conversations;
using LearningBot.Core.Replies;

namespace LearningBot.Tests.Prompts;

/// <summary>
/// A platform stand-in for scheduler tests: records what would have been posted and can be told to
/// fail. The real platform messengers are tested against loopback servers in their own suites.
/// </summary>
public sealed class RecordingMessenger : IProactiveMessenger
{
    private int _sequence;

    public string Platform => "test";

    public ConcurrentQueue<(string ConversationKey, string? ThreadId, BotReply Reply, string MessageId)> Sent { get; } = new();

    /// <summary>What to answer instead of sending (null: send).</summary>
    public ProactiveSendOutcome? Outage { get; set; }

    public Task<ProactiveSendOutcome> SendAsync(StoredConversation conversation, BotReply reply, string? threadId,
        CancellationToken cancellationToken)
    {
        if (Outage is { } outage)
        {
            return Task.FromResult(outage);
        }

        var id = "m" + Interlocked.Increment(ref _sequence);
        Sent.Enqueue((conversation.Key, threadId, reply, id));
        return Task.FromResult(new ProactiveSendOutcome(ProactiveSendResult.Sent, id));
    }

    public IReadOnlyList<string> Texts() => Sent.Select(s => PlainTextRenderer.Render(s.Reply)).ToList();
}
