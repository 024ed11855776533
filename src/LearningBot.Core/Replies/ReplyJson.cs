using System.Text.Json;
using System.Text.Json.Serialization;

namespace LearningBot.Core.Replies;

/// <summary>The one JSON form of a <see cref="BotReply"/>: used by the playground API and to persist outbox messages.</summary>
public static class ReplyJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize(BotReply reply) => JsonSerializer.Serialize(reply, Options);

    public static BotReply Deserialize(string json) =>
        JsonSerializer.Deserialize<BotReply>(json, Options) ?? throw new JsonException("A stored reply was empty.");
}
