using System.Text.Json.Serialization;

namespace LearningBot.Core.Replies;

/// <summary>Who sees a reply: everyone in the conversation, or only the person who sent the command.</summary>
public enum ReplyAudience { Requester, Channel }

/// <summary>What a reply is about; renderers pick a card style from it.</summary>
public enum ReplyKind { Confirmation, Kudos, Learnings, SearchResults, People, Leaderboard, Digest, Settings, Help, Error, Prompt, Nudge }

/// <summary>
/// A platform-neutral reply. Slack renders it as Block Kit, Teams as an Adaptive Card, the playground
/// as HTML; <see cref="PlainTextRenderer"/> gives the text fallback every platform also needs.
/// </summary>
public sealed record BotReply(ReplyKind Kind, ReplyAudience Audience, IReadOnlyList<ReplyBlock> Blocks)
{
    /// <summary>Messages the bot sends privately to other people as a result (e.g. a kudos receiver).</summary>
    public IReadOnlyList<DirectMessage> DirectMessages { get; init; } = [];

    /// <summary>True when the command was a redelivery: nothing new was stored, and adapters must not repeat side effects.</summary>
    public bool IsRedelivery { get; init; }

    /// <summary>
    /// The reply shows the requester's own private learnings (their text, tags or minutes). Only the requester may
    /// see it: where a platform shows every reply to the whole conversation (a Teams channel), the adapter delivers
    /// it in the person's 1:1 chat instead, as it does for private links.
    /// </summary>
    public bool ShowsPrivateLearnings { get; init; }

    /// <summary>
    /// Only the requester may see it (e.g. "you're over your kudos budget"): where every reply is seen by the whole
    /// conversation (a Teams channel), the adapter sends it in the person's 1:1 chat instead; Slack answers ephemerally anyway.
    /// </summary>
    public bool IsPrivateNotice { get; init; }

    /// <summary>
    /// Acknowledge quietly (inline kudos, kudos by reaction): Slack adds a reaction to the person's message instead of posting
    /// a channel reply; Teams, where bots cannot react, posts the short reply in the message's thread. A quiet reply without
    /// blocks (<see cref="Reply.Silent"/>) posts nothing at all; direct messages are sent either way.
    /// </summary>
    public bool IsQuiet { get; init; }

    /// <summary>A quiet reply with nothing to show: adapters post nothing (and still send <see cref="DirectMessages"/>).</summary>
    [JsonIgnore]
    public bool IsSilent => IsQuiet && Blocks.Count == 0;

    /// <summary>The command failed on our side (e.g. storage down) and stored nothing: a redelivery may try it again.</summary>
    [JsonIgnore]
    public bool NothingSaved { get; init; }
}

public sealed record DirectMessage(string RecipientId, BotReply Reply);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeadingBlock), "heading")]
[JsonDerivedType(typeof(TextBlock), "text")]
[JsonDerivedType(typeof(ListBlock), "list")]
[JsonDerivedType(typeof(FactsBlock), "facts")]
[JsonDerivedType(typeof(NoteBlock), "note")]
[JsonDerivedType(typeof(ActionsBlock), "actions")]
public abstract record ReplyBlock;

public sealed record HeadingBlock(string Text) : ReplyBlock;

public sealed record TextBlock(RichText Text) : ReplyBlock;

/// <param name="Items">Entries such as search hits or learnings; each has a main line and small print.</param>
public sealed record ListBlock(IReadOnlyList<ListItem> Items) : ReplyBlock;

public sealed record ListItem(RichText Text, string? Meta = null);

public sealed record FactsBlock(IReadOnlyList<Fact> Facts) : ReplyBlock;

public sealed record Fact(string Label, string Value);

/// <summary>Small print under the main content (context in Slack, a subtle TextBlock in Teams).</summary>
public sealed record NoteBlock(RichText Text) : ReplyBlock;

public sealed record ActionsBlock(IReadOnlyList<ReplyAction> Actions) : ReplyBlock;

/// <param name="Command">The shared-grammar command the button runs, e.g. <c>helped 42</c>.</param>
public sealed record ReplyAction(string Label, string Command)
{
    /// <summary>
    /// Set when the button asks for text first (e.g. "Edit"): the person changes <see cref="TextPrompt.InitialText"/> and the
    /// button runs <see cref="Command"/>, a space and what they typed. Slack opens a modal, Teams shows a card input, the
    /// playground puts the command in the text box.
    /// </summary>
    public TextPrompt? AsksFor { get; init; }
}

/// <param name="Label">The input's label, e.g. "What you learned".</param>
/// <param name="InitialText">What the input starts with (the current text).</param>
public sealed record TextPrompt(string Label, string InitialText);
