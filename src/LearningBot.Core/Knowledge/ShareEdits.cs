using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

/// <summary><c>share edit &lt;id&gt; &lt;question&gt; :: &lt;answer&gt; [#tag …]</c>: corrects a shared answer.</summary>
public sealed record EditShareCommand(string PostId, ShareCommand Changed) : BotCommand;

/// <summary><c>share delete &lt;id&gt;</c>: removes a shared answer.</summary>
public sealed record DeleteShareCommand(string PostId) : BotCommand;

/// <summary>Who may change a shared answer: the person who shared it, and the team's admins (the platform's own admins).</summary>
public static class ShareEdits
{
    public static bool MayChange(KnowledgePost post, CommandContext context) =>
        post.AuthorId == context.UserId || context.Message.IsTeamAdmin;

    internal static BotReply NotFound() => Reply.Notice(ReplyKind.Error,
        new TextBlock("I can't find a shared answer with that id: it may have been deleted already."),
        new NoteBlock(RichText.Of("Look for it with ", new CodeSpan("ask <question>"), ": \"Open\" shows its id.")));

    internal static BotReply NotAllowed(string what) => Reply.Notice(ReplyKind.Error,
        new TextBlock($"Only the person who shared an answer, or a team admin, can {what} it."),
        new NoteBlock("If it is wrong, tell them, or share a better answer next to it."));
}

/// <summary>
/// <c>share edit</c>: the question, answer and tags change in one write with the search index, so <c>ask</c> finds the new
/// words at once; votes, author and date stay.
/// </summary>
public sealed class EditShareHandler(IKnowledgeRepository knowledge) : CommandHandler<EditShareCommand>
{
    protected override async Task<BotReply> HandleAsync(EditShareCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var post = await knowledge.GetAsync(context.TeamId, command.PostId, cancellationToken);
        if (post is null)
        {
            return ShareEdits.NotFound();
        }

        if (!ShareEdits.MayChange(post, context))
        {
            return ShareEdits.NotAllowed("change");
        }

        var changed = command.Changed;
        var updated = await knowledge.UpdateAsync(post with { Question = changed.Question, Answer = changed.Answer, Tags = changed.Tags },
            cancellationToken);
        if (updated is null)
        {
            return ShareEdits.NotFound();
        }

        return Reply.Notice(ReplyKind.Confirmation,
            new HeadingBlock("📌 Shared answer updated"),
            new TextBlock(RichText.Of(new StrongSpan(updated.Question))),
            new TextBlock(updated.Answer),
            new NoteBlock(updated.Tags.Count > 0 ? Reply.Tags(updated.Tags) + " · ask finds the new words now" : "ask finds the new words now"));
    }
}

/// <summary><c>share delete</c>: the answer, its votes and its search entry go in one write.</summary>
public sealed class DeleteShareHandler(IKnowledgeRepository knowledge) : CommandHandler<DeleteShareCommand>
{
    protected override async Task<BotReply> HandleAsync(DeleteShareCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var post = await knowledge.GetAsync(context.TeamId, command.PostId, cancellationToken);
        if (post is null)
        {
            return ShareEdits.NotFound();
        }

        if (!ShareEdits.MayChange(post, context))
        {
            return ShareEdits.NotAllowed("delete");
        }

        await knowledge.DeleteAsync(context.TeamId, post.Id, cancellationToken);
        return Reply.Notice(ReplyKind.Confirmation,
            new TextBlock(RichText.Of("🗑️ Deleted the shared answer ", new StrongSpan(Reply.Excerpt(post.Question, 120)), ".")));
    }
}
