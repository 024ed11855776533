namespace LearningBot.Core.Commands;

/// <summary>
/// A chat message after a platform adapter has translated it. Mentions in <see cref="Text"/> are
/// normalised by the adapter to <c>&lt;@USERID&gt;</c> tokens so one parser serves every platform.
/// </summary>
/// <param name="TeamId">The Slack workspace, Teams tenant/team, or playground team the message belongs to.</param>
/// <param name="UserId">The platform user id of the sender.</param>
/// <param name="UserName">The sender's display name, as the platform knows it.</param>
/// <param name="Text">The command text, without the bot's own mention or slash.</param>
/// <param name="IdempotencyKey">The platform's message/event id: a redelivery carries the same key.</param>
public sealed record IncomingMessage(string TeamId, string UserId, string UserName, string Text, string IdempotencyKey)
{
    /// <summary>Which adapter produced the message (for logs and replies that differ by platform).</summary>
    public string Platform { get; init; } = "playground";

    public string? ChannelId { get; init; }

    /// <summary>Set by the adapter from the platform's own notion of admin (Slack admin, Teams owner).</summary>
    public bool IsTeamAdmin { get; init; }

    /// <summary>The sender's own IANA time zone when the platform knows it (Slack profiles do); else the team's is used.</summary>
    public string? UserTimeZoneId { get; init; }

    /// <summary>
    /// Where the message was said, as the adapter would store it for posting there later (prompts).
    /// Null where the bot cannot post on its own (e.g. the platform is not set up for it).
    /// </summary>
    public Conversations.StoredConversation? Conversation { get; init; }

    /// <summary>How to reach the sender privately (their DM with the bot), when the platform can; used for nudges.</summary>
    public Conversations.StoredConversation? PrivateConversation { get; init; }

    /// <summary>
    /// A read from outside chat (the personal web page): the pipeline records no member for it, so viewing a page never
    /// re-creates a person who was forgotten. Chat messages leave it false.
    /// </summary>
    public bool IsReadOnly { get; init; }

    /// <summary>What the conversation offers (threads, @mentions), so replies fit it; set by the adapter.</summary>
    public ConversationScope Scope { get; init; } = ConversationScope.Default;

    /// <summary>
    /// The platform message this text came from, when the platform tells the bot later that it was edited or deleted:
    /// <c>slack:{channel}:{ts}</c> or <c>msteams:{conversation}:{activity id}</c>. A learning logged from it remembers it
    /// (<see cref="Learnings.LearningEntry.SourceMessage"/>). Null for slash commands, buttons, forms and the playground.
    /// </summary>
    public string? SourceMessage { get; init; }

    /// <summary>Display names for the people mentioned in <see cref="Text"/>, when the platform sent them.</summary>
    public IReadOnlyList<MentionedMember> Mentions { get; init; } = [];
}

public sealed record MentionedMember(string UserId, string DisplayName);
