using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Newtonsoft.Json.Linq;

namespace LearningBot.Teams.Outbound;

/// <summary>
/// Writes a Newtonsoft <see cref="JToken"/> (the Adaptive Card, built as a <c>JObject</c>) straight into System.Text.Json's
/// writer, token by token: no serializer, contract resolution or string in between. Write-only: the bot never reads one back.
/// A value of a kind a card never holds (bytes, a GUID, a date …) is written the way Newtonsoft writes it.
/// </summary>
internal sealed class JTokenJsonConverter : JsonConverter<JToken>
{
    public override JToken Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Outbound JSON only: cards are written, never read back.");

    public override void Write(Utf8JsonWriter writer, JToken value, JsonSerializerOptions options) => WriteToken(writer, value);

    internal static void WriteToken(Utf8JsonWriter writer, JToken token)
    {
        switch (token)
        {
            case JObject json:
                writer.WriteStartObject();
                foreach (var property in json.Properties())
                {
                    writer.WritePropertyName(property.Name);
                    WriteToken(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteToken(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JValue value:
                WriteValue(writer, value);
                break;
            default:
                writer.WriteRawValue(token.ToString(Newtonsoft.Json.Formatting.None));
                break;
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, JValue value)
    {
        switch (value.Type)
        {
            case JTokenType.String:
                writer.WriteStringValue((string?)value.Value);
                break;
            case JTokenType.Boolean:
                writer.WriteBooleanValue((bool)value.Value!);
                break;
            case JTokenType.Integer when value.Value is long or int or short or byte or sbyte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value.Value, CultureInfo.InvariantCulture));
                break;
            case JTokenType.Raw:
                // A card written by AdaptiveCardRenderer.RenderCard: already JSON (the writer still checks that it is).
                writer.WriteRawValue((string)value.Value!);
                break;
            case JTokenType.Null or JTokenType.Undefined:
                writer.WriteNullValue();
                break;
            default:
                writer.WriteRawValue(value.ToString(Newtonsoft.Json.Formatting.None));
                break;
        }
    }
}
