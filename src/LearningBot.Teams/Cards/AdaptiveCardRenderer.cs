using System.Text;
using System.Text.RegularExpressions;
using LearningBot.Core.Replies;
using Newtonsoft.Json.Linq;

namespace LearningBot.Teams.Cards;

/// <summary>
/// Renders a platform-neutral <see cref="BotReply"/> as Adaptive Card JSON for Teams. Schema 1.5 is the
/// newest version every Teams client (desktop, web, mobile) renders; Action.Execute needs 1.4.
/// User text never becomes markup: blocks without mentions use RichTextBlock/TextRun (no markdown at all),
/// blocks with mentions use a TextBlock with every markdown character escaped, because Teams only resolves
/// <c>&lt;at&gt;</c> mentions inside TextBlock.
/// </summary>
public static partial class AdaptiveCardRenderer
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string SchemaVersion = "1.5";

    /// <summary>The Action.Execute verb of every button: its data carries a shared-grammar command.</summary>
    public const string CommandVerb = "learningbot.command";

    public static JObject Render(BotReply reply)
    {
        var mentions = new Dictionary<string, JObject>(StringComparer.Ordinal);
        var body = new JArray();
        foreach (var block in reply.Blocks)
        {
            switch (block)
            {
                case HeadingBlock heading:
                    body.Add(new JObject
                    {
                        ["type"] = "TextBlock", ["text"] = EscapeMarkdown(heading.Text), ["wrap"] = true,
                        ["size"] = "Large", ["weight"] = "Bolder", ["style"] = "heading",
                    });
                    break;
                case Core.Replies.TextBlock paragraph:
                    body.Add(Paragraph(paragraph.Text, mentions, subtle: false));
                    break;
                case NoteBlock note:
                    body.Add(Paragraph(note.Text, mentions, subtle: true));
                    break;
                case ListBlock list:
                    foreach (var item in list.Items)
                    {
                        var items = new JArray { Paragraph(item.Text, mentions, subtle: false) };
                        if (item.Meta is not null)
                        {
                            items.Add(Paragraph(item.Meta, mentions, subtle: true));
                        }

                        body.Add(new JObject { ["type"] = "Container", ["separator"] = true, ["spacing"] = "Medium", ["items"] = items });
                    }

                    break;
                case FactsBlock facts:
                    body.Add(new JObject
                    {
                        ["type"] = "FactSet",
                        ["facts"] = new JArray(facts.Facts.Select(f => new JObject
                        {
                            ["title"] = EscapeMarkdown(f.Label), ["value"] = EscapeMarkdown(f.Value),
                        })),
                    });
                    break;
                case ActionsBlock actions:
                    body.Add(new JObject { ["type"] = "ActionSet", ["actions"] = new JArray(actions.Actions.Select(Action)) });
                    break;
            }
        }

        var card = new JObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = SchemaVersion,
            ["body"] = body,
            // Shown by clients that cannot render the card, and read by screen readers in notifications.
            ["fallbackText"] = PlainTextRenderer.Render(reply),
        };
        var msteams = new JObject { ["width"] = "Full" };
        if (mentions.Count > 0)
        {
            msteams["entities"] = new JArray(mentions.Values);
        }

        card["msteams"] = msteams;
        return card;
    }

    /// <summary>The id of the text input of a button that asks for text; its value is appended to the command (see <see cref="InputKey"/>).</summary>
    public const string TextInputId = "learningbotText";

    /// <summary>In a button's data: the id of the input whose value Teams merges into the data and the bot appends to the command.</summary>
    public const string InputKey = "appendInput";

    /// <summary>
    /// A button that runs a shared-grammar command (e.g. <c>helped 42</c>) as the person who clicked. One that asks for text
    /// (<see cref="ReplyAction.AsksFor"/>, e.g. "Edit") is an Action.ShowCard holding a prefilled Input.Text and a "Save"
    /// Action.Execute: Teams sends the input's value with the data (https://learn.microsoft.com/adaptive-cards/authoring-cards/input-validation).
    /// </summary>
    public static JObject Action(ReplyAction action) => action.AsksFor is not { } asks
        ? new JObject
        {
            ["type"] = "Action.Execute",
            ["title"] = action.Label,
            ["verb"] = CommandVerb,
            ["data"] = new JObject { ["command"] = action.Command },
        }
        : new JObject
        {
            ["type"] = "Action.ShowCard",
            ["title"] = action.Label,
            ["card"] = new JObject
            {
                ["type"] = "AdaptiveCard",
                ["body"] = new JArray(new JObject
                {
                    ["type"] = "Input.Text",
                    ["id"] = TextInputId,
                    ["label"] = asks.Label,
                    ["value"] = asks.InitialText,
                    ["isMultiline"] = true,
                    ["isRequired"] = true,
                    ["errorMessage"] = "Write the new text, or use Delete.",
                    ["maxLength"] = Core.Commands.CommandParser.MaxTextLength,
                }),
                ["actions"] = new JArray(new JObject
                {
                    ["type"] = "Action.Execute",
                    ["title"] = "Save",
                    ["verb"] = CommandVerb,
                    ["data"] = new JObject { ["command"] = action.Command, [InputKey] = TextInputId },
                }),
            },
        };

    private static JObject Paragraph(RichText text, Dictionary<string, JObject> mentions, bool subtle)
    {
        JObject element;
        if (text.Spans.Any(s => s is MentionSpan))
        {
            var markdown = new StringBuilder();
            foreach (var span in text.Spans)
            {
                switch (span)
                {
                    case MentionSpan mention:
                        var at = $"<at>{EscapeMarkdown(mention.DisplayName)}</at>";
                        markdown.Append(at);
                        mentions.TryAdd(at + "|" + mention.UserId, new JObject
                        {
                            ["type"] = "mention",
                            ["text"] = at,
                            ["mentioned"] = new JObject { ["id"] = mention.UserId, ["name"] = mention.DisplayName },
                        });
                        break;
                    case StrongSpan strong:
                        markdown.Append("**").Append(EscapeMarkdown(strong.Text)).Append("**");
                        break;
                    default:
                        markdown.Append(EscapeMarkdown(span.PlainText));
                        break;
                }
            }

            element = new JObject { ["type"] = "TextBlock", ["text"] = markdown.ToString(), ["wrap"] = true };
        }
        else
        {
            element = new JObject
            {
                ["type"] = "RichTextBlock",
                ["inlines"] = new JArray(text.Spans.Where(s => s.PlainText.Length > 0).SelectMany(WithLinks).Select(TextRun)),
            };
        }

        if (subtle)
        {
            element["isSubtle"] = true;
            element["size"] = "Small";
            if (element["inlines"] is JArray runs)
            {
                foreach (var run in runs.OfType<JObject>())
                {
                    run["isSubtle"] = true;
                    run["size"] = "Small";
                }

                element.Remove("isSubtle");
                element.Remove("size");
            }
        }

        return element;
    }

    /// <summary>
    /// Web addresses inside plain text (a stored "Polly retry docs (https://…)") become their own clickable runs:
    /// a TextRun has no markdown, so Teams would otherwise show them as dead text.
    /// </summary>
    private static IEnumerable<Span> WithLinks(Span span)
    {
        if (span is not PlainSpan plain)
        {
            yield return span;
            yield break;
        }

        var at = 0;
        foreach (Match match in UrlRegex().Matches(plain.Text))
        {
            var url = match.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')');
            if (!Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                continue;
            }

            if (match.Index > at)
            {
                yield return new PlainSpan(plain.Text[at..match.Index]);
            }

            yield return new LinkSpan(url, url);
            at = match.Index + url.Length;
        }

        if (at < plain.Text.Length)
        {
            yield return new PlainSpan(plain.Text[at..]);
        }
    }

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase)]
    private static partial Regex UrlRegex();

    private static JObject TextRun(Span span)
    {
        var run = new JObject { ["type"] = "TextRun", ["text"] = span.PlainText };
        switch (span)
        {
            case StrongSpan:
                run["weight"] = "Bolder";
                break;
            case CodeSpan:
                run["fontType"] = "Monospace";
                break;
            case LinkSpan link when Uri.TryCreate(link.Url, UriKind.Absolute, out var url) && url.Scheme is "https" or "http":
                run["text"] = link.Text;
                run["color"] = "Accent";
                run["selectAction"] = new JObject { ["type"] = "Action.OpenUrl", ["url"] = url.AbsoluteUri };
                break;
            case LinkSpan link:
                // A relative address cannot be opened from Teams, and a private link's address is a token: never shown as text.
                run["text"] = link.TextWithoutAddress;
                break;
        }

        return run;
    }

    /// <summary>
    /// Backslash-escapes what Adaptive Card markdown gives a meaning to (emphasis, links, line-start list and
    /// heading markers, including numbered "1." items) and turns angle brackets into entities so typed text cannot
    /// fake an <c>&lt;at&gt;</c> mention.
    /// </summary>
    internal static string EscapeMarkdown(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        var lineStart = true;
        var digitsAtLineStart = false; // inside "12" of a line that could become the numbered item "12. "
        foreach (var c in text)
        {
            switch (c)
            {
                case '<':
                    escaped.Append("&lt;");
                    break;
                case '>':
                    escaped.Append("&gt;");
                    break;
                case '\\' or '*' or '_' or '[' or ']' or '`' or '~':
                    escaped.Append('\\').Append(c);
                    break;
                case '#' or '-' or '+' when lineStart:
                    escaped.Append('\\').Append(c);
                    break;
                case '.' or ')' when digitsAtLineStart:
                    escaped.Append('\\').Append(c);
                    break;
                default:
                    escaped.Append(c);
                    break;
            }

            digitsAtLineStart = char.IsAsciiDigit(c) && (lineStart || digitsAtLineStart);
            // Indentation (spaces or tabs) keeps a line "at its start"; \r is a line break too.
            lineStart = c is '\n' or '\r' || (lineStart && c is ' ' or '\t');
        }

        return escaped.ToString();
    }
}
