using System.Text.RegularExpressions;
using LearningBot.Core.Commands;

namespace LearningBot.Slack.Adapter;

/// <summary>Slack text → the shared grammar's text: mentions become plain <c>&lt;@U123&gt;</c> tokens.</summary>
public static partial class SlackText
{
    /// <summary>
    /// Normalises <c>&lt;@U123|name&gt;</c> (slash commands with escaping on) and <c>&lt;@U123&gt;</c> to <c>&lt;@U123&gt;</c>,
    /// returning the display names Slack sent. Slack escapes &amp; &lt; &gt; in user text; they are unescaped
    /// after the mentions are taken, so typed text is stored as the person wrote it.
    /// </summary>
    public static (string Text, IReadOnlyList<MentionedMember> Mentions) Normalise(string text)
    {
        var mentions = new List<MentionedMember>();
        var normalised = MentionRegex().Replace(text, match =>
        {
            var id = match.Groups["id"].Value;
            if (match.Groups["name"].Success && match.Groups["name"].Value.Length > 0
                                              && mentions.All(m => m.UserId != id))
            {
                mentions.Add(new MentionedMember(id, match.Groups["name"].Value));
            }

            return $"<@{id}>";
        });
        // Other Slack markup (channels, links) keeps its readable part.
        normalised = LinkRegex().Replace(normalised, match =>
            match.Groups["label"].Success ? match.Groups["label"].Value : match.Groups["target"].Value);
        normalised = normalised.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal)
            .Replace("&amp;", "&", StringComparison.Ordinal);
        return (normalised.Trim(), mentions);
    }

    /// <summary>Removes a leading mention of the bot (app_mention text starts with it).</summary>
    public static string StripLeadingMention(string text, string? botUserId)
    {
        var match = LeadingMentionRegex().Match(text);
        if (match.Success && (botUserId is null || match.Groups["id"].Value == botUserId))
        {
            return text[match.Length..].TrimStart(' ', ',', ':');
        }

        return text;
    }

    [GeneratedRegex(@"<@(?<id>[UW][A-Z0-9]+)(?:\|(?<name>[^<>]*))?>")]
    private static partial Regex MentionRegex();

    [GeneratedRegex(@"<(?<target>[#!][^<>|]*|(?:https?|mailto):[^<>|]*)(?:\|(?<label>[^<>]*))?>")]
    private static partial Regex LinkRegex();

    [GeneratedRegex(@"^\s*<@(?<id>[UW][A-Z0-9]+)(?:\|[^<>]*)?>")]
    private static partial Regex LeadingMentionRegex();
}
