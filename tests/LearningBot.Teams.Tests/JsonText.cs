using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LearningBot.Teams.Tests;

public static class JsonText
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON as text with &amp;, ' and non-ASCII left readable, for "contains" assertions.</summary>
    public static string Text(this JsonNode node) => node.ToJsonString(Readable);
}
