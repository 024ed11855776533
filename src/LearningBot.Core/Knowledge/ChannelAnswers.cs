using LearningBot.Core.Commands;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

/// <summary>Which channels want answers offered where questions are asked (<c>settings answers on|off</c>, off by default).</summary>
public interface IAnswerChannelRepository
{
    /// <summary>Whether answers are offered in the channel (<paramref name="channelId"/> as the platform names it).</summary>
    Task<bool> IsOnAsync(string teamId, string channelId, CancellationToken cancellationToken);

    Task SetAsync(string teamId, string channelId, bool on, CancellationToken cancellationToken);
}

/// <summary>
/// Answers offered where questions are asked: a message in a channel that has opted in (<see cref="IAnswerChannelRepository"/>),
/// that reads as a question (<see cref="QuestionDetector"/>), and whose best shared answer matches with high confidence
/// (<see cref="SimilarityThresholds.Offer"/> of the model, never without vectors) gets one reply in its thread with that answer, "This helped"
/// and "Not it". Once per thread: the question is recorded under a key of the thread, and only its first recording replies.
/// Adapters call it only for people's messages in channels (never DMs, never bots); redeliveries are stopped by their delivery log
/// and, failing that, by the same key.
/// </summary>
public sealed class ChannelAnswers(IAnswerChannelRepository channels, QuestionMatcher matcher, IQuestionRepository questions,
    IKnowledgeRepository knowledge, IMemberRepository members, TimeProvider time)
{
    /// <param name="message">The channel message: sender, text (mentions as <c>&lt;@ID&gt;</c>), <see cref="IncomingMessage.ChannelId"/> set.</param>
    /// <param name="threadId">The thread the reply goes to (Slack: the parent's <c>ts</c>, or the message's own; Teams: the reply chain).</param>
    /// <returns>The reply to post in the thread, or null to stay quiet.</returns>
    public async Task<BotReply?> OfferAsync(IncomingMessage message, string threadId, CancellationToken cancellationToken)
    {
        if (message.ChannelId is not { } channelId || !QuestionDetector.IsQuestion(message.Text)
            || !await channels.IsOnAsync(message.TeamId, channelId, cancellationToken))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var draft = new AskedQuestion(Guid.CreateVersion7(now).ToString("N"), message.TeamId, message.UserId, message.Text.Trim(), false, now,
            $"thread:{channelId}:{threadId}") { Origin = QuestionOrigin.Channel };
        var match = await matcher.MatchAsync(draft, [SearchKind.Knowledge], 1, matcher.Thresholds.Offer, cancellationToken);
        if (match.TopAnswer is not { } top || match.Hits[0] != top || match.TopSimilarity is not { } similarity
            || similarity < matcher.Thresholds.Offer)
        {
            return null; // quiet when unsure
        }

        var post = await knowledge.GetAsync(message.TeamId, top.Id, cancellationToken);
        if (post is null)
        {
            return null;
        }

        await members.UpsertAsync(new Member(message.TeamId, message.UserId, message.UserName), cancellationToken);
        var recorded = await questions.AddAsync(match.Question, cancellationToken);
        if (!recorded.Created)
        {
            return null; // this thread already had its answer offered
        }

        var author = (await members.GetDisplayNamesAsync(message.TeamId, [post.AuthorId], cancellationToken)).GetValueOrDefault(post.AuthorId, post.AuthorId);
        return new BotReply(ReplyKind.SearchResults, ReplyAudience.Channel,
        [
            new TextBlock(RichText.Of("This may answer it — ", new StrongSpan(post.Question))),
            new TextBlock(Reply.Excerpt(post.Answer, 600)),
            // The author's name as text, not a mention: offering their answer should not ping them each time.
            new NoteBlock(RichText.Of($"Shared by {author} · tell me if it was what you needed")),
            new ActionsBlock(AskHandler.AnswerActions(post.Id, post.Question, recorded.Value.Id)),
        ]);
    }
}
