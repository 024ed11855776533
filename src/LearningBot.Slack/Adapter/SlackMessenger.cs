using System.Text.Json.Nodes;
using LearningBot.Core.Conversations;
using LearningBot.Core.Replies;
using LearningBot.Slack.Api;
using LearningBot.Slack.Rendering;

namespace LearningBot.Slack.Adapter;

/// <summary>Posts what the scheduler sends (prompts, digests in their thread, nudge DMs) to Slack.</summary>
public sealed class SlackMessenger(ISlackApi slack) : IProactiveMessenger
{
    /// <summary>Slack errors after which posting there cannot work until someone acts (reinvite, reinstall).</summary>
    private static readonly HashSet<string> GoneErrors =
    [
        "channel_not_found", "is_archived", "not_in_channel", "account_inactive", "token_revoked", "invalid_auth",
        "not_authed", "user_not_found", "user_disabled", "no_active_installation",
    ];

    public string Platform => SlackConversation.Platform;

    public async Task<ProactiveSendOutcome> SendAsync(StoredConversation conversation, BotReply reply, string? threadId,
        CancellationToken cancellationToken)
    {
        var reference = SlackConversations.Read(conversation);
        var channel = reference.ChannelId;
        if (channel is null && reference.UserId is not null)
        {
            var opened = await slack.CallAsync(reference.TeamId, "conversations.open", new JsonObject { ["users"] = reference.UserId },
                cancellationToken);
            channel = opened.Body?["channel"]?["id"]?.GetValue<string>();
            if (!opened.Ok || channel is null)
            {
                return Outcome(opened);
            }
        }

        if (channel is null)
        {
            return new ProactiveSendOutcome(ProactiveSendResult.NotAvailable);
        }

        var message = BlockKitRenderer.Render(reply);
        var body = new JsonObject { ["channel"] = channel, ["text"] = message.Text, ["blocks"] = message.Blocks.DeepClone() };
        if (threadId is not null)
        {
            body["thread_ts"] = threadId;
        }

        var posted = await slack.CallAsync(reference.TeamId, "chat.postMessage", body, cancellationToken);
        return posted.Ok ? new ProactiveSendOutcome(ProactiveSendResult.Sent, posted.Body?["ts"]?.GetValue<string>()) : Outcome(posted);
    }

    private static ProactiveSendOutcome Outcome(SlackApiResult failed) =>
        new(failed.Error is { } error && GoneErrors.Contains(error) ? ProactiveSendResult.Gone : ProactiveSendResult.Failed);
}
