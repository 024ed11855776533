using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Privacy;

/// <summary>
/// What "forget me" changes in other people's words: only the mention tokens the adapters write for the person —
/// <c>&lt;@ID&gt;</c>, and <c>&lt;@ID|label&gt;</c> as Slack sends it (Slack: https://api.slack.com/reference/surfaces/formatting#mentioning-users;
/// the Teams and playground adapters normalise their mentions to <c>&lt;@ID&gt;</c>). The id is compared exactly
/// (ordinal, case-sensitive: playground ids "ann" and "Ann" are two people). Free text is never matched by name or bare id:
/// a person called "the", "Will" or "C#" must not change anyone's sentences.
/// </summary>
public static class MentionScrubber
{
    /// <summary>What a mention of the forgotten person becomes: <c>@former-member</c>.</summary>
    public const string Replacement = "@" + IPersonalDataStore.FormerMember;

    /// <summary>The substring every mention token of <paramref name="userId"/> starts with: a cheap, exact pre-filter.</summary>
    public static string TokenStart(string userId) => "<@" + userId;

    /// <summary>A scrubber for one person: returns the text unchanged (same instance) when it mentions them nowhere.</summary>
    public static Func<string, string> For(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        // The id is escaped, never interpreted; the optional label runs to the closing '>' like the parser's MentionRegex.
        var token = new Regex("<@" + Regex.Escape(userId) + @"(?:\|[^<>]*)?>", RegexOptions.CultureInvariant);
        var start = TokenStart(userId);
        return text => text.Contains(start, StringComparison.Ordinal) ? token.Replace(text, Replacement) : text;
    }

    /// <summary>
    /// A stored reply (the outbox's JSON, <see cref="ReplyJson"/>): a <see cref="MentionSpan"/> of the person becomes plain
    /// <c>@former-member</c> (no ping, no name) and tokens inside its texts are scrubbed; every other span is kept as it is.
    /// Returns <paramref name="json"/> itself when nothing changed.
    /// </summary>
    public static string ScrubReplyJson(string json, string userId)
    {
        var scrub = For(userId);
        var root = JsonNode.Parse(json);
        var changed = false;

        void Visit(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    if (Text(obj["type"]) == "mention" && Text(obj["userId"]) == userId)
                    {
                        // Same shape the serializer writes for a PlainSpan.
                        obj.Clear();
                        obj["type"] = "plain";
                        obj["text"] = Replacement;
                        changed = true;
                        return;
                    }

                    foreach (var (name, value) in obj.ToList())
                    {
                        if (value is JsonValue leaf && leaf.TryGetValue<string>(out var text))
                        {
                            var scrubbed = scrub(text);
                            if (scrubbed != text)
                            {
                                obj[name] = scrubbed;
                                changed = true;
                            }
                        }
                        else
                        {
                            Visit(value);
                        }
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is JsonValue leaf && leaf.TryGetValue<string>(out var text) && scrub(text) is var scrubbed && scrubbed != text)
                        {
                            array[i] = scrubbed;
                            changed = true;
                        }
                        else
                        {
                            Visit(array[i]);
                        }
                    }

                    break;
            }
        }

        Visit(root);
        return changed ? root!.ToJsonString(ReplyJson.Options) : json;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
