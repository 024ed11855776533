using System.Net;
using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using Microsoft.Bot.Schema;

namespace LearningBot.Teams.Messages;

/// <summary>Looks up a mentioned Teams account's Entra object id (roster API); null when it cannot be found.</summary>
public delegate Task<string?> MentionResolver(ChannelAccount mentioned, CancellationToken cancellationToken);

/// <summary>
/// The adapter step for Teams: a message activity becomes an <see cref="IncomingMessage"/>. The bot's own
/// <c>&lt;at&gt;</c> mention is removed; each user mention becomes a <c>&lt;@userId&gt;</c> token with its display name;
/// links keep their address (from the <c>text/html</c> attachment); the conversation's scope sets what replies may
/// suggest (<see cref="IncomingMessage.Scope"/>).
/// </summary>
/// <remarks>
/// Mention entities come in several shapes (all handled, see docs/teams.md): <c>text</c> = <c>&lt;at&gt;Name&lt;/at&gt;</c>
/// (the documented one, https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/channel-and-group-conversations#work-with-mentions),
/// <c>text</c> missing when the name contains <c>&amp;</c> (https://github.com/microsoft/botbuilder-js/issues/2083) while the
/// activity text holds <c>&lt;at&gt;Dee &amp;amp; Co&lt;/at&gt;</c>, <c>text</c> without the <c>&lt;at&gt;</c> tags, HTML-encoded
/// names, and a mention shortened to the first name (<c>&lt;at&gt;Bo&lt;/at&gt;</c> for "Bo Chen").
/// </remarks>
public static partial class TeamsMessageTranslator
{
    /// <param name="adminUserIds">Entra object ids of admins, compared with the sender's aadObjectId only.</param>
    public static async Task<IncomingMessage> TranslateAsync(Activity activity, MentionResolver resolveMention,
        IReadOnlySet<string> adminUserIds, CancellationToken cancellationToken)
    {
        // A typed "<@x>" must not pass as a mention: only Teams' own mention entities become tokens.
        var text = (activity.Text ?? string.Empty).Replace("<@", "@", StringComparison.Ordinal);
        var mentions = new List<MentionedMember>();
        var replacements = new List<(int Start, int Length, string Token)>();
        var tags = AtTagRegex().Matches(text).ToList();
        foreach (var mention in activity.GetMentions())
        {
            if (mention.Mentioned is null || FindMention(text, tags, replacements, mention) is not { } found)
            {
                continue;
            }

            string token;
            if (mention.Mentioned.Id == activity.Recipient?.Id)
            {
                token = string.Empty;
            }
            else
            {
                var userId = string.IsNullOrWhiteSpace(mention.Mentioned.AadObjectId)
                    ? await resolveMention(mention.Mentioned, cancellationToken) ?? mention.Mentioned.Id
                    : mention.Mentioned.AadObjectId;
                // The full name: mentioned.name, not the (possibly shortened) text shown in the message.
                var name = Clean(mention.Mentioned.Name) is { Length: > 0 } full ? full : found.Shown;
                // Bots and apps have Teams ids "28:…" (people "29:…"): never a kudos receiver.
                var isBot = mention.Mentioned.Id is { } teamsId && teamsId.StartsWith("28:", StringComparison.Ordinal);
                mentions.Add(new MentionedMember(userId, name, isBot));
                token = $"<@{userId}>";
            }

            replacements.Add((found.Start, found.Length, token));
        }

        // <at> tags no entity claimed are plain words (the name as shown), never markup.
        foreach (var tag in tags.Where(t => !replacements.Any(r => r.Start == t.Index)))
        {
            replacements.Add((tag.Index, tag.Length, WebUtility.HtmlEncode(Clean(tag.Groups["name"].Value))));
        }

        foreach (var (start, length, token) in replacements.OrderByDescending(r => r.Start))
        {
            text = string.Concat(text.AsSpan(0, start), token, text.AsSpan(start + length));
        }

        // Teams may send HTML entities (&nbsp;, &amp;) in plain text; decoding happens after tokens are placed,
        // and "<@" produced by decoding is neutralised again so entities cannot fake a mention either.
        text = DecodeOutsideTokens(text);
        text = TeamsHtml.KeepLinks(text, activity.Attachments);
        var sender = activity.From ?? new ChannelAccount("unknown", "Someone");
        var userIdOfSender = TeamsIds.UserId(sender);
        var conversationId = activity.Conversation?.Id ?? "unknown";
        return new IncomingMessage(TeamsIds.TeamId(activity), userIdOfSender, sender.Name ?? "Someone",
            WhitespaceRegex().Replace(text, " ").Trim(), $"{conversationId}|{activity.Id}")
        {
            Platform = TeamsIds.Platform,
            // The channel (or chat) without the thread part (";messageid=…"): kudos boards per channel count every thread in it, and a
            // channel setting such as "settings answers on" holds for all its threads.
            ChannelId = TeamsIds.Thread(conversationId).Channel,
            IsTeamAdmin = TeamsIds.IsAdmin(sender, adminUserIds),
            Mentions = mentions.DistinctBy(m => m.UserId).ToList(),
            Scope = ScopeOf(activity),
        };
    }

    /// <summary>
    /// What Teams offers in each conversation type (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/conversation-basics):
    /// a personal chat has no people picker; a group chat has no threads; channels have both. Admins are configured
    /// (<c>Teams__AdminUserIds</c>), since Teams does not tell a bot who owns a team.
    /// </summary>
    public static ConversationScope ScopeOf(IActivity activity) => activity.Conversation?.ConversationType switch
    {
        "personal" => new ConversationScope(HasThreads: false, CanMentionPeople: false, BotNeedsMention: false, TeamsAdmins),
        "groupChat" => new ConversationScope(HasThreads: false, CanMentionPeople: true, BotNeedsMention: true, TeamsAdmins),
        _ => new ConversationScope(HasThreads: true, CanMentionPeople: true, BotNeedsMention: true, TeamsAdmins),
    };

    private const string TeamsAdmins =
        "In Teams, LearningBot's admins are set by whoever runs it for your organisation (the Teams__AdminUserIds setting): ask them.";

    /// <summary>
    /// Where a mention entity sits in the activity text: first the unclaimed <c>&lt;at&gt;</c> tag whose name equals the
    /// entity's text or mentioned name (decoded, case-insensitive), then one showing the start of the name (a mention
    /// shortened to the first name), then the entity's raw text anywhere (a mention without tags).
    /// </summary>
    private static (int Start, int Length, string Shown)? FindMention(string text, List<Match> tags,
        List<(int Start, int Length, string Token)> claimed, Mention mention)
    {
        var free = tags.Where(t => !claimed.Any(c => c.Start == t.Index)).ToList();
        var shown = Clean(mention.Text);
        var full = Clean(mention.Mentioned.Name);
        foreach (var wanted in new[] { shown, full }.Where(w => w.Length > 0))
        {
            if (free.FirstOrDefault(t => SameName(Clean(t.Groups["name"].Value), wanted)) is { } exact)
            {
                return (exact.Index, exact.Length, Clean(exact.Groups["name"].Value));
            }
        }

        if (shown.Length == 0 && full.Length > 0
            && free.FirstOrDefault(t => full.StartsWith(Clean(t.Groups["name"].Value) + " ", StringComparison.OrdinalIgnoreCase)) is { } part)
        {
            return (part.Index, part.Length, Clean(part.Groups["name"].Value));
        }

        if (!string.IsNullOrEmpty(mention.Text) && !mention.Text.Contains("<at", StringComparison.OrdinalIgnoreCase))
        {
            for (var at = text.IndexOf(mention.Text, StringComparison.Ordinal); at >= 0; at = text.IndexOf(mention.Text, at + 1, StringComparison.Ordinal))
            {
                var start = at;
                if (!claimed.Any(c => start < c.Start + c.Length && c.Start < start + mention.Text.Length)
                    && !tags.Any(t => start < t.Index + t.Length && t.Index < start + mention.Text.Length))
                {
                    return (start, mention.Text.Length, shown);
                }
            }
        }

        return null;
    }

    private static bool SameName(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>A name as people read it: tags removed, entities decoded (once or twice encoded), spaces folded.</summary>
    private static string Clean(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return string.Empty;
        }

        var text = AnyTagRegex().Replace(name, string.Empty);
        for (var i = 0; i < 2 && text.Contains('&'); i++)
        {
            text = WebUtility.HtmlDecode(text);
        }

        return WhitespaceRegex().Replace(text.Replace("<@", "@", StringComparison.Ordinal), " ").Trim();
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

    [GeneratedRegex(@"(<@[^<>|\s]+>)")]
    private static partial Regex TokenRegex();

    [GeneratedRegex(@"<at(?:\s[^<>]*)?>(?<name>.*?)</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex AtTagRegex();

    [GeneratedRegex(@"</?at(?:\s[^<>]*)?>", RegexOptions.IgnoreCase)]
    private static partial Regex AnyTagRegex();

    [GeneratedRegex(@"[ \t\u00A0]+")]
    private static partial Regex WhitespaceRegex();
}
