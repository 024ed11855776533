using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LearningBot.Core.Replies;

namespace LearningBot.Slack.Rendering;

/// <summary>A reply as Slack will receive it: Block Kit blocks plus the plain notification text.</summary>
public sealed record SlackMessage(JsonArray Blocks, string Text);

/// <summary>
/// Renders a platform-neutral <see cref="BotReply"/> as Block Kit. User text is escaped (&amp; &lt; &gt;), so it
/// can never become a mention, link or broadcast; only <see cref="MentionSpan"/> renders as <c>&lt;@U…&gt;</c>.
/// Slack's limits are kept: 50 blocks, 3,000 characters per section, 150 per header, 40,000 for text.
/// </summary>
public static partial class BlockKitRenderer
{
    public const int MaxBlocks = 50;
    public const int MaxSectionText = 3000;
    public const int MaxHeaderText = 150;
    public const int MaxMessageText = 40000;
    public const int MaxButtonText = 75;
    public const int MaxFields = 10;
    public const string CommandActionPrefix = "learningbot_cmd_";

    /// <summary>Buttons that ask for text first (<see cref="ReplyAction.AsksFor"/>): clicking opens a modal (<c>SlackModals.Edit</c>).</summary>
    public const string AskActionPrefix = "learningbot_ask_";

    /// <summary>A button's value holds at most 2,000 characters (https://api.slack.com/reference/block-kit/block-elements#button).</summary>
    public const int MaxButtonValue = 2000;

    public static SlackMessage Render(BotReply reply)
    {
        var blocks = new List<JsonObject>();
        var actionIndex = 0;
        foreach (var block in reply.Blocks)
        {
            switch (block)
            {
                case HeadingBlock heading:
                    blocks.Add(new JsonObject
                    {
                        ["type"] = "header",
                        ["text"] = PlainText(Truncate(heading.Text, MaxHeaderText)),
                    });
                    break;
                case TextBlock paragraph:
                    blocks.AddRange(Sections(Mrkdwn(paragraph.Text)));
                    break;
                case NoteBlock note:
                    blocks.Add(new JsonObject
                    {
                        ["type"] = "context",
                        ["elements"] = new JsonArray(MrkdwnText(Truncate(Mrkdwn(note.Text), MaxSectionText))),
                    });
                    break;
                case ListBlock list:
                    var lines = list.Items.Select(item => "• " + Mrkdwn(item.Text)
                                                          + (item.Meta is null ? string.Empty : "\n      _" + Escape(item.Meta).Replace("_", "\u2009_\u2009") + "_"));
                    blocks.AddRange(Sections(string.Join("\n", lines)));
                    break;
                case FactsBlock facts:
                    foreach (var chunk in facts.Facts.Chunk(MaxFields))
                    {
                        var fields = new JsonArray();
                        foreach (var fact in chunk)
                        {
                            fields.Add(MrkdwnText(Truncate($"*{Escape(fact.Label)}*\n{Escape(fact.Value)}", 2000)));
                        }

                        blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = fields });
                    }

                    break;
                case ActionsBlock actions:
                    var elements = new JsonArray();
                    foreach (var action in actions.Actions.Take(25))
                    {
                        elements.Add(new JsonObject
                        {
                            ["type"] = "button",
                            ["action_id"] = (action.AsksFor is null ? CommandActionPrefix : AskActionPrefix) + actionIndex++,
                            ["text"] = PlainText(Truncate(action.Label, MaxButtonText)),
                            ["value"] = action.AsksFor is { } asks ? AskValue(action.Command, asks) : Truncate(action.Command, MaxButtonValue),
                        });
                    }

                    blocks.Add(new JsonObject { ["type"] = "actions", ["elements"] = elements });
                    break;
            }
        }

        if (blocks.Count > MaxBlocks)
        {
            blocks = blocks.Take(MaxBlocks - 1).ToList();
            blocks.Add(new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray(MrkdwnText("…more than fits in one Slack message.")),
            });
        }

        var fallback = Truncate(Escape(PlainTextRenderer.Render(reply)), MaxMessageText);
        return new SlackMessage(new JsonArray(blocks.ToArray<JsonNode?>()), fallback.Length == 0 ? " " : fallback);
    }

    /// <summary>
    /// The value of a button that asks for text: <c>{"command":…,"label":…,"text":…}</c>. The current text rides along so the
    /// modal opens prefilled without a store read; when it does not fit the value's 2,000 characters the modal starts empty
    /// (its label says so) rather than with a cut text that would be saved cut.
    /// </summary>
    public static string AskValue(string command, TextPrompt asks)
    {
        var full = new JsonObject { ["command"] = command, ["label"] = asks.Label, ["text"] = asks.InitialText }.ToJsonString();
        return full.Length <= MaxButtonValue
            ? full
            : new JsonObject { ["command"] = command, ["label"] = Truncate(asks.Label + " (too long to show here: type it anew)", 200) }.ToJsonString();
    }

    /// <summary>Slack's mrkdwn escaping: only these three characters are control characters.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    public static string Mrkdwn(RichText text)
    {
        var builder = new StringBuilder();
        foreach (var span in text.Spans)
        {
            builder.Append(span switch
            {
                StrongSpan strong => "*" + Escape(strong.Text.Replace("*", string.Empty, StringComparison.Ordinal)) + "*",
                CodeSpan code => "`" + Escape(code.Text.Replace("`", "'", StringComparison.Ordinal)) + "`",
                MentionSpan mention when SlackIdRegex().IsMatch(mention.UserId) => $"<@{mention.UserId}>",
                MentionSpan mention => Escape("@" + mention.DisplayName),
                // Slack links need an absolute address; a relative one (no public base URL set) stays readable text.
                LinkSpan link when Uri.TryCreate(link.Url, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" =>
                    $"<{Escape(url.AbsoluteUri).Replace("|", "%7C", StringComparison.Ordinal)}|{Escape(link.Text.Replace("|", "/", StringComparison.Ordinal))}>",
                LinkSpan link => Escape(link.TextWithoutAddress),
                _ => Escape(span.PlainText),
            });
        }

        return builder.ToString();
    }

    private static IEnumerable<JsonObject> Sections(string mrkdwn)
    {
        if (mrkdwn.Length == 0)
        {
            yield break;
        }

        // Split long text at line breaks so each section stays under Slack's 3,000 characters.
        var current = new StringBuilder();
        foreach (var line in mrkdwn.Split('\n'))
        {
            if (current.Length > 0 && current.Length + 1 + line.Length > MaxSectionText)
            {
                yield return Section(current.ToString());
                current.Clear();
            }

            if (current.Length > 0)
            {
                current.Append('\n');
            }

            current.Append(Truncate(line, MaxSectionText));
        }

        if (current.Length > 0)
        {
            yield return Section(current.ToString());
        }
    }

    private static JsonObject Section(string mrkdwn) => new() { ["type"] = "section", ["text"] = MrkdwnText(mrkdwn) };

    public static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    public static JsonObject MrkdwnText(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    /// <summary>Cuts at a character limit without splitting an escape sequence such as <c>&amp;amp;</c> in half.</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = max - 1;
        var amp = text.LastIndexOf('&', cut - 1, Math.Min(cut, 5));
        if (amp >= 0 && text.IndexOf(';', amp) >= cut)
        {
            cut = amp;
        }

        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut] + "…";
    }

    [GeneratedRegex("^[UWB][A-Z0-9]{1,20}$")]
    private static partial Regex SlackIdRegex();
}
