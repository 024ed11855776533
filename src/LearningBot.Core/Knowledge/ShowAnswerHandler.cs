using LearningBot.Core.Commands;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

/// <summary>The whole shared answer behind a search result (results show excerpts).</summary>
public sealed class ShowAnswerHandler(IKnowledgeRepository knowledge, PeopleNames people) : CommandHandler<ShowAnswerCommand>
{
    protected override async Task<BotReply> HandleAsync(ShowAnswerCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var post = await knowledge.GetAsync(context.TeamId, command.PostId, cancellationToken);
        if (post is null)
        {
            return Reply.Notice(ReplyKind.Error, new TextBlock("I couldn't find that shared answer — it may have been removed."));
        }

        var mention = await people.ResolveAsync(context, [post.AuthorId], cancellationToken);
        var blocks = new List<ReplyBlock>
        {
            new HeadingBlock(post.Question),
            new TextBlock(post.Answer),
            new NoteBlock(RichText.Of("Shared by ", mention(post.AuthorId), $" · {Reply.Date(post.CreatedAt, context.TimeZone)}",
                post.Tags.Count > 0 ? " · " + Reply.Tags(post.Tags) : string.Empty,
                $" · helped {Reply.Plural(post.HelpfulCount, "person", "people")}",
                " · " + AnswerReviewMessages.Freshness(post, context.Now, context.TimeZone))),
        };
        if (ShareEdits.MayChange(post, context))
        {
            blocks.Add(new NoteBlock(RichText.Of("Yours to change: ", new CodeSpan($"share edit {post.Id} <question> :: <answer>"),
                " · ", new CodeSpan($"share delete {post.Id}"))));
        }

        blocks.Add(new ActionsBlock([new ReplyAction("This helped", "helped " + post.Id)]));
        return Reply.Notice(ReplyKind.SearchResults, [.. blocks]);
    }
}
