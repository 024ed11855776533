using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
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

    /// <summary>
    /// The card as JSON text, written once with System.Text.Json's <see cref="Utf8JsonWriter"/> (no JSON tree in between: building
    /// it as a Newtonsoft <c>JObject</c> was 3–4 % of a Teams turn's CPU, issue 18), and its plain-text fallback, which is also the
    /// activity's <c>summary</c>. The attachment carries it as <see cref="RenderedCard.Content"/> (a <c>JRaw</c>), which both the
    /// System.Text.Json path (<see cref="Outbound.ConnectorActivities"/>) and Bot Framework's serializer write as it is.
    /// </summary>
    public static RenderedCard RenderCard(BotReply reply)
    {
        var fallback = PlainTextRenderer.Render(reply);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            var mentions = new List<(string Text, string Id, string Name)>();
            json.WriteStartObject();
            json.WriteString("type", "AdaptiveCard");
            json.WriteString("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
            json.WriteString("version", SchemaVersion);
            json.WriteStartArray("body");
            foreach (var block in reply.Blocks)
            {
                WriteBlock(json, block, mentions);
            }

            json.WriteEndArray();
            // Shown by clients that cannot render the card, and read by screen readers in notifications.
            json.WriteString("fallbackText", fallback);
            json.WriteStartObject("msteams");
            json.WriteString("width", "Full");
            if (mentions.Count > 0)
            {
                json.WriteStartArray("entities");
                foreach (var (text, id, name) in mentions)
                {
                    json.WriteStartObject();
                    json.WriteString("type", "mention");
                    json.WriteString("text", text);
                    json.WriteStartObject("mentioned");
                    json.WriteString("id", id);
                    json.WriteString("name", name);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return new RenderedCard(Encoding.UTF8.GetString(buffer.WrittenSpan), fallback);
    }

    /// <summary>The card as a Newtonsoft tree (the same JSON as <see cref="RenderCard"/>), for code that reads it back.</summary>
    public static JObject Render(BotReply reply) => JObject.Parse(RenderCard(reply).Json);

    /// <summary>
    /// Accented letters and other non-ASCII text in the BMP stay as they are, as Newtonsoft wrote them (an emoji becomes a
    /// <c>\u</c> surrogate pair, read back as the same character); the JSON is a request body, never HTML, and
    /// <c>&lt;</c> / <c>&gt;</c> in people's text are already entities (<see cref="EscapeMarkdown"/>) or plain TextRun text.
    /// </summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WriteBlock(Utf8JsonWriter json, ReplyBlock block, List<(string Text, string Id, string Name)> mentions)
    {
        switch (block)
        {
            case HeadingBlock heading:
                json.WriteStartObject();
                json.WriteString("type", "TextBlock");
                json.WriteString("text", EscapeMarkdown(heading.Text));
                json.WriteBoolean("wrap", true);
                json.WriteString("size", "Large");
                json.WriteString("weight", "Bolder");
                json.WriteString("style", "heading");
                json.WriteEndObject();
                break;
            case Core.Replies.TextBlock paragraph:
                WriteParagraph(json, paragraph.Text, mentions, subtle: false);
                break;
            case NoteBlock note:
                WriteParagraph(json, note.Text, mentions, subtle: true);
                break;
            case ListBlock list:
                foreach (var item in list.Items)
                {
                    json.WriteStartObject();
                    json.WriteString("type", "Container");
                    json.WriteBoolean("separator", true);
                    json.WriteString("spacing", "Medium");
                    json.WriteStartArray("items");
                    WriteParagraph(json, item.Text, mentions, subtle: false);
                    if (item.Meta is not null)
                    {
                        WriteParagraph(json, item.Meta, mentions, subtle: true);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                break;
            case FactsBlock facts:
                json.WriteStartObject();
                json.WriteString("type", "FactSet");
                json.WriteStartArray("facts");
                foreach (var fact in facts.Facts)
                {
                    json.WriteStartObject();
                    json.WriteString("title", EscapeMarkdown(fact.Label));
                    json.WriteString("value", EscapeMarkdown(fact.Value));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
                break;
            case ActionsBlock actions:
                json.WriteStartObject();
                json.WriteString("type", "ActionSet");
                json.WriteStartArray("actions");
                foreach (var action in actions.Actions)
                {
                    WriteAction(json, action);
                }

                json.WriteEndArray();
                json.WriteEndObject();
                break;
        }
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
    private static void WriteAction(Utf8JsonWriter json, ReplyAction action)
    {
        json.WriteStartObject();
        if (action.AsksFor is not { } asks)
        {
            json.WriteString("type", "Action.Execute");
            json.WriteString("title", action.Label);
            json.WriteString("verb", CommandVerb);
            json.WriteStartObject("data");
            json.WriteString("command", action.Command);
            json.WriteEndObject();
            json.WriteEndObject();
            return;
        }

        json.WriteString("type", "Action.ShowCard");
        json.WriteString("title", action.Label);
        json.WriteStartObject("card");
        json.WriteString("type", "AdaptiveCard");
        json.WriteStartArray("body");
        json.WriteStartObject();
        json.WriteString("type", "Input.Text");
        json.WriteString("id", TextInputId);
        json.WriteString("label", asks.Label);
        json.WriteString("value", asks.InitialText);
        json.WriteBoolean("isMultiline", true);
        json.WriteBoolean("isRequired", true);
        json.WriteString("errorMessage", "Write the new text, or use Delete.");
        json.WriteNumber("maxLength", Core.Commands.CommandParser.MaxTextLength);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartArray("actions");
        json.WriteStartObject();
        json.WriteString("type", "Action.Execute");
        json.WriteString("title", "Save");
        json.WriteString("verb", CommandVerb);
        json.WriteStartObject("data");
        json.WriteString("command", action.Command);
        json.WriteString(InputKey, TextInputId);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteParagraph(Utf8JsonWriter json, RichText text, List<(string Text, string Id, string Name)> mentions, bool subtle)
    {
        json.WriteStartObject();
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
                        if (!mentions.Exists(m => m.Text == at && m.Id == mention.UserId))
                        {
                            mentions.Add((at, mention.UserId, mention.DisplayName));
                        }

                        break;
                    case StrongSpan strong:
                        markdown.Append("**").Append(EscapeMarkdown(strong.Text)).Append("**");
                        break;
                    default:
                        markdown.Append(EscapeMarkdown(span.PlainText));
                        break;
                }
            }

            json.WriteString("type", "TextBlock");
            json.WriteString("text", markdown.ToString());
            json.WriteBoolean("wrap", true);
            if (subtle)
            {
                json.WriteBoolean("isSubtle", true);
                json.WriteString("size", "Small");
            }
        }
        else
        {
            // A RichTextBlock has no subtle style of its own: its runs are.
            json.WriteString("type", "RichTextBlock");
            json.WriteStartArray("inlines");
            foreach (var span in text.Spans)
            {
                if (span.PlainText.Length == 0)
                {
                    continue;
                }

                foreach (var run in WithLinks(span))
                {
                    WriteTextRun(json, run, subtle);
                }
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
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

    private static void WriteTextRun(Utf8JsonWriter json, Span span, bool subtle)
    {
        json.WriteStartObject();
        json.WriteString("type", "TextRun");
        switch (span)
        {
            case StrongSpan:
                json.WriteString("text", span.PlainText);
                json.WriteString("weight", "Bolder");
                break;
            case CodeSpan:
                json.WriteString("text", span.PlainText);
                json.WriteString("fontType", "Monospace");
                break;
            case LinkSpan link when Uri.TryCreate(link.Url, UriKind.Absolute, out var url) && url.Scheme is "https" or "http":
                json.WriteString("text", link.Text);
                json.WriteString("color", "Accent");
                json.WriteStartObject("selectAction");
                json.WriteString("type", "Action.OpenUrl");
                json.WriteString("url", url.AbsoluteUri);
                json.WriteEndObject();
                break;
            case LinkSpan link:
                // A relative address cannot be opened from Teams, and a private link's address is a token: never shown as text.
                json.WriteString("text", link.TextWithoutAddress);
                break;
            default:
                json.WriteString("text", span.PlainText);
                break;
        }

        if (subtle)
        {
            json.WriteBoolean("isSubtle", true);
            json.WriteString("size", "Small");
        }

        json.WriteEndObject();
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

/// <summary>
/// An Adaptive Card written once: <see cref="Json"/> is the card (UTF-16 text of the JSON object), <see cref="FallbackText"/> its
/// plain-text rendering (the card's <c>fallbackText</c> and the activity's <c>summary</c>).
/// </summary>
public sealed record RenderedCard(string Json, string FallbackText)
{
    /// <summary>The card as attachment content: raw JSON that Newtonsoft and <see cref="Outbound.JTokenJsonConverter"/> write unchanged.</summary>
    public JRaw Content => new(Json);
}
