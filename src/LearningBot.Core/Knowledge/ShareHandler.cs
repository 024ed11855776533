using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

public sealed class ShareHandler(IKnowledgeRepository knowledge) : CommandHandler<ShareCommand>
{
    protected override async Task<BotReply> HandleAsync(ShareCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var post = new KnowledgePost(context.NewId(), context.TeamId, context.UserId, command.Question, command.Answer,
            command.Tags, context.Now, context.Message.IdempotencyKey);
        var stored = await knowledge.AddAsync(post, cancellationToken);

        var byline = RichText.Of("Shared by ", new MentionSpan(context.UserId, context.Message.UserName),
            stored.Value.Tags.Count > 0 ? " · " + Reply.Tags(stored.Value.Tags) : string.Empty,
            " · find it any time with ", new CodeSpan("ask"));
        return new BotReply(ReplyKind.Confirmation, ReplyAudience.Channel,
        [
            new HeadingBlock("📌 Shared answer saved"),
            new TextBlock(RichText.Of(new StrongSpan(stored.Value.Question))),
            new TextBlock(stored.Value.Answer),
            new NoteBlock(byline),
        ])
        {
            IsRedelivery = !stored.Created,
        };
    }
}
