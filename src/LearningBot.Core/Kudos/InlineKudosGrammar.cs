using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using LearningBot.Core.Settings;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Kudos;

/// <summary>
/// Kudos in the flow of conversation, read from messages not addressed to the bot as a command:
/// <list type="bullet">
/// <item>inline: a message that starts with one or more mentions followed by <c>++</c> or the team's kudos emoji
/// (<c>@bo ++ for the incident write-up</c>, <c>@bo :tada: thanks for pairing</c>, <c>@bo and @cy 🎉 great demo #teamwork</c>);</item>
/// <item>a reaction with the team's kudos emoji (<see cref="MessageReaction"/>): kudos to the message's author, the message as the reason.</item>
/// </list>
/// Anything else is ordinary chatter: <see cref="Recognise"/> returns null and the bot neither stores nor answers anything.
/// A mention somewhere later in a sentence ("thanks @bo ++") is not inline kudos: only the leading form is clear enough.
/// </summary>
public static partial class InlineKudosGrammar
{
    /// <summary>The reason stored for kudos by reaction: the message, cut to about this many characters.</summary>
    public const int ReactionReasonLength = 200;

    /// <summary>Cheap test before the team's settings are read: starts with a mention and has something after it.</summary>
    public static bool CouldBe(string? text) => text is not null && LeadingMentionsRegex().Match(CommandInput.Normalize(text).Trim()) is { Success: true } m
                                                && m.Length < CommandInput.Normalize(text).Trim().Length;

    /// <summary>
    /// The kudos this message or reaction gives: a <see cref="GiveKudosCommand"/> (or <see cref="TakeBackKudosCommand"/> for a
    /// removed reaction); a <see cref="ParseFailure"/> for clear kudos that cannot be given (no reason); null when it is not kudos.
    /// </summary>
    public static ParseResult? Recognise(IncomingMessage message, TeamSettings settings)
    {
        if (message.Reaction is { } reaction)
        {
            return FromReaction(reaction, message.UserId, settings.KudosEmoji);
        }

        var text = CommandInput.Normalize(message.Text).Trim();
        if (text.Length is 0 or > CommandParser.MaxTextLength)
        {
            return null;
        }

        var leading = LeadingMentionsRegex().Match(text);
        if (!leading.Success)
        {
            return null;
        }

        var afterMentions = text[leading.Length..];
        var marker = Marker(afterMentions, settings.KudosEmoji);
        if (marker is null)
        {
            return null;
        }

        var receivers = MentionRegex().Matches(leading.Value).Select(m => m.Groups["id"].Value).Distinct(StringComparer.Ordinal).ToList();
        var (reason, value) = KudosReason.Split(afterMentions[marker.Value..]);
        if (!ContainsWordCharacter(MentionRegex().Replace(reason, string.Empty)))
        {
            return Fail("Say what the kudos are for, in the same message: recognising the effort is the point.", KudosGrammar.InlineUsage);
        }

        return new Parsed(new GiveKudosCommand(receivers, reason, value) { Source = KudosSource.Inline });
    }

    private static ParseResult? FromReaction(MessageReaction reaction, string reactorId, string teamEmoji)
    {
        if (!KudosEmoji.IsReaction(reaction.Emoji, teamEmoji))
        {
            return null;
        }

        if (!reaction.Added)
        {
            return new Parsed(new TakeBackKudosCommand());
        }

        if (reaction.AuthorId is not { Length: > 0 } author || reaction.AuthorIsBot || author == reactorId)
        {
            // A bot's post (a prompt, a digest) collects the emoji as applause, and people cheer their own news: neither is
            // kudos, and neither deserves a lecture.
            return null;
        }

        var text = MentionRegex().Replace(CommandInput.Normalize(reaction.Text), "@someone").Trim();
        var reason = text.Length == 0 ? "their message" : Replies.Reply.Excerpt(text, ReactionReasonLength);
        return new Parsed(new GiveKudosCommand([author], reason, null) { Source = KudosSource.Reaction, Link = reaction.Link });
    }

    /// <summary>Where the kudos marker (<c>++</c> or the emoji, skin tone allowed) ends, if the text starts with one.</summary>
    private static int? Marker(string text, string teamEmoji)
    {
        foreach (var marker in KudosEmoji.Markers(teamEmoji).Prepend("++"))
        {
            if (!text.StartsWith(marker, StringComparison.Ordinal))
            {
                continue;
            }

            var end = marker.Length;
            var tone = SkinToneRegex().Match(text, end);
            if (tone.Success && tone.Index == end)
            {
                end += tone.Length;
            }

            // The marker must stand alone ("+++", "++x" or ":tada:x" is something else); the rest is the reason.
            if (end == text.Length || char.IsWhiteSpace(text[end]) || char.IsPunctuation(text[end]))
            {
                return end;
            }
        }

        return null;
    }

    /// <summary>One or more mentions at the start, separated by spaces, commas, <c>&amp;</c> or <c>and</c>; then optional spaces.</summary>
    [GeneratedRegex(@"^(?:<@[^<>|\s]+(?:\|[^<>]*)?>(?:\s*(?:,|&|\band\b)?\s*)(?=<@|\S))+\s*", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingMentionsRegex();

    [GeneratedRegex(@":skin-tone-[2-6]:|\uD83C[\uDFFB-\uDFFF]")]
    private static partial Regex SkinToneRegex();
}
