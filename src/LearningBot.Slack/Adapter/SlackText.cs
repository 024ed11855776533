using System.Text;
using System.Text.RegularExpressions;
using LearningBot.Core.Commands;

namespace LearningBot.Slack.Adapter;

/// <summary>
/// Text for the shared grammar: a mention token <c>&lt;@U123&gt;</c> appears in <see cref="Text"/> only where Slack sent
/// a mention (never where a person typed those characters), and <see cref="Mentions"/> holds the names Slack sent with them.
/// </summary>
public sealed record GrammarText(string Text, IReadOnlyList<MentionedMember> Mentions)
{
    /// <summary>The same text with the grammar's command word in front (a slash command's text carries no command word).</summary>
    public GrammarText Prefixed(string prefix) => this with { Text = prefix + Text };

    /// <summary>Channels Slack linked in the text (<c>&lt;#C123|general&gt;</c>, shown as <c>#general</c>), by id and name.</summary>
    public IReadOnlyList<MentionedChannel> Channels { get; init; } = [];
}

/// <summary>
/// Slack text → the shared grammar's text. Slack's markup is <c>&lt;…&gt;</c>: mentions <c>&lt;@U123|name&gt;</c>,
/// channels <c>&lt;#C123|name&gt;</c>, special and group mentions <c>&lt;!here&gt;</c>, <c>&lt;!subteam^S1|@ops&gt;</c>,
/// links <c>&lt;https://x|label&gt;</c>. What a person types is escaped (<c>&amp;amp; &amp;lt; &amp;gt;</c>), so a literal
/// <c>&lt;</c> is always markup. Source: https://api.slack.com/reference/surfaces/formatting#escaping and
/// https://api.slack.com/reference/surfaces/formatting#retrieving-messages.
/// </summary>
public static partial class SlackText
{
    /// <summary>
    /// Slack-escaped text (message events, app mentions, slash commands with escaping on, message shortcuts) → grammar text.
    /// The markup is read first and the entities decoded only in the text between it, so a typed <c>&amp;lt;@U3&amp;gt;</c>
    /// stays plain text (<c>@U3&gt;</c>: the grammar's mention syntax is taken out of typed text, as in Teams) and never
    /// becomes a mention. User mentions become <c>&lt;@U123&gt;</c>; a channel becomes <c>#name</c> (a tag, since people type
    /// <c>#postgres</c> and Slack turns it into <c>&lt;#C0PG|postgres&gt;</c>), or its id when Slack sent no name; <c>@here</c>,
    /// <c>@channel</c>, <c>@everyone</c> and user groups become plain <c>@name</c> text; a link keeps its URL
    /// (<c>label (https://x)</c>).
    /// </summary>
    public static GrammarText Normalise(string text)
    {
        var mentions = new List<MentionedMember>();
        var channels = new List<MentionedChannel>();
        var builder = new StringBuilder(text.Length);
        var typed = new StringBuilder(); // plain text since the last mention token: neutralised as a whole, across markup
        var last = 0;
        foreach (Match markup in MarkupRegex().Matches(text))
        {
            typed.Append(Decode(text[last..markup.Index]));
            var part = FromMarkup(markup.Groups["body"].Value, mentions, channels);
            if (part.IsMention)
            {
                builder.Append(Typed(typed.ToString())).Append(part.Text);
                typed.Clear();
            }
            else
            {
                typed.Append(part.Text);
            }

            last = markup.Index + markup.Length;
        }

        typed.Append(Decode(text[last..]));
        builder.Append(Typed(typed.ToString()));
        return new GrammarText(builder.ToString().Trim(), mentions) { Channels = channels };
    }

    /// <summary>
    /// Text a person typed into a modal's <c>plain_text_input</c>: Slack sends it unescaped, so nothing is decoded and
    /// the grammar's mention syntax <c>&lt;@</c> is taken out: a mention comes only from a users select.
    /// </summary>
    /// <remarks>
    /// The text is first folded as the grammar will fold it (<see cref="CommandInput.Normalize"/>: full-width forms,
    /// invisible characters), so <c>＜@U3&gt;</c> or <c>&lt;</c>+zero-width space+<c>@U3&gt;</c> cannot turn into a mention
    /// after this step. Folding twice changes nothing.
    /// </remarks>
    public static string Typed(string text) => MentionSyntaxRegex().Replace(CommandInput.Normalize(text), string.Empty);

    /// <summary>
    /// Slack-escaped text → what a person reads, for prefilling a form (the share shortcut): mentions are shown as
    /// <c>@name</c> (or <c>@U123</c> when Slack sent no name), so a submitted form never carries mention tokens.
    /// </summary>
    public static string Readable(string text)
    {
        var (normalised, mentions) = Normalise(text);
        return MentionTokenRegex().Replace(normalised, match =>
        {
            var id = match.Groups["id"].Value;
            return "@" + (mentions.FirstOrDefault(m => m.UserId == id)?.DisplayName ?? id);
        });
    }

    /// <summary>Removes a leading mention of the bot (app_mention text starts with it); any leading user mention when the bot's id is unknown.</summary>
    public static string StripLeadingMention(string text, string? botUserId)
    {
        var match = LeadingMentionRegex().Match(text);
        if (match.Success && (botUserId is null || match.Groups["id"].Value == botUserId))
        {
            return text[match.Length..].TrimStart(' ', ',', ':');
        }

        return text;
    }

    /// <summary>Whether Slack-escaped text mentions this user (<c>&lt;@U123&gt;</c> or <c>&lt;@U123|name&gt;</c>).</summary>
    public static bool Mentions(string text, string userId) =>
        MarkupRegex().Matches(text).Any(m => m.Groups["body"].Value is var body
                                             && (body == "@" + userId || body.StartsWith("@" + userId + "|", StringComparison.Ordinal)));

    private readonly record struct Part(string Text, bool IsMention = false)
    {
        public static implicit operator Part(string text) => new(text);
    }

    private static Part FromMarkup(string body, List<MentionedMember> mentions, List<MentionedChannel> channels)
    {
        var bar = body.IndexOf('|', StringComparison.Ordinal);
        var target = bar < 0 ? body : body[..bar];
        var label = bar < 0 ? null : Decode(body[(bar + 1)..]);
        if (label?.Length == 0)
        {
            label = null;
        }

        switch (target.FirstOrDefault())
        {
            case '@' when UserIdRegex().IsMatch(target[1..]):
                var id = target[1..];
                if (label is not null && mentions.All(m => m.UserId != id))
                {
                    mentions.Add(new MentionedMember(id, label));
                }

                return new Part($"<@{id}>", IsMention: true);
            case '@':
                return "@" + (label ?? target[1..]);
            case '#':
                if (label is not null && target.Length > 1)
                {
                    channels.Add(new MentionedChannel(target[1..], label.TrimStart('#')));
                }

                // People type #postgres; Slack links it to the channel of that name. Without the name it is only an id.
                return label is null ? target[1..] : "#" + label.TrimStart('#');
            case '!':
                return Special(target[1..], label);
        }

        if (UrlRegex().IsMatch(target))
        {
            var url = Decode(target);
            var shown = url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? url["mailto:".Length..] : url;
            return label is null || label == url || label == shown ? shown : $"{label} ({shown})";
        }

        return label ?? Decode(target);
    }

    /// <summary><c>&lt;!here&gt;</c>, <c>&lt;!subteam^S1|@ops&gt;</c>, <c>&lt;!date^…|fallback&gt;</c>: plain text, never a broadcast.</summary>
    private static string Special(string target, string? label)
    {
        var caret = target.IndexOf('^', StringComparison.Ordinal);
        var kind = caret < 0 ? target : target[..caret];
        return kind switch
        {
            "here" or "channel" or "everyone" => "@" + kind,
            "subteam" => label is null ? "@" + target[(caret + 1)..] : "@" + label.TrimStart('@'),
            _ => label ?? "@" + kind,
        };
    }

    /// <summary>Slack escapes exactly these three; one pass, so a typed <c>&amp;amp;lt;</c> stays <c>&amp;lt;</c>.</summary>
    private static string Decode(string text) => EntityRegex().Replace(text, match => match.Groups[1].Value switch
    {
        "lt" => "<",
        "gt" => ">",
        _ => "&",
    });

    [GeneratedRegex(@"<(?<body>[^<>]*)>")]
    private static partial Regex MarkupRegex();

    [GeneratedRegex(@"[<\uFF1C\uFE64]+(?=[@\uFF20\uFE6B])")]
    private static partial Regex MentionSyntaxRegex();

    [GeneratedRegex(@"&(amp|lt|gt);")]
    private static partial Regex EntityRegex();

    [GeneratedRegex(@"^[UW][A-Z0-9]+$")]
    private static partial Regex UserIdRegex();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.\-]*:")]
    private static partial Regex UrlRegex();

    [GeneratedRegex(@"<@(?<id>[UW][A-Z0-9]+)>")]
    private static partial Regex MentionTokenRegex();

    [GeneratedRegex(@"^\s*<@(?<id>[UW][A-Z0-9]+)(?:\|[^<>]*)?>")]
    private static partial Regex LeadingMentionRegex();
}
