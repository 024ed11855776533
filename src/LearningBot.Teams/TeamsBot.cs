using Microsoft.Bot.Connector;
using LearningBot.Core.Commands;
using LearningBot.Core.Conversations;
using LearningBot.Core.Learnings;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Prompts;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;
using LearningBot.Teams.Cards;
using LearningBot.Teams.Conversations;
using LearningBot.Teams.Hosting;
using LearningBot.Teams.MessageExtensions;
using LearningBot.Teams.Messages;
using LearningBot.Teams.Security;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Teams;
using Microsoft.Bot.Schema;
using Microsoft.Bot.Schema.Teams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;

namespace LearningBot.Teams;

/// <summary>
/// The Teams adapter: turns activities into pipeline calls and replies into cards. It holds no feature
/// logic; everything a command does happens in the shared <see cref="CommandPipeline"/>.
/// </summary>
public sealed partial class TeamsBot(
    CommandPipeline pipeline,
    IDeliveryLog deliveries,
    TeamsConversations conversations,
    TeamsProactiveMessenger messenger,
    MessageExtensionHandler messageExtension,
    PromptAnswerRecorder promptAnswers,
    LearningMessageEdits learningEdits,
    ChannelAnswers channelAnswers,
    InboundActivityGuard guard,
    IOptions<TeamsOptions> options,
    TimeProvider time,
    ILogger<TeamsBot> logger) : TeamsActivityHandler
{
    private readonly HashSet<string> _admins = new(options.Value.AdminUserIds, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Refuses activities whose ids cannot be real Teams ids (missing, control characters, absurdly long) before any
    /// handler runs: they cannot be stored or replied to (ids go into URLs and headers), and failing halfway was a 500.
    /// Then <see cref="InboundActivityGuard"/> checks the channel, the tenant and the conversation's owner; a refusal
    /// (<see cref="ActivityRefusedException"/>) leaves the turn before anything is stored and becomes the HTTP answer.
    /// </summary>
    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        Hosting.SharedJsonContracts.Apply(turnContext.TurnState.Get<IConnectorClient>());
        var activity = turnContext.Activity;
        if (!UsableId(activity.Conversation?.Id) || !UsableId(activity.From?.Id) || (activity.ReplyToId is { } replyTo && !UsableId(replyTo)))
        {
            LogUnusableIds(activity.Type);
            if (activity.Type == ActivityTypes.Invoke)
            {
                // An invoke needs an answer of its own; without one Bot Framework answers 501.
                await turnContext.SendActivityAsync(new Activity
                {
                    Type = ActivityTypesEx.InvokeResponse,
                    Value = new InvokeResponse { Status = (int)System.Net.HttpStatusCode.BadRequest },
                }, cancellationToken);
            }

            return;
        }

        var stored = await guard.CheckAsync(activity, turnContext.TurnState.Get<System.Security.Claims.ClaimsIdentity>(BotAdapter.BotIdentityKey),
            cancellationToken);
        turnContext.TurnState.Add(new StoredConversationState(stored));
        await base.OnTurnAsync(turnContext, cancellationToken);
    }

    /// <summary>An invoke this bot does not offer (unknown or missing name) is the caller's mistake: 400, not Bot Framework's 501.</summary>
    protected override async Task<InvokeResponse> OnInvokeActivityAsync(ITurnContext<IInvokeActivity> turnContext, CancellationToken cancellationToken)
    {
        var response = await base.OnInvokeActivityAsync(turnContext, cancellationToken);
        return response?.Status == (int)System.Net.HttpStatusCode.NotImplemented
            ? new InvokeResponse { Status = (int)System.Net.HttpStatusCode.BadRequest }
            : response!;
    }

    private static bool UsableId(string? id) => !string.IsNullOrWhiteSpace(id) && id.Length <= 1024 && !id.Any(char.IsControl);

    protected override async Task OnMessageActivityAsync(ITurnContext<IMessageActivity> turnContext, CancellationToken cancellationToken)
    {
        var activity = (Activity)turnContext.Activity;
        var here = conversations.Describe(activity);
        if (IsPersonal(activity))
        {
            // A 1:1 chat is where private messages (kudos notices) go: keep its reference current (a write only when it changed).
            await conversations.SaveIfChangedAsync(here, turnContext.TurnState.Get<StoredConversationState>()?.Stored, cancellationToken);
        }

        // Action.Submit (older clients) arrives as a message whose value carries the button's command.
        if (string.IsNullOrWhiteSpace(activity.Text) && CommandFrom(activity.Value) is { } submitted)
        {
            var card = await RunCardCommandAsync(activity, submitted, cancellationToken);
            if (activity.ReplyToId is { Length: > 0 } cardId)
            {
                var update = MessageFactory.Attachment(CardAttachment(card));
                update.Id = cardId;
                await turnContext.UpdateActivityAsync(update, cancellationToken);
            }

            return;
        }

        var message = await TeamsMessageTranslator.TranslateAsync(activity, (m, ct) => ResolveMentionAsync(turnContext, m, ct),
            _admins, cancellationToken);
        message = message with { Conversation = here, SourceMessage = TeamsIds.SourceMessage(activity) };
        if (!IsPersonal(activity) && !MentionsBot(activity))
        {
            // With the channel-message permission (RSC ChannelMessage.Read.Group) Teams sends every message: inline kudos
            // ("@Bo ++ for …") and replies to a prompt matter then; anything else may be a question a shared answer can be offered
            // for (settings answers on), or is chatter and gets no answer.
            if (await pipeline.HandleAmbientAsync(message, cancellationToken) is { } ambient)
            {
                await ReplyQuietlyAsync(turnContext, activity, message, ambient, cancellationToken);
                return;
            }

            if (TeamsIds.Thread(activity.Conversation.Id).RootMessageId is { } root && root != activity.Id
                && await promptAnswers.RecordAsync(message, here.Key, root, cancellationToken) is not null)
            {
                return;
            }

            await OfferAnswerAsync(turnContext, activity, message, cancellationToken);
            return;
        }

        // In a prompt's thread a mention is how people answer when the channel-message permission is not granted:
        // "@LearningBot I learned …" and "@LearningBot learned …" are answers, linked to the occurrence for its digest.
        // The command and its delivery record are one unit (on SQLite one write transaction), recorded before sending so a
        // redelivery racing this turn cannot send the reply twice; a command that saved nothing is not recorded, so Teams'
        // retry of it runs.
        var run = await deliveries.RunAndRecordAsync(TeamsIds.ConversationKey(activity.Conversation.Id), [activity.Id ?? message.IdempotencyKey],
            async ct =>
            {
                // A question put to the bot in a channel that is not a command ("@LearningBot how do I get warehouse access?"): the
                // shared answer if one matches with high confidence, else the command pipeline (which says what it understands).
                var handled = await AnswerInPromptThreadAsync(activity, message, here.Key, ct)
                              ?? (CommandParser.StartsWithCommand(message.Text) ? null : await FindOfferAsync(activity, message, ct))
                              ?? await pipeline.HandleAsync(message, ct);
                return new DeliveryWork<BotReply>(handled, Record: !handled.NothingSaved, new DeliverySender(message.TeamId, message.UserId));
            }, time.GetUtcNow(), cancellationToken);
        if (run.Record == DeliveryRecord.AlreadyRecorded)
        {
            LogRedelivery(activity.Id, activity.Conversation.Id);
            return;
        }

        var reply = run.Value;

        await turnContext.SendActivityAsync(ToActivity(await PrivateLinksKeptPrivateAsync(activity, message, reply, cancellationToken)),
            cancellationToken);
        await SendDirectMessagesAsync(message.TeamId, reply, cancellationToken);
    }

    /// <summary>
    /// Inline kudos read in passing: one short reply in the message's thread, the receivers' 1:1 messages, and anything meant
    /// for the giver alone (over budget, no reason given) in their 1:1 chat, never in the channel.
    /// </summary>
    private async Task ReplyQuietlyAsync(ITurnContext turnContext, Activity activity, IncomingMessage message, BotReply reply,
        CancellationToken cancellationToken)
    {
        if (!await deliveries.TryRecordAsync(TeamsIds.ConversationKey(activity.Conversation.Id), activity.Id ?? message.IdempotencyKey,
                new DeliverySender(message.TeamId, message.UserId), time.GetUtcNow(), cancellationToken) || reply.IsRedelivery)
        {
            LogRedelivery(activity.Id, activity.Conversation.Id);
            return;
        }

        if (reply.Audience == ReplyAudience.Channel && !reply.IsSilent)
        {
            await turnContext.SendActivityAsync(ToActivity(reply), cancellationToken);
        }
        else if (!reply.IsSilent)
        {
            await SendPrivatelyAsync(message, reply, cancellationToken);
        }

        await SendDirectMessagesAsync(message.TeamId, reply, cancellationToken);
    }

    /// <summary>The person's 1:1 chat with the bot; false (and a log line) when Teams has none for them.</summary>
    private async Task<bool> SendPrivatelyAsync(IncomingMessage message, BotReply reply, CancellationToken cancellationToken)
    {
        var personal = await conversations.FindPersonalAsync(message.TeamId, message.UserId, cancellationToken);
        if (personal is null)
        {
            LogNoPersonalChat(message.UserId);
            return false;
        }

        return (await messenger.SendAsync(personal, reply, threadId: null, cancellationToken)).Result == ProactiveSendResult.Sent;
    }

    /// <summary>
    /// Offers a shared answer in the message's thread (<see cref="ChannelAnswers"/>): channels only (never a personal or group chat),
    /// people only (never a bot). True when a reply was sent, or had been sent for a redelivery of this message.
    /// </summary>
    private async Task<bool> OfferAnswerAsync(ITurnContext turnContext, Activity activity, IncomingMessage message, CancellationToken cancellationToken)
    {
        if (await FindOfferAsync(activity, message, cancellationToken) is not { } offer)
        {
            return false;
        }

        if (await deliveries.TryRecordAsync(TeamsIds.ConversationKey(activity.Conversation.Id), activity.Id ?? message.IdempotencyKey,
                new DeliverySender(message.TeamId, message.UserId), time.GetUtcNow(), cancellationToken))
        {
            // The activity's conversation id names its thread (";messageid=<root>"), so the reply lands in that thread.
            await turnContext.SendActivityAsync(ToActivity(offer), cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// The shared answer offered for a question in a channel thread (<see cref="ChannelAnswers"/>; stored once per thread), or null:
    /// not a channel, a bot's message, not a question, answers off there, or no confident match.
    /// </summary>
    private async Task<BotReply?> FindOfferAsync(Activity activity, IncomingMessage message, CancellationToken cancellationToken)
    {
        if (activity.Conversation?.ConversationType != "channel" || string.Equals(activity.From?.Role, RoleTypes.Bot, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var thread = TeamsIds.Thread(activity.Conversation.Id).RootMessageId ?? activity.Id;
        return string.IsNullOrEmpty(thread) ? null : await channelAnswers.OfferAsync(message, thread, cancellationToken);
    }

    private async Task<BotReply?> AnswerInPromptThreadAsync(Activity activity, IncomingMessage message, string conversationKey,
        CancellationToken cancellationToken)
    {
        if (IsPersonal(activity) || TeamsIds.Thread(activity.Conversation.Id).RootMessageId is not { } root || root == activity.Id
            || !promptAnswers.IsAnswer(message.Text)
            || await promptAnswers.RecordAsync(message, conversationKey, root, cancellationToken) is not { } answer)
        {
            return null;
        }

        return new BotReply(ReplyKind.Confirmation, ReplyAudience.Requester,
            [new Core.Replies.TextBlock(RichText.Of("✅ Added to this prompt's answers: ", new StrongSpan(Reply.Excerpt(answer.Text, 120))))]);
    }

    /// <summary>
    /// Teams has no private in-channel messages for bots, so a reply for the requester alone is seen by the whole
    /// conversation. A private link in it (dashboard, personal page, export) would sign in anyone who clicks it, and
    /// the person's private learnings (<see cref="BotReply.ShowsPrivateLearnings"/>) are theirs alone: such a reply goes
    /// to the person's 1:1 chat instead, and the shared conversation gets a short note.
    /// </summary>
    private async Task<BotReply> PrivateLinksKeptPrivateAsync(Activity activity, IncomingMessage message, BotReply reply,
        CancellationToken cancellationToken)
    {
        var hasPrivateLink = reply.Audience == ReplyAudience.Requester
                             && reply.Blocks.SelectMany(Spans).Any(span => span is LinkSpan);
        var hasPrivateLearnings = reply.Audience == ReplyAudience.Requester && reply.ShowsPrivateLearnings;
        if (reply.IsPrivateNotice && !IsPersonal(activity))
        {
            // e.g. over the kudos budget: the person hears it alone; the conversation sees only that there was an answer.
            return await SendPrivatelyAsync(message, reply, cancellationToken)
                ? Reply.Notice(reply.Kind, new Core.Replies.TextBlock("I've answered you in our 1:1 chat."))
                : reply; // no 1:1 chat with them yet: they asked here, so they hear it here

        }

        if (!(hasPrivateLink || hasPrivateLearnings) || IsPersonal(activity))
        {
            return reply;
        }

        var personal = await conversations.FindPersonalAsync(message.TeamId, message.UserId, cancellationToken);
        var sentPrivately = personal is not null
                            && (await messenger.SendAsync(personal, reply, threadId: null, cancellationToken)).Result == ProactiveSendResult.Sent;
        var why = hasPrivateLink ? "has a private link" : "shows your private learnings";
        // A private learning was stored all the same: asking again would log it twice, so the note says it is done.
        var text = (hasPrivateLink, reply.Kind, sentPrivately) switch
        {
            (false, ReplyKind.Confirmation, true) => "Logged privately: only you will see it. The details are in our 1:1 chat.",
            (false, ReplyKind.Confirmation, false) => "Logged privately: only you will see it. Message me directly to see your private learnings.",
            (_, _, true) => $"I've sent that to you in our 1:1 chat: it {why}.",
            _ => $"That answer {why}, so I only give it in a 1:1 chat: message me directly and ask again.",
        };
        return Reply.Notice(reply.Kind, new Core.Replies.TextBlock(text));
    }

    private static IEnumerable<Span> Spans(ReplyBlock block) => block switch
    {
        Core.Replies.TextBlock text => text.Text.Spans,
        NoteBlock note => note.Text.Spans,
        ListBlock list => list.Items.SelectMany(i => i.Text.Spans),
        _ => [],
    };

    private static bool MentionsBot(Activity activity) =>
        activity.GetMentions().Any(m => m.Mentioned?.Id == activity.Recipient?.Id);

    protected override async Task<AdaptiveCardInvokeResponse> OnAdaptiveCardInvokeAsync(ITurnContext<IInvokeActivity> turnContext,
        AdaptiveCardInvokeValue invokeValue, CancellationToken cancellationToken)
    {
        if (invokeValue.Action?.Verb != AdaptiveCardRenderer.CommandVerb || CommandFrom(invokeValue.Action.Data) is not { } command)
        {
            return new AdaptiveCardInvokeResponse
            {
                StatusCode = 400,
                Type = "application/vnd.microsoft.error",
                Value = new Error("BadRequest", "This button is not one of LearningBot's."),
            };
        }

        var card = await RunCardCommandAsync((Activity)turnContext.Activity, command, cancellationToken);
        // The response card replaces the clicked card in place.
        return new AdaptiveCardInvokeResponse { StatusCode = 200, Type = AdaptiveCardRenderer.ContentType, Value = card.Content };
    }

    protected override Task<MessagingExtensionResponse> OnTeamsMessagingExtensionQueryAsync(ITurnContext<IInvokeActivity> turnContext,
        MessagingExtensionQuery query, CancellationToken cancellationToken) =>
        messageExtension.SearchAsync((Activity)turnContext.Activity, query, cancellationToken);

    protected override Task<MessagingExtensionActionResponse> OnTeamsMessagingExtensionSubmitActionAsync(
        ITurnContext<IInvokeActivity> turnContext, MessagingExtensionAction action, CancellationToken cancellationToken) =>
        messageExtension.SaveAsync((Activity)turnContext.Activity, action, cancellationToken);

    protected override async Task OnMembersAddedAsync(IList<ChannelAccount> membersAdded, ITurnContext<IConversationUpdateActivity> turnContext,
        CancellationToken cancellationToken)
    {
        var activity = (Activity)turnContext.Activity;
        if (!membersAdded.Any(m => m.Id == activity.Recipient?.Id))
        {
            return; // someone else joined; nothing to do
        }

        // True only the first time (or after the bot was removed), so a redelivered update greets nobody twice.
        if (await conversations.SaveAsync(activity, cancellationToken))
        {
            await turnContext.SendActivityAsync(ToActivity(Welcome(activity)), cancellationToken);
        }
    }

    protected override async Task OnMembersRemovedAsync(IList<ChannelAccount> membersRemoved, ITurnContext<IConversationUpdateActivity> turnContext,
        CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;
        if (membersRemoved.Any(m => m.Id == activity.Recipient?.Id))
        {
            await conversations.MarkInactiveAsync(activity.Conversation.Id, cancellationToken);
        }
    }

    /// <summary>Uninstalling from a personal chat sends installationUpdate (not always membersRemoved): stop sending there too.</summary>
    protected override Task OnInstallationUpdateRemoveAsync(ITurnContext<IInstallationUpdateActivity> turnContext, CancellationToken cancellationToken) =>
        conversations.MarkInactiveAsync(turnContext.Activity.Conversation.Id, cancellationToken);

    /// <summary>Runs a button's command as the person who clicked; the result replaces the card.</summary>
    private async Task<RenderedCard> RunCardCommandAsync(Activity activity, string command, CancellationToken cancellationToken)
    {
        var sender = activity.From ?? new ChannelAccount("unknown", "Someone");
        var userId = TeamsIds.UserId(sender);
        var message = new IncomingMessage(TeamsIds.TeamId(activity), userId, sender.Name ?? "Someone", command,
            $"{activity.Conversation?.Id}|{activity.Id}")
        {
            Platform = TeamsIds.Platform,
            ChannelId = activity.Conversation?.Id,
            IsTeamAdmin = TeamsIds.IsAdmin(sender, _admins),
        };
        var reply = await pipeline.HandleAsync(message, cancellationToken);
        return AdaptiveCardRenderer.RenderCard(reply);
    }

    private async Task SendDirectMessagesAsync(string teamId, BotReply reply, CancellationToken cancellationToken)
    {
        foreach (var direct in reply.DirectMessages)
        {
            var personal = await conversations.FindPersonalAsync(teamId, direct.RecipientId, cancellationToken);
            if (personal is null)
            {
                // Teams only lets a bot start a 1:1 chat where the app is installed for that person.
                LogNoPersonalChat(direct.RecipientId);
                continue;
            }

            await messenger.SendAsync(personal, direct.Reply, threadId: null, cancellationToken);
        }
    }

    private async Task<string?> ResolveMentionAsync(ITurnContext turnContext, ChannelAccount mentioned, CancellationToken cancellationToken)
    {
        try
        {
            var member = await TeamsInfo.GetMemberAsync(turnContext, mentioned.Id, cancellationToken);
            return string.IsNullOrWhiteSpace(member?.AadObjectId) ? null : member.AadObjectId;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRosterFailed(ex, mentioned.Id);
            return null;
        }
    }

    internal static Activity ToActivity(BotReply reply)
    {
        var card = AdaptiveCardRenderer.RenderCard(reply);
        var activity = (Activity)MessageFactory.Attachment(CardAttachment(card));
        // The notification and screen-reader text; the card is the message itself. The card's fallbackText is that same
        // plain-text rendering, so it is not rendered twice.
        activity.Summary = card.FallbackText;
        return activity;
    }

    internal static Attachment CardAttachment(RenderedCard card) => new() { ContentType = AdaptiveCardRenderer.ContentType, Content = card.Content };

    /// <summary>
    /// The command a card button carries; for a button that asked for text (<see cref="AdaptiveCardRenderer.InputKey"/>), the
    /// command and what was typed into the input Teams merged into the data.
    /// </summary>
    private static string? CommandFrom(object? value)
    {
        var data = value is JObject json ? json : value is null ? null : JObject.FromObject(value);
        if (data?.Value<string>("command") is not { Length: > 0 } command)
        {
            return null;
        }

        return data.Value<string>(AdaptiveCardRenderer.InputKey) is { Length: > 0 } inputId
            ? (command + " " + (data.Value<string>(inputId) ?? string.Empty)).Trim()
            : command;
    }

    /// <summary>
    /// A person edited a message (<c>messageUpdate</c>, channelData.eventType <c>editMessage</c>:
    /// https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events#message-edit-event).
    /// When a learning was logged from it (a 1:1 message, a mention, a prompt-thread reply) and the editor is its author, the
    /// learning takes the new text; an edit older than the learning's last one (a late redelivery) changes nothing.
    /// </summary>
    protected override async Task OnTeamsMessageEditAsync(ITurnContext<IMessageUpdateActivity> turnContext, CancellationToken cancellationToken)
    {
        var activity = (Activity)turnContext.Activity;
        if (activity.From is null || activity.Conversation?.Id is null || activity.Id is null)
        {
            return;
        }

        var message = await TeamsMessageTranslator.TranslateAsync(activity, (m, ct) => ResolveMentionAsync(turnContext, m, ct), _admins,
            cancellationToken);
        var editedAt = activity.Timestamp ?? time.GetUtcNow();
        var updated = await learningEdits.EditedAsync(message.TeamId, message.UserId, TeamsIds.SourceMessage(activity), message.Text, editedAt,
            cancellationToken);
        if (updated is not null)
        {
            LogLearningChanged("edited", updated.Id);
        }
    }

    /// <summary>
    /// A person deleted a message (<c>messageDelete</c>, channelData.eventType <c>softDeleteMessage</c>): a learning logged from it
    /// is deleted too. Digests already posted keep it. The activity does not say who deleted; Teams lets only the author.
    /// </summary>
    protected override async Task OnTeamsMessageSoftDeleteAsync(ITurnContext<IMessageDeleteActivity> turnContext, CancellationToken cancellationToken)
    {
        var activity = (Activity)turnContext.Activity;
        if (activity.Conversation?.Id is null || activity.Id is null)
        {
            return;
        }

        var deleted = await learningEdits.DeletedAsync(TeamsIds.TeamId(activity), null, TeamsIds.SourceMessage(activity), cancellationToken);
        if (deleted is not null)
        {
            LogLearningChanged("deleted", deleted.Id);
        }
    }

    private static bool IsPersonal(IActivity activity) => activity.Conversation?.ConversationType == "personal";

    private static BotReply Welcome(Activity activity) => new(ReplyKind.Help, ReplyAudience.Channel,
    [
        new HeadingBlock("👋 Hi, I'm LearningBot"),
        new Core.Replies.TextBlock(IsPersonal(activity)
            ? "I help you keep a learning log, thank colleagues with kudos and find answers your team already wrote down."
            : "I help this team make learning visible: log what you learned, thank each other with kudos, and share answers so nobody has to ask twice."),
        // In a 1:1 chat every message reaches the bot (there is no one to mention); elsewhere it must be mentioned.
        new NoteBlock(IsPersonal(activity)
            ? RichText.Of("Type ", new CodeSpan("help"), " to see everything I can do.")
            : RichText.Of("Mention me with ", new CodeSpan($"@{(string.IsNullOrWhiteSpace(activity.Recipient?.Name) ? "LearningBot" : activity.Recipient.Name)} help"),
                " to see everything I can do.")),
    ]);

    [LoggerMessage(Level = LogLevel.Information, Message = "A Teams message a learning came from was {Change}: learning {LearningId} follows")]
    private partial void LogLearningChanged(string change, string learningId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a Teams {ActivityType} activity without usable conversation/sender ids")]
    private partial void LogUnusableIds(string? activityType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored redelivered Teams activity {ActivityId} in {ConversationId}")]
    private partial void LogRedelivery(string? activityId, string conversationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "No 1:1 chat with {UserId} is known, so their private message was not sent")]
    private partial void LogNoPersonalChat(string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Teams roster lookup failed for {MemberId}; using the Teams id")]
    private partial void LogRosterFailed(Exception exception, string memberId);

    /// <summary>The turn's conversation as the inbound guard read it from the store (null: not stored yet).</summary>
    private sealed record StoredConversationState(StoredConversation? Stored);
}
