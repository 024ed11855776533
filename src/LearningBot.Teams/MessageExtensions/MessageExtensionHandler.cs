using System.Net;
using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Replies;
using LearningBot.Teams.Cards;
using LearningBot.Teams.Hosting;
using LearningBot.Teams.Messages;
using Microsoft.Bot.Schema;
using Microsoft.Bot.Schema.Teams;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;

namespace LearningBot.Teams.MessageExtensions;

/// <summary>
/// The message extension's two commands (ids as in manifest.json): <c>searchAnswers</c> finds shared answers
/// to insert into a conversation; <c>saveAnswer</c> turns any message into a shared answer through the pipeline.
/// </summary>
public sealed partial class MessageExtensionHandler(
    ISearchIndex search,
    IQueryEmbedder embedder,
    IKnowledgeRepository knowledge,
    CommandPipeline pipeline,
    IOptions<TeamsOptions> options)
{
    public const string SearchCommandId = "searchAnswers";
    public const string SaveCommandId = "saveAnswer";
    private const int MaxResults = 10;
    private readonly HashSet<string> _admins = new(options.Value.AdminUserIds, StringComparer.OrdinalIgnoreCase);

    public async Task<MessagingExtensionResponse> SearchAsync(Activity activity, MessagingExtensionQuery query, CancellationToken cancellationToken)
    {
        if (query.CommandId != SearchCommandId)
        {
            return Message($"I don't know the search command \"{query.CommandId}\".");
        }

        var text = query.Parameters?.FirstOrDefault(p => p.Name == "query")?.Value?.ToString()?.Trim() ?? string.Empty;
        if (text.Length == 0 || query.Parameters!.Any(p => p.Name == "initialRun"))
        {
            return Message("Type a few words to search the answers your colleagues shared.");
        }

        var teamId = TeamsIds.TeamId(activity);
        var hits = await search.SearchAsync(
            new SearchQuery(teamId, text, [SearchKind.Knowledge], MaxResults) { Embedding = await embedder.EmbedAsync(text, cancellationToken) },
            cancellationToken);
        var attachments = new List<MessagingExtensionAttachment>();
        foreach (var hit in hits)
        {
            var post = await knowledge.GetAsync(teamId, hit.Id, cancellationToken);
            if (post is null)
            {
                continue;
            }

            var card = AdaptiveCardRenderer.RenderCard(AnswerCard(post));
            attachments.Add(new MessagingExtensionAttachment(AdaptiveCardRenderer.ContentType, content: card.Content,
                preview: new ThumbnailCard(post.Question, text: Reply.Excerpt(post.Answer, 120)).ToAttachment()));
        }

        if (attachments.Count == 0)
        {
            return Message($"Nothing shared about \"{Reply.Excerpt(text, 40)}\" yet. Save a good answer with \"Save as shared answer\".");
        }

        return new MessagingExtensionResponse
        {
            ComposeExtension = new MessagingExtensionResult { Type = "result", AttachmentLayout = "list", Attachments = attachments },
        };
    }

    public async Task<MessagingExtensionActionResponse> SaveAsync(Activity activity, MessagingExtensionAction action, CancellationToken cancellationToken)
    {
        if (action.CommandId != SaveCommandId)
        {
            return Dialog($"I don't know the action \"{action.CommandId}\".");
        }

        var data = action.Data is null ? new JObject() : JObject.FromObject(action.Data);
        var question = (data.Value<string>("question") ?? string.Empty).Replace("::", ":", StringComparison.Ordinal).Trim();
        var tags = TagRegex().Matches(data.Value<string>("tags") ?? string.Empty).Select(m => "#" + m.Value.TrimStart('#').ToLowerInvariant());
        var answer = HtmlToText(action.MessagePayload?.Body?.Content, action.MessagePayload?.Body?.ContentType);
        if (question.Length == 0 || answer.Length == 0)
        {
            return Dialog(question.Length == 0
                ? "Please write the question this message answers, so people can find it."
                : "That message has no text I can save (images and files can't be saved yet).");
        }

        var sender = activity.From ?? new ChannelAccount("unknown", "Someone");
        var userId = TeamsIds.UserId(sender);
        // One shared answer per message: saving it again (or a retried invoke) finds the first one.
        var messageId = action.MessagePayload?.Id ?? activity.Id;
        var message = new IncomingMessage(TeamsIds.TeamId(activity), userId, sender.Name ?? "Someone",
            $"share {question} :: {answer} {string.Join(' ', tags)}".Trim(), $"{activity.Conversation?.Id}|save:{messageId}")
        {
            Platform = TeamsIds.Platform,
            ChannelId = activity.Conversation?.Id,
            IsTeamAdmin = TeamsIds.IsAdmin(sender, _admins),
        };
        var reply = await pipeline.HandleAsync(message, cancellationToken);
        var text = PlainTextRenderer.Render(reply);
        return Dialog(reply.IsRedelivery ? "This message was already saved as a shared answer.\n\n" + text : text);
    }

    /// <summary>A found answer as a card anyone can insert into a conversation, with its "This helped" button.</summary>
    internal static BotReply AnswerCard(KnowledgePost post) => new(ReplyKind.SearchResults, ReplyAudience.Channel,
    [
        new HeadingBlock(post.Question),
        new Core.Replies.TextBlock(post.Answer),
        new NoteBlock(post.Tags.Count > 0
            ? $"Shared answer · {Reply.Tags(post.Tags)} · helped {Reply.Plural(post.HelpfulCount, "person", "people")}"
            : $"Shared answer · helped {Reply.Plural(post.HelpfulCount, "person", "people")}"),
        new ActionsBlock([new ReplyAction("This helped", "helped " + post.Id)]),
    ]);

    internal static string HtmlToText(string? content, string? contentType)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return string.Empty;
        }

        var text = content;
        if (!string.Equals(contentType, "text", StringComparison.OrdinalIgnoreCase))
        {
            // Links keep their address ("title (url)"): the href is all the message has of it.
            text = TeamsHtml.LinksAsText(text);
            text = BreakRegex().Replace(text, " ");
            text = TagStripRegex().Replace(text, string.Empty);
            text = WebUtility.HtmlDecode(text);
        }

        return SpaceRegex().Replace(text.Replace("<@", "@", StringComparison.Ordinal), " ").Trim();
    }

    private static MessagingExtensionResponse Message(string text) => new()
    {
        ComposeExtension = new MessagingExtensionResult { Type = "message", Text = text },
    };

    private static MessagingExtensionActionResponse Dialog(string text) => new() { Task = new TaskModuleMessageResponse(text) };

    [GeneratedRegex(@"#?[\p{L}\p{N}_\-]{1,40}")]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"<(br|/p|/div|/li)\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex BreakRegex();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex TagStripRegex();

    [GeneratedRegex(@"\s+")]
    private static partial Regex SpaceRegex();
}
