namespace LearningBot.Core.Commands;

/// <summary>
/// What the place a message was sent in offers, as the adapter knows it, so replies only suggest what works there
/// (Teams: a personal chat has no people picker, a group chat has no threads; see docs/teams.md).
/// </summary>
/// <param name="HasThreads">Replies can be collected in a thread under a bot post (standing-meeting prompts need it).</param>
/// <param name="CanMentionPeople">The composer can @mention people here, so <c>kudos @name</c> can be typed.</param>
/// <param name="BotNeedsMention">The bot only sees messages that mention it (Teams channels and group chats).</param>
/// <param name="AdminHint">Who the admins are and whom to ask, in the platform's terms; null: a generic "ask an admin".</param>
public sealed record ConversationScope(bool HasThreads, bool CanMentionPeople, bool BotNeedsMention, string? AdminHint = null)
{
    /// <summary>Slack channels and the playground: threads, mentions, no mention needed to reach the bot.</summary>
    public static ConversationScope Default { get; } = new(HasThreads: true, CanMentionPeople: true, BotNeedsMention: false);

    /// <summary>The sentence that tells a non-admin whom to ask.</summary>
    public string WhomToAsk => AdminHint ?? "An admin of your workspace or team can do it for you.";
}
