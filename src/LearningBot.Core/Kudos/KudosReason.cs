using System.Text.RegularExpressions;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Kudos;

/// <summary>
/// What a kudos is for, after the mentions: an optional <c>#value</c> first (<c>#ownership for the write-up</c>) or last
/// (<c>for the write-up #ownership</c>), and a leading <c>for</c> dropped. Shared by <c>kudos</c> and inline kudos.
/// </summary>
public static partial class KudosReason
{
    /// <returns>The reason (may be empty: the caller decides whether that is allowed) and the value (lower case) or null.</returns>
    public static (string Reason, string? Value) Split(string text)
    {
        var reason = text.Trim();
        string? value = null;
        var leading = LeadingTagRegex().Match(reason);
        if (leading.Success)
        {
            value = leading.Groups["tag"].Value.ToLowerInvariant();
            reason = reason[leading.Length..].TrimStart();
        }

        reason = LeadingForRegex().Replace(reason, string.Empty).Trim();
        var trailing = TrailingTagRegex().Match(reason);
        if (value is null && trailing.Success)
        {
            value = trailing.Groups["tag"].Value.ToLowerInvariant();
            reason = reason[..trailing.Index].TrimEnd();
        }

        return (reason, value);
    }

    [GeneratedRegex(@"^#(?<tag>[\p{L}\p{N}_\-]{1,40})(?=\s|$|[,:;.!])[,:;.!]?")]
    private static partial Regex LeadingTagRegex();

    [GeneratedRegex(@"^for\s+", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingForRegex();
}
