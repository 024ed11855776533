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

    /// <summary>Channels named in <see cref="Text"/> (Slack's <c>&lt;#C123|general&gt;</c> reads as <c>#general</c>): their ids by name.</summary>
    public IReadOnlyList<MentionedChannel> Channels { get; init; } = [];

    /// <summary>
    /// Set when the message is a reaction someone added to (or removed from) a message, not text they wrote: only the
    /// kudos grammar reads it (<see cref="Kudos.InlineKudosGrammar.Recognise(IncomingMessage, Settings.TeamSettings)"/>).
    /// <see cref="IdempotencyKey"/> then names the reacted-to message and the person reacting, the same for adding and removing.
    /// </summary>
    public MessageReaction? Reaction { get; init; }
}

/// <param name="IsBot">The platform says this account is a bot or app (Slack <c>is_bot</c>, Teams ids <c>28:…</c>): no kudos for it.</param>
public sealed record MentionedMember(string UserId, string DisplayName, bool IsBot = false);

/// <param name="Id">The platform's channel id.</param>
/// <param name="Name">The name as shown, without <c>#</c>.</param>
public sealed record MentionedChannel(string Id, string Name);

/// <summary>A reaction on a message, as the adapter read it.</summary>
/// <param name="Emoji">The reaction's short name as the platform names it (Slack: <c>tada</c>, <c>+1::skin-tone-2</c>).</param>
/// <param name="Added">True for added, false for removed.</param>
/// <param name="AuthorId">Who wrote the reacted-to message (Slack <c>item_user</c>); null when unknown.</param>
/// <param name="AuthorIsBot">The message was posted by a bot or app.</param>
/// <param name="Text">The reacted-to message's text, normalised like command text (empty when it could not be read).</param>
/// <param name="Link">A link to the reacted-to message (Slack permalink), when available.</param>
public sealed record MessageReaction(string Emoji, bool Added, string? AuthorId, bool AuthorIsBot, string Text, string? Link);
