using System.Net;
using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using Microsoft.Bot.Schema;

namespace LearningBot.Teams.Messages;

/// <summary>Looks up a mentioned Teams account's Entra object id (roster API); null when it cannot be found.</summary>
public delegate Task<string?> MentionResolver(ChannelAccount mentioned, CancellationToken cancellationToken);

/// <summary>
/// The adapter step for Teams: a message activity becomes an <see cref="IncomingMessage"/>. The bot's own
/// <c>&lt;at&gt;</c> mention is removed; each user mention becomes a <c>&lt;@userId&gt;</c> token with its display name.
/// </summary>
public static partial class TeamsMessageTranslator
{
    /// <param name="adminUserIds">Entra object ids of admins, compared with the sender's aadObjectId only.</param>
    public static async Task<IncomingMessage> TranslateAsync(Activity activity, MentionResolver resolveMention,
        IReadOnlySet<string> adminUserIds, CancellationToken cancellationToken)
    {
        // A typed "<@x>" must not pass as a mention: only Teams' own mention entities become tokens.
        var text = (activity.Text ?? string.Empty).Replace("<@", "@", StringComparison.Ordinal);
        var mentions = new List<MentionedMember>();
        foreach (var mention in activity.GetMentions())
        {
            if (mention.Mentioned is null || string.IsNullOrEmpty(mention.Text))
            {
                continue;
            }

            var index = text.IndexOf(mention.Text, StringComparison.Ordinal);
            if (index < 0)
            {
                continue;
            }

            string replacement;
            if (mention.Mentioned.Id == activity.Recipient?.Id)
            {
                replacement = string.Empty;
            }
            else
            {
                var userId = string.IsNullOrWhiteSpace(mention.Mentioned.AadObjectId)
                    ? await resolveMention(mention.Mentioned, cancellationToken) ?? mention.Mentioned.Id
                    : mention.Mentioned.AadObjectId;
                var name = string.IsNullOrWhiteSpace(mention.Mentioned.Name)
                    ? StripAt(mention.Text)
                    : mention.Mentioned.Name;
                mentions.Add(new MentionedMember(userId, name));
                replacement = $"<@{userId}>";
            }

            text = string.Concat(text.AsSpan(0, index), replacement, text.AsSpan(index + mention.Text.Length));
        }

        // Teams may send HTML entities (&nbsp;, &amp;) in plain text; decoding happens after tokens are placed,
        // and "<@" produced by decoding is neutralised again so entities cannot fake a mention either.
        text = DecodeOutsideTokens(text);
        var sender = activity.From ?? new ChannelAccount("unknown", "Someone");
        var userIdOfSender = TeamsIds.UserId(sender);
        var conversationId = activity.Conversation?.Id ?? "unknown";
        return new IncomingMessage(TeamsIds.TeamId(activity), userIdOfSender, sender.Name ?? "Someone",
            WhitespaceRegex().Replace(text, " ").Trim(), $"{conversationId}|{activity.Id}")
        {
            Platform = TeamsIds.Platform,
            ChannelId = conversationId,
            IsTeamAdmin = TeamsIds.IsAdmin(sender, adminUserIds),
            Mentions = mentions.DistinctBy(m => m.UserId).ToList(),
        };
    }

    private static string DecodeOutsideTokens(string text)
    {
        var parts = TokenRegex().Split(text);
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TokenRegex().IsMatch(parts[i]))
            {
                parts[i] = WebUtility.HtmlDecode(parts[i]).Replace("<@", "@", StringComparison.Ordinal).Replace('\u00A0', ' ');
            }
        }

        return string.Concat(parts);
    }

    private static string StripAt(string text) => text.Replace("<at>", string.Empty).Replace("</at>", string.Empty);

    [GeneratedRegex(@"(<@[^<>|\s]+>)")]
    private static partial Regex TokenRegex();

    [GeneratedRegex(@"[ \t\u00A0]+")]
    private static partial Regex WhitespaceRegex();
}
