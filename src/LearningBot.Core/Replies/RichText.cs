using System.Text.Json.Serialization;

namespace LearningBot.Core.Replies;

/// <summary>
/// Text as typed spans rather than markup, so user-supplied text can never inject Slack mrkdwn,
/// Teams markdown or HTML: each renderer escapes plain spans for its own format.
/// </summary>
public sealed record RichText(IReadOnlyList<Span> Spans)
{
    public static RichText Of(params Span[] spans) => new(spans);

    public static implicit operator RichText(string text) => new([new PlainSpan(text)]);

    public string ToPlainText() => string.Concat(Spans.Select(s => s.PlainText));
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(PlainSpan), "plain")]
[JsonDerivedType(typeof(StrongSpan), "strong")]
[JsonDerivedType(typeof(MentionSpan), "mention")]
[JsonDerivedType(typeof(CodeSpan), "code")]
[JsonDerivedType(typeof(LinkSpan), "link")]
public abstract record Span
{
    [JsonIgnore]
    public abstract string PlainText { get; }

    public static implicit operator Span(string text) => new PlainSpan(text);
}

public sealed record PlainSpan(string Text) : Span
{
    public override string PlainText => Text;
}

public sealed record StrongSpan(string Text) : Span
{
    public override string PlainText => Text;
}

/// <summary>A person; Slack renders <c>&lt;@id&gt;</c>, Teams an at-mention or the name, the playground @name.</summary>
public sealed record MentionSpan(string UserId, string DisplayName) : Span
{
    public override string PlainText => "@" + DisplayName;
}

/// <summary>A command or literal the reader might type, e.g. in help and error messages.</summary>
public sealed record CodeSpan(string Text) : Span
{
    public override string PlainText => Text;
}

/// <summary>
/// A link the reader can open (e.g. a private, expiring dashboard link). Renderers make it a link or button; its plain
/// text is the label only, because the address of a private link is a bearer token and must not appear as text (in
/// notification previews, logs or a copy of the message).
/// </summary>
public sealed record LinkSpan(string Text, string Url) : Span
{
    public override string PlainText => Text;

    /// <summary>
    /// What Slack and Teams show for a link they cannot open (a relative address, when no public address is known): the label
    /// and why there is no link, never the address (a private link's token).
    /// </summary>
    public string TextWithoutAddress => Text + " (no link: the bot's public address is not configured)";
}
