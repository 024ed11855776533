using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

/// <summary>What the owner of a shared answer is sent and shown about its review, in one place.</summary>
public static class AnswerReviewMessages
{
    /// <summary>The one DM when an answer's review date comes: the answer, when it was last confirmed, and three buttons.</summary>
    public static BotReply ReviewDue(KnowledgePost post, TimeZoneInfo zone) => new(ReplyKind.Confirmation, ReplyAudience.Requester,
    [
        new HeadingBlock("🔎 Is this answer still right?"),
        new TextBlock(RichText.Of(new StrongSpan(post.Question))),
        new TextBlock(Reply.Excerpt(post.Answer, 400)),
        new NoteBlock($"You own this shared answer · last confirmed {Reply.Date(post.LastConfirmedAt, zone)}"
                      + $" · helped {Reply.Plural(post.HelpfulCount, "person", "people")}. Until you answer, search marks it \"may be out of date\"."),
        new ActionsBlock(
        [
            new ReplyAction("Still right", "review ok " + post.Id),
            new ReplyAction("Edit", "review edit " + post.Id),
            new ReplyAction("Retire", "review retire " + post.Id),
        ]),
    ]);

    /// <summary>
    /// The review state for search results and <c>show</c>: "confirmed 25 Nov 2026", "may be out of date" once overdue,
    /// "retired" once retired.
    /// </summary>
    public static string Freshness(KnowledgePost post, DateTimeOffset now, TimeZoneInfo zone) =>
        post.RetiredAt is { } retired ? $"retired {Reply.Date(retired, zone)}"
        : $"confirmed {Reply.Date(post.LastConfirmedAt, zone)}" + (post.IsOverdue(now) ? " · ⚠ may be out of date" : string.Empty);
}
