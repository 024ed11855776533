using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LearningBot.Slack.Rendering;

namespace LearningBot.Slack.Adapter;

/// <summary>The two modals: kudos (from <c>/kudos</c> with no text) and "Save as shared answer" (message shortcut).</summary>
public static partial class SlackModals
{
    public const string KudosCallback = "learningbot_kudos";
    public const string ShareCallback = "learningbot_share";
    public const string ShareShortcutCallback = "learningbot_save_shared_answer";
    public const string EditCallback = "learningbot_edit";

    /// <summary>
    /// The modal behind a button that asks for text (<see cref="Core.Replies.ReplyAction.AsksFor"/>, e.g. a learning's "Edit"): one
    /// field prefilled with the current text; submitting runs <paramref name="command"/> with the new text as the person.
    /// </summary>
    /// <param name="command">The button's command (e.g. <c>learned edit &lt;id&gt;</c>): kept in private_metadata with the channel.</param>
    public static JsonObject Edit(string? channelId, string command, string label, string initialText)
    {
        var input = new JsonObject
        {
            ["type"] = "plain_text_input",
            ["action_id"] = "text",
            ["multiline"] = true,
            ["max_length"] = 3000,
        };
        if (initialText.Length > 0)
        {
            input["initial_value"] = Fit(initialText, 3000);
        }

        return new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = EditCallback,
            // Channel, then the command: ids and command words hold no spaces before the command's own.
            ["private_metadata"] = Fit($"{channelId ?? "-"} {command}", 3000),
            ["title"] = BlockKitRenderer.PlainText("Edit"),
            ["submit"] = BlockKitRenderer.PlainText("Save"),
            ["close"] = BlockKitRenderer.PlainText("Cancel"),
            ["blocks"] = new JsonArray(Input("text", Fit(label, 2000), input)),
        };
    }

    /// <summary>The edit modal's submission as shared-grammar text (the command and the typed text), or a field error.</summary>
    public static (string? Text, JsonObject? Errors, string? ChannelId) ReadEdit(JsonNode? values, string? metadata)
    {
        var parts = (metadata ?? string.Empty).Split(' ', 2, StringSplitOptions.TrimEntries);
        var text = SlackText.Typed(SlackJson.Str(values, "text", "text", "value")?.Trim() ?? string.Empty);
        if (parts.Length < 2 || parts[1].Length == 0)
        {
            return (null, null, null);
        }

        if (!text.Any(char.IsLetterOrDigit))
        {
            return (null, new JsonObject { ["text"] = "Write the new text (or close this and use Delete)." }, null);
        }

        return ($"{parts[1]} {OneLine(text)}", null, parts[0] == "-" ? null : parts[0]);
    }

    public static JsonObject Kudos(string? channelId) => new()
    {
        ["type"] = "modal",
        ["callback_id"] = KudosCallback,
        ["private_metadata"] = channelId ?? string.Empty,
        ["title"] = BlockKitRenderer.PlainText("Give kudos"),
        ["submit"] = BlockKitRenderer.PlainText("Give kudos"),
        ["close"] = BlockKitRenderer.PlainText("Cancel"),
        ["blocks"] = new JsonArray(
            Input("receivers", "Who would you like to thank?", new JsonObject
            {
                ["type"] = "multi_users_select",
                ["action_id"] = "users",
                ["placeholder"] = BlockKitRenderer.PlainText("Pick people"),
                ["max_selected_items"] = 10,
            }),
            Input("reason", "What for?", new JsonObject
            {
                ["type"] = "plain_text_input",
                ["action_id"] = "text",
                ["multiline"] = true,
                ["max_length"] = 1000,
                ["placeholder"] = BlockKitRenderer.PlainText("walking me through the incident review"),
            }),
            Input("value", "Value (optional)", new JsonObject
            {
                ["type"] = "plain_text_input",
                ["action_id"] = "text",
                ["max_length"] = 40,
                ["placeholder"] = BlockKitRenderer.PlainText("mentoring"),
            }, optional: true)),
    };

    /// <param name="threadTs">The thread the shortcut was used in, so the reply goes back there; null for a channel message.</param>
    public static JsonObject Share(string channelId, string? threadTs, string question, string answer) => new()
    {
        ["type"] = "modal",
        ["callback_id"] = ShareCallback,
        ["private_metadata"] = Metadata(channelId, threadTs),
        ["title"] = BlockKitRenderer.PlainText("Save as shared answer"),
        ["submit"] = BlockKitRenderer.PlainText("Save"),
        ["close"] = BlockKitRenderer.PlainText("Cancel"),
        ["blocks"] = new JsonArray(
            Input("question", "Question", new JsonObject
            {
                ["type"] = "plain_text_input",
                ["action_id"] = "text",
                ["max_length"] = 300,
                ["initial_value"] = Fit(question, 300),
                ["placeholder"] = BlockKitRenderer.PlainText("How do I rotate the staging keys?"),
            }),
            Input("answer", "Answer", new JsonObject
            {
                ["type"] = "plain_text_input",
                ["action_id"] = "text",
                ["multiline"] = true,
                ["max_length"] = 3000,
                ["initial_value"] = Fit(answer, 3000),
            })),
    };

    /// <summary>The kudos modal's values as shared-grammar text, or field errors for Slack to show in the modal.</summary>
    public static (string? Text, JsonObject? Errors) ReadKudos(JsonNode? values)
    {
        var receivers = SlackJson.Strings(SlackJson.At(values, "receivers", "users", "selected_users")).Where(u => u.Length > 0).ToList();
        var reason = SlackJson.Str(values, "reason", "text", "value")?.Trim() ?? string.Empty;
        var value = (SlackJson.Str(values, "value", "text", "value") ?? string.Empty).Trim().TrimStart('#');
        var errors = new JsonObject();
        if (receivers.Count == 0)
        {
            errors["receivers"] = "Pick at least one person to thank.";
        }

        if (!reason.Any(char.IsLetterOrDigit))
        {
            errors["reason"] = "Say what the kudos are for — recognising the effort is the point.";
        }

        if (value.Length > 0 && !TagRegex().IsMatch(value))
        {
            errors["value"] = "One word, like mentoring or ownership (letters, digits, - and _).";
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        // One line: the grammar reads mentions, then the reason, then an optional trailing #value. Only the people picked
        // are mentions: a typed "<@U3>" in the reason is text (Slack sends input values unescaped).
        var text = $"kudos {string.Join(' ', receivers.Select(u => $"<@{u}>"))} for {SlackText.Typed(OneLine(reason))}";
        return (value.Length > 0 ? text + " #" + value : text, null);
    }

    /// <summary>The share modal's values as shared-grammar text (typed text, never mentions), or field errors.</summary>
    public static (string? Text, JsonObject? Errors) ReadShare(JsonNode? values)
    {
        var question = SlackText.Typed(SlackJson.Str(values, "question", "text", "value")?.Trim() ?? string.Empty);
        var answer = SlackText.Typed(SlackJson.Str(values, "answer", "text", "value")?.Trim() ?? string.Empty);
        var errors = new JsonObject();
        if (!question.Any(char.IsLetterOrDigit))
        {
            errors["question"] = "Write the question this message answers.";
        }

        if (!answer.Any(char.IsLetterOrDigit))
        {
            errors["answer"] = "The answer is empty.";
        }

        // "::" separates question and answer in the grammar, so it cannot appear in the question itself.
        return errors.Count > 0 ? (null, errors) : ($"share {OneLine(question).Replace("::", ":", StringComparison.Ordinal)} :: {answer}", null);
    }

    /// <summary>
    /// Where a modal was opened from, kept in its <c>private_metadata</c> (Slack returns it on submission, up to 3,000
    /// characters: https://api.slack.com/reference/surfaces/views): <c>C123</c>, or <c>C123 1700000200.000100</c> with a thread.
    /// </summary>
    public static string Metadata(string? channelId, string? threadTs) =>
        string.IsNullOrEmpty(threadTs) ? channelId ?? string.Empty : $"{channelId} {threadTs}";

    /// <summary>The channel and thread from <see cref="Metadata"/>; nulls when it is empty.</summary>
    public static (string? ChannelId, string? ThreadTs) ReadMetadata(string? metadata)
    {
        var parts = (metadata ?? string.Empty).Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (parts.Length > 0 ? parts[0] : null, parts.Length > 1 ? parts[1] : null);
    }

    /// <summary>A first guess at the question: the message's first line, shortened.</summary>
    public static string GuessQuestion(string messageText)
    {
        var firstLine = messageText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        return firstLine.Length <= 150 ? firstLine : firstLine[..150];
    }

    public static string ToJson(JsonObject view) => view.ToJsonString(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>An initial_value longer than the input's max_length makes Slack reject the whole view.</summary>
    private static string Fit(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string OneLine(string text) => WhitespaceRegex().Replace(text, " ");

    private static JsonObject Input(string blockId, string label, JsonObject element, bool optional = false) => new()
    {
        ["type"] = "input",
        ["block_id"] = blockId,
        ["optional"] = optional,
        ["label"] = BlockKitRenderer.PlainText(label),
        ["element"] = element,
    };

    [GeneratedRegex(@"^[\p{L}\p{N}_\-]{1,40}$")]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();
}
