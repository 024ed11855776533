using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace LearningBot.Core.Kudos;

/// <summary>
/// The team's kudos emoji. Stored as a Slack short name (<c>tada</c>): Slack writes emoji in message text as <c>:tada:</c>
/// and names reactions <c>tada</c> (https://api.slack.com/events/reaction_added); skin tones arrive as
/// <c>+1::skin-tone-2</c> and count as the emoji. Teams sends the emoji itself (🎉) in message text, so the common ones
/// are also matched by their character.
/// </summary>
public static partial class KudosEmoji
{
    public const string Default = "tada";

    /// <summary>Short names of common emoji and their characters (Slack's names, as in its emoji picker).</summary>
    private static readonly FrozenDictionary<string, string> Characters = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["tada"] = "🎉", ["raised_hands"] = "🙌", ["clap"] = "👏", ["star"] = "⭐", ["star2"] = "🌟", ["trophy"] = "🏆",
        ["sports_medal"] = "🏅", ["medal"] = "🏅", ["taco"] = "🌮", ["fire"] = "🔥", ["muscle"] = "💪", ["pray"] = "🙏",
        ["sparkles"] = "✨", ["rocket"] = "🚀", ["100"] = "💯", ["heart"] = "❤️", ["+1"] = "👍", ["thumbsup"] = "👍",
        ["gem"] = "💎", ["bulb"] = "💡", ["gift"] = "🎁", ["confetti_ball"] = "🎊", ["cookie"] = "🍪", ["coffee"] = "☕",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Reads what an admin typed for <c>settings kudos-emoji</c>: <c>tada</c>, <c>:tada:</c> or 🎉 (a known character).
    /// Slack emoji names are lower case letters, digits, <c>_ - + '</c> (custom emoji included).
    /// </summary>
    public static bool TryParse(string text, out string name)
    {
        var trimmed = text.Trim();
        var known = Characters.FirstOrDefault(c => c.Value == trimmed || c.Value.TrimEnd('\uFE0F') == trimmed.TrimEnd('\uFE0F'));
        if (known.Key is not null)
        {
            name = known.Key == "thumbsup" ? "+1" : known.Key;
            return true;
        }

        name = trimmed.Trim(':').ToLowerInvariant();
        return NameRegex().IsMatch(name);
    }

    /// <summary>True when a reaction name (<c>tada</c>, <c>+1::skin-tone-3</c>) is the team's emoji.</summary>
    public static bool IsReaction(string reaction, string teamEmoji) => Same(WithoutSkinTone(reaction), teamEmoji);

    /// <summary>How the emoji shows in text: <c>:tada: 🎉</c> (the character only when it is known).</summary>
    public static string Shown(string name) => Characters.TryGetValue(name, out var c) ? $":{name}: {c}" : $":{name}:";

    /// <summary>Ways the emoji can be written in message text: <c>:tada:</c> (with any skin tone) and its character.</summary>
    internal static IEnumerable<string> Markers(string name)
    {
        yield return ":" + name + ":";
        if (Characters.TryGetValue(name, out var character))
        {
            yield return character;
            if (character.EndsWith('\uFE0F'))
            {
                yield return character.TrimEnd('\uFE0F'); // ❤ typed without the emoji presentation selector
            }
        }

        foreach (var alias in Characters.Where(c => c.Key != name && c.Value == Characters.GetValueOrDefault(name)))
        {
            yield return ":" + alias.Key + ":";
        }
    }

    private static bool Same(string a, string b) =>
        a == b || (Characters.TryGetValue(a, out var ca) && Characters.TryGetValue(b, out var cb) && ca == cb);

    private static string WithoutSkinTone(string reaction)
    {
        var at = reaction.IndexOf("::skin-tone-", StringComparison.Ordinal);
        return at < 0 ? reaction : reaction[..at];
    }

    [GeneratedRegex(@"^[a-z0-9_+'\-]{1,64}$")]
    private static partial Regex NameRegex();
}
