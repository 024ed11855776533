using LearningBot.Core.Commands;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// The owner's answers to a review DM (still right, edit, retire) and <c>share owner</c>. Only the answer's owner or a team admin may
/// change it; anyone else is told who can.
/// </summary>
public sealed class AnswerReviewHandler(IKnowledgeRepository knowledge, IAnswerReviewRepository reviews, PeopleNames people)
    : CommandHandler<ReviewAnswerCommand>
{
    protected override async Task<BotReply> HandleAsync(ReviewAnswerCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var post = await knowledge.GetAsync(context.TeamId, command.PostId, cancellationToken);
        if (post is null)
        {
            return NotFound();
        }

        if (await RefusalAsync(post, context, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        switch (command.Action)
        {
            case ReviewAction.StillRight when post.RetiredAt is null:
                var next = context.Now.AddDays(context.Settings.ReviewAfterDays);
                var confirmed = await reviews.ConfirmAsync(context.TeamId, post.Id, context.Now, next, cancellationToken) ?? post;
                return Reply.Notice(ReplyKind.Confirmation,
                    new TextBlock(RichText.Of("✅ Thanks! ", new StrongSpan(confirmed.Question), " is confirmed as still right.")),
                    new NoteBlock($"Next review on {Reply.Date(next, context.TimeZone)}."));
            case ReviewAction.StillRight:
                return Reply.Notice(ReplyKind.Error, new TextBlock(RichText.Of(new StrongSpan(post.Question),
                    $" was retired on {Reply.Date(post.RetiredAt!.Value, context.TimeZone)}, so there is nothing to confirm. If it is right again, share it anew.")));
            case ReviewAction.Retire:
                var retired = await reviews.RetireAsync(context.TeamId, post.Id, context.Now, cancellationToken) ?? post;
                return Reply.Notice(ReplyKind.Confirmation,
                    new TextBlock(RichText.Of("🗄 Retired: ", new StrongSpan(retired.Question), " no longer shows up in search.")),
                    new NoteBlock(RichText.Of("It is kept for you: ", new CodeSpan("show " + post.Id), " and ", new CodeSpan("export me"), ".")));
            default:
                // share edit is built separately; until it lands this names the command to send, filled in with today's text.
                return Reply.Notice(ReplyKind.Confirmation,
                    new TextBlock(RichText.Of("To change ", new StrongSpan(post.Question), ", send the corrected version:")),
                    new TextBlock(RichText.Of(new CodeSpan($"share edit {post.Id} {post.Question} :: {post.Answer}"))),
                    new NoteBlock("Editing counts as confirming it."));
        }
    }

    internal static BotReply NotFound() =>
        Reply.Notice(ReplyKind.Error, new TextBlock("I couldn't find that shared answer — it may have been removed."));

    /// <summary>Null when the requester owns the answer or is a team admin; otherwise the reply that says who may.</summary>
    internal static async Task<BotReply?> RefusalAsync(KnowledgePost post, CommandContext context, PeopleNames people,
        CancellationToken cancellationToken)
    {
        if (post.OwnerId == context.UserId || context.Message.IsTeamAdmin)
        {
            return null;
        }

        var mention = await people.ResolveAsync(context, [post.OwnerId], cancellationToken);
        return Reply.Notice(ReplyKind.Error, new TextBlock(RichText.Of("Only the answer's owner (", mention(post.OwnerId),
            ") or a team admin can change it. ", context.Message.Scope.WhomToAsk)));
    }

    private Task<BotReply?> RefusalAsync(KnowledgePost post, CommandContext context, CancellationToken cancellationToken) =>
        RefusalAsync(post, context, people, cancellationToken);
}

/// <summary><c>share owner &lt;id&gt; @person</c>: the new owner gets the answer's reviews and a DM saying so.</summary>
public sealed class ChangeAnswerOwnerHandler(IKnowledgeRepository knowledge, IAnswerReviewRepository reviews, PeopleNames people)
    : CommandHandler<ChangeAnswerOwnerCommand>
{
    protected override async Task<BotReply> HandleAsync(ChangeAnswerOwnerCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var post = await knowledge.GetAsync(context.TeamId, command.PostId, cancellationToken);
        if (post is null)
        {
            return AnswerReviewHandler.NotFound();
        }

        if (await AnswerReviewHandler.RefusalAsync(post, context, people, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var mention = await people.ResolveAsync(context, [command.OwnerId], cancellationToken);
        if (post.OwnerId == command.OwnerId)
        {
            return Reply.Notice(ReplyKind.Confirmation, new TextBlock(RichText.Of(mention(command.OwnerId), " already owns ",
                new StrongSpan(post.Question), ".")));
        }

        var updated = await reviews.SetOwnerAsync(context.TeamId, post.Id, command.OwnerId, cancellationToken) ?? post;
        var when = updated.ReviewDueAt is { } due && updated.RetiredAt is null ? $" I'll ask them to review it on {Reply.Date(due, context.TimeZone)}." : "";
        var handedOver = new BotReply(ReplyKind.Confirmation, ReplyAudience.Requester,
        [
            new TextBlock(RichText.Of(new MentionSpan(context.UserId, context.Message.UserName), " made you the owner of the shared answer ",
                new StrongSpan(updated.Question), ".")),
            new NoteBlock(RichText.Of("Owners keep an answer true: I'll ask you now and then whether it still is. ", new CodeSpan("show " + post.Id))),
        ]);
        return Reply.Notice(ReplyKind.Confirmation,
            new TextBlock(RichText.Of(mention(command.OwnerId), " now owns ", new StrongSpan(updated.Question), "." + when))) with
        {
            DirectMessages = command.OwnerId == context.UserId ? [] : [new DirectMessage(command.OwnerId, handedOver)],
        };
    }
}
