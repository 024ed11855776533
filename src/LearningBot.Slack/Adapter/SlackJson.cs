using System.Text.Json;
using System.Text.Json.Nodes;

namespace LearningBot.Slack.Adapter;

/// <summary>
/// Reading Slack's JSON without trusting its shape: a path step that is not an object, or a value that is not a
/// string, is simply absent. (JsonNode's indexers throw on a wrong type, which turned odd payloads into 500s.)
/// </summary>
internal static class SlackJson
{
    /// <summary>Two "type"s or "team_id"s in one payload is not Slack and would be read ambiguously: refused as malformed.</summary>
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>The payload as an object, or null when it is another JSON value; <see cref="JsonException"/> when malformed.</summary>
    public static JsonObject? ParseObject(string text) => JsonNode.Parse(text, documentOptions: Strict) as JsonObject;

    public static JsonNode? At(JsonNode? node, params ReadOnlySpan<string> path)
    {
        foreach (var name in path)
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(name, out var child) ? child : null;
        }

        return node;
    }

    public static string? Str(JsonNode? node, params ReadOnlySpan<string> path) =>
        At(node, path) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static IEnumerable<string> Strings(JsonNode? array) =>
        array is JsonArray items ? items.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>() : [];
}
