using System.Text.Json.Nodes;
using LearningBot.Core.Replies;
using LearningBot.Slack.Api;
using LearningBot.Slack.Rendering;

namespace LearningBot.Slack.Adapter;

/// <summary>Where a reply goes: the requester, the conversation they wrote in, and how Slack lets us answer there.</summary>
/// <param name="ResponseUrl">Slash commands and buttons: answering through it works even where the bot is not a member.</param>
/// <param name="ThreadTs">The thread the person wrote in (<c>thread_ts</c>): public and private replies go there
/// (chat.postMessage and chat.postEphemeral both take it: https://api.slack.com/methods/chat.postEphemeral).</param>
/// <param name="IsDirectChannel">The conversation is the bot's DM with the requester, so every reply is private anyway.</param>
/// <param name="MessageTs">The person's own message (<c>ts</c>) the command came from (a DM, a mention, a channel message): editing
/// or deleting it reaches a learning logged from it, and a quiet reply (<see cref="BotReply.IsQuiet"/>) is a reaction on it.</param>
public sealed record ReplyTarget(string TeamId, string UserId, string? ChannelId = null, string? ResponseUrl = null,
    string? ThreadTs = null, bool IsDirectChannel = false, string? MessageTs = null);

/// <summary>Delivers a <see cref="BotReply"/>: private replies stay private, channel replies go to the channel, DMs to people.</summary>
public sealed class SlackReplySender(ISlackApi slack, SlackDirectChannels directChannels)
{
    /// <summary>The reaction that quietly acknowledges inline kudos on the giver's message (not the kudos emoji: clicking that would thank the giver).</summary>
    public const string QuietAcknowledgement = "white_check_mark";

    public async Task SendAsync(BotReply reply, ReplyTarget target, CancellationToken cancellationToken)
    {
        if (IsQuietHere(reply))
        {
            await SendQuietAsync(reply, target, cancellationToken);
            return;
        }

        var message = BlockKitRenderer.Render(reply);
        // A redelivered command must not announce again in public; the requester still sees the outcome.
        var toChannel = reply.Audience == ReplyAudience.Channel && !reply.IsRedelivery;

        if (target.ResponseUrl is not null)
        {
            var body = Response(message, toChannel);
            body["replace_original"] = false;
            await slack.RespondAsync(target.ResponseUrl, body, cancellationToken);
        }
        else if (target.ChannelId is not null && (target.IsDirectChannel || toChannel))
        {
            var body = Message(message);
            body["channel"] = target.ChannelId;
            if (target.ThreadTs is not null)
            {
                body["thread_ts"] = target.ThreadTs;
            }

            var posted = await slack.CallAsync(target.TeamId, "chat.postMessage", body, cancellationToken);
            if (!posted.Ok && posted.Error is "not_in_channel" or "channel_not_found")
            {
                await SendDirectAsync(target.TeamId, target.UserId, WithNote(reply,
                    "I couldn't post this in the channel — invite me there with /invite @LearningBot."), cancellationToken);
            }
        }
        else if (target.ChannelId is not null)
        {
            var body = Message(message);
            body["channel"] = target.ChannelId;
            body["user"] = target.UserId;
            if (target.ThreadTs is not null)
            {
                // Without it the private reply shows in the channel, away from the thread the person wrote in.
                body["thread_ts"] = target.ThreadTs;
            }

            var posted = await slack.CallAsync(target.TeamId, "chat.postEphemeral", body, cancellationToken);
            if (!posted.Ok && posted.Error is "not_in_channel" or "channel_not_found")
            {
                await SendDirectAsync(target.TeamId, target.UserId, reply, cancellationToken);
            }
        }
        else
        {
            await SendDirectAsync(target.TeamId, target.UserId, reply, cancellationToken);
        }

        await SendDirectMessagesAsync(reply, target, cancellationToken);
    }

    /// <summary>
    /// The reply as a slash command's immediate response, for the HTTP acknowledgement's body or the Socket Mode ack's
    /// <c>payload</c>: <c>{"response_type":"ephemeral"|"in_channel","text":…,"blocks":[…]}</c> — Slack shows it as if posted to
    /// response_url, without a second request (https://api.slack.com/interactivity/handling#message_responses). Null when the
    /// reply does not go to response_url (no response_url, or a quiet reply); then <see cref="SendAsync"/> sends it.
    /// What is left after the ack (DMs to the people thanked) is <see cref="SendDirectMessagesAsync"/>.
    /// </summary>
    public static JsonObject? AckResponse(BotReply reply, ReplyTarget target) =>
        target.ResponseUrl is null || IsQuietHere(reply)
            ? null
            : Response(BlockKitRenderer.Render(reply), reply.Audience == ReplyAudience.Channel && !reply.IsRedelivery);

    /// <summary>The reply's DMs (e.g. kudos to each receiver); none for a redelivery, which already sent them.</summary>
    public async Task SendDirectMessagesAsync(BotReply reply, ReplyTarget target, CancellationToken cancellationToken)
    {
        if (!reply.IsRedelivery)
        {
            foreach (var direct in reply.DirectMessages)
            {
                await SendDirectAsync(target.TeamId, direct.RecipientId, direct.Reply, cancellationToken);
            }
        }
    }

    /// <summary>A quiet reply (inline kudos' ✅, silent ones) is a reaction, never a message.</summary>
    private static bool IsQuietHere(BotReply reply) => reply.IsQuiet && (reply.IsSilent || reply.Audience == ReplyAudience.Channel);

    private static JsonObject Response(SlackMessage message, bool toChannel)
    {
        var body = Message(message);
        body["response_type"] = toChannel ? "in_channel" : "ephemeral";
        return body;
    }

    /// <summary>
    /// A quiet acknowledgement: a reaction on the person's message (reactions.add, https://api.slack.com/methods/reactions.add),
    /// none when there is no message of theirs (kudos by reaction: their emoji says it), and the direct messages.
    /// </summary>
    private async Task SendQuietAsync(BotReply reply, ReplyTarget target, CancellationToken cancellationToken)
    {
        if (reply.IsRedelivery)
        {
            return;
        }

        if (!reply.IsSilent && target is { ChannelId: { } channel, MessageTs: { } ts })
        {
            await slack.CallAsync(target.TeamId, "reactions.add",
                new JsonObject { ["channel"] = channel, ["timestamp"] = ts, ["name"] = QuietAcknowledgement }, cancellationToken);
        }

        foreach (var direct in reply.DirectMessages)
        {
            await SendDirectAsync(target.TeamId, direct.RecipientId, direct.Reply, cancellationToken);
        }
    }

    /// <summary>chat.postMessage into the person's DM (conversations.open the first time: <see cref="SlackDirectChannels"/>).</summary>
    public async Task SendDirectAsync(string teamId, string userId, BotReply reply, CancellationToken cancellationToken)
    {
        var rendered = BlockKitRenderer.Render(reply);
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var (channel, _) = await directChannels.OpenAsync(teamId, userId, cancellationToken);
            if (channel is null)
            {
                return; // already logged by the client, with Slack's reason
            }

            var body = Message(rendered);
            body["channel"] = channel;
            var posted = await slack.CallAsync(teamId, "chat.postMessage", body, cancellationToken);
            if (!SlackDirectChannels.IsStale(posted))
            {
                return;
            }

            // The remembered DM is gone (e.g. the conversation was closed and archived): open it again, once.
            directChannels.Forget(teamId, userId);
        }
    }

    private static JsonObject Message(SlackMessage message) => new()
    {
        ["text"] = message.Text,
        ["blocks"] = message.Blocks.DeepClone(),
    };

    private static BotReply WithNote(BotReply reply, string note) =>
        reply with { Audience = ReplyAudience.Requester, Blocks = [.. reply.Blocks, new NoteBlock(note)] };
}
