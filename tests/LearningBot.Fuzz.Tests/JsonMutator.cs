using System.Text.Json.Nodes;

namespace LearningBot.Fuzz.Tests;

/// <summary>
/// Mutates realistic payloads: fields dropped, values swapped for other JSON types, hostile strings, empty
/// containers. Starting from the real shape gets the fuzzer past the first "is it an event_callback" check.
/// </summary>
public sealed class JsonMutator(int seed)
{
    private readonly Random _random = new(seed);
    private readonly IReadOnlyList<string> _strings = HostileText.Sample(HostileText.Text, 200, seed);

    public T Mutate<T>(T node, double rate = 0.25) where T : JsonNode
    {
        var copy = (T)node.DeepClone();
        Walk(copy, rate);
        return copy;
    }

    private void Walk(JsonNode node, double rate)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (_random.NextDouble() >= rate)
                    {
                        if (obj[name] is { } child)
                        {
                            Walk(child, rate);
                        }

                        continue;
                    }

                    if (_random.Next(4) == 0)
                    {
                        obj.Remove(name);
                    }
                    else
                    {
                        obj[name] = RandomValue(depth: 0);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (_random.NextDouble() < rate)
                    {
                        array[i] = RandomValue(depth: 0);
                    }
                    else if (array[i] is { } item)
                    {
                        Walk(item, rate);
                    }
                }

                break;
        }
    }

    public JsonNode? RandomValue(int depth) => _random.Next(depth > 2 ? 6 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => JsonValue.Create(_random.Next(4) == 0 ? long.MaxValue : _random.Next(-5, 5)),
        3 => JsonValue.Create(_random.NextDouble() * 1e300),
        4 => JsonValue.Create(string.Empty),
        5 => JsonValue.Create(_strings[_random.Next(_strings.Count)]),
        6 => new JsonArray(Enumerable.Range(0, _random.Next(3)).Select(_ => RandomValue(depth + 1)).ToArray()),
        7 => new JsonObject(),
        _ => new JsonObject(Enumerable.Range(0, _random.Next(1, 4))
            .Select(i => KeyValuePair.Create(Keys[_random.Next(Keys.Length)] + (i == 0 ? string.Empty : i.ToString()), RandomValue(depth + 1)))),
    };

    public string RandomString() => _strings[_random.Next(_strings.Count)];

    public int Next(int max) => _random.Next(max);

    private static readonly string[] Keys = ["id", "type", "text", "user", "team", "name", "value", "values", "state", "channel", "ts", "tokens", "bot"];
}
