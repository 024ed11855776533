using LearningBot.Core.Commands;
using LearningBot.Core.Members;
using LearningBot.Core.Outbox;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// <c>share</c>: saves a shared answer once per team. The same question and answer shared again (from another chat, a
/// redelivery, or by someone else) finds the existing answer instead of storing a copy, so <c>ask</c> never lists it twice.
/// </summary>
public sealed class ShareHandler(IKnowledgeRepository knowledge, PeopleNames people, Conversations.PersonalConversations personal)
    : CommandHandler<ShareCommand>
{
    protected override async Task<BotReply> HandleAsync(ShareCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        // The idempotency key is the content, so both stores' "one write per key per team" rule removes copies.
        var post = new KnowledgePost(context.NewId(), context.TeamId, context.UserId, command.Question, command.Answer,
            command.Tags, context.Now, ContentKey(command)) { ReviewDueAt = context.Now.AddDays(context.Settings.ReviewAfterDays) };
        var stored = await knowledge.AddAsync(post, cancellationToken);
        if (!stored.Created)
        {
            var existing = stored.Value;
            var mention = await people.ResolveAsync(context, [existing.AuthorId], cancellationToken);
            Span author = existing.AuthorId == context.UserId ? "You" : mention(existing.AuthorId);
            return Reply.Notice(ReplyKind.Confirmation,
                new HeadingBlock("📌 Already shared"),
                new TextBlock(RichText.Of(new StrongSpan(existing.Question))),
                new TextBlock(existing.Answer),
                new NoteBlock(RichText.Of(author,
                    $" shared this on {Reply.Date(existing.CreatedAt, context.TimeZone)}, so I kept the one copy; find it any time with ",
                    new CodeSpan("ask"))));
        }

        // The sharer owns the answer: its review DM needs a way to reach them.
        await personal.RememberAsync(context.Message, cancellationToken);
        var byline = RichText.Of("Shared by ", new MentionSpan(context.UserId, context.Message.UserName),
            stored.Value.Tags.Count > 0 ? " · " + Reply.Tags(stored.Value.Tags) : string.Empty,
            " · find it any time with ", new CodeSpan("ask"));
        return new BotReply(ReplyKind.Confirmation, ReplyAudience.Channel,
        [
            new HeadingBlock("📌 Shared answer saved"),
            new TextBlock(RichText.Of(new StrongSpan(stored.Value.Question))),
            new TextBlock(stored.Value.Answer),
            new NoteBlock(byline),
            new NoteBlock(RichText.Of("Change it: ", new CodeSpan($"share edit {stored.Value.Id} <question> :: <answer>"),
                " · remove it: ", new CodeSpan($"share delete {stored.Value.Id}"))),
        ]);
    }

    /// <summary>Question and answer compared without case or spacing differences; tags do not make a new answer.</summary>
    internal static string ContentKey(ShareCommand command) =>
        "share:" + StableId.Of(Fold(command.Question), Fold(command.Answer));

    private static string Fold(string text) =>
        string.Join(' ', text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).TrimEnd('?', '.', '!', ' ');
}
