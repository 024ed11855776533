using LearningBot.Core.Commands;
using LearningBot.Core.Conversations;
using LearningBot.Core.Outbox;
using LearningBot.Core.Replies;
using LearningBot.Core.Settings;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// A question asked again and again without a written answer: the seam between how repeats are found (<see cref="QuestionMatcher"/>'s
/// groups in <see cref="AskHandler"/>) and whom to suggest.
/// </summary>
/// <param name="GroupKey">Stable for the group while it repeats (the group's id); the DM is sent once per key.</param>
/// <param name="AskerIds">Everyone who asked it: never suggested, never sent their own question.</param>
/// <param name="Embedding">The question's vector as the ask already computed it (null: none), so it is not embedded twice.</param>
public sealed record RepeatedQuestion(string TeamId, string GroupKey, string Text, int TimesAsked, IReadOnlySet<string> AskerIds,
    ReadOnlyMemory<float>? Embedding = null);

public enum ExpertContact
{
    /// <summary>The person has not opted in (<c>settings ask-me on</c>): only named in the suggestion.</summary>
    NotOptedIn,
    /// <summary>The question was queued for their DM now.</summary>
    SentNow,
    /// <summary>This question group was sent to them before: never again.</summary>
    SentBefore,
    /// <summary>Opted in, but the bot has no DM with them yet.</summary>
    NoDirectMessage,
}

public sealed record ExpertSuggestion(string PersonId, ExpertContact Contact);

/// <summary>Given the repeated question, who to suggest, and whether they were sent it.</summary>
public interface IExpertSuggester
{
    /// <summary>Null when nobody but the askers wrote about the topic.</summary>
    Task<ExpertSuggestion?> SuggestAsync(RepeatedQuestion question, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>
/// Suggests the top "who knows" person for the question (hybrid matching, as <c>who knows</c>), askers and people away left out; sends
/// them the question through the outbox if
/// they opted in. The outbox message id is derived from (team, group), and the outbox stores an id once, so two replicas or a
/// redelivered ask queue it once.
/// </summary>
public sealed class WhoKnowsExpertSuggester(ISearchIndex search, Semantic.IQueryEmbedder embedder, IPersonSettingsRepository personal,
    IConversationRepository conversations, IOutbox outbox, Away.IAwayRepository away) : IExpertSuggester
{
    public async Task<ExpertSuggestion?> SuggestAsync(RepeatedQuestion question, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var topic = Abbreviations.Expand(question.Text);
        var hits = await WhoKnowsRanking.SearchAsync(search, question.TeamId, topic,
            question.Embedding ?? await embedder.EmbedAsync(topic, cancellationToken), embedder.Thresholds.Relevant, cancellationToken);
        var ranked = WhoKnowsRanking.Rank(hits).Where(p => !question.AskerIds.Contains(p.PersonId)).ToList();
        // Someone away cannot answer: the next person who knows is named instead (one read, only for a question asked three times).
        var awayNow = ranked.Count == 0 ? [] : (await away.ListAsync(question.TeamId, now, cancellationToken))
            .Where(a => a.IsAwayAt(now)).Select(a => a.UserId).ToHashSet(StringComparer.Ordinal);
        var top = ranked.FirstOrDefault(p => !awayNow.Contains(p.PersonId));
        if (top is null)
        {
            return null;
        }

        if (!(await personal.GetAsync(question.TeamId, top.PersonId, cancellationToken)).AskMe)
        {
            return new ExpertSuggestion(top.PersonId, ExpertContact.NotOptedIn);
        }

        if (await conversations.FindPersonalAsync(question.TeamId, top.PersonId, cancellationToken) is not { } direct)
        {
            return new ExpertSuggestion(top.PersonId, ExpertContact.NoDirectMessage);
        }

        var message = new OutboxMessage(StableId.Of("ask-me", question.TeamId, question.GroupKey), question.TeamId, direct.Key,
            OutboxPurpose.AskMe, question.GroupKey, Question(question), now);
        var queued = await outbox.EnqueueAsync(message, cancellationToken);
        return new ExpertSuggestion(top.PersonId, queued ? ExpertContact.SentNow : ExpertContact.SentBefore);
    }

    /// <summary>The DM: the question and how to answer it once for everyone. It names none of the askers.</summary>
    internal static BotReply Question(RepeatedQuestion question) => new(ReplyKind.SearchResults, ReplyAudience.Requester,
    [
        new HeadingBlock("❓ A question you may know the answer to"),
        new TextBlock(RichText.Of(new StrongSpan(question.Text))),
        new TextBlock($"It was asked {question.TimesAsked} times and nobody has written the answer down yet. You came up as who knows the topic best."),
        new NoteBlock(RichText.Of("If you know, share it once for everyone: ", new CodeSpan($"share {Reply.Excerpt(question.Text, 120)} :: <answer>"),
            ". You get these because ", new CodeSpan("settings ask-me"), " is on.")),
    ]);
}
