using LearningBot.Core.Commands;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;

namespace LearningBot.Core.Prompts;

/// <summary>
/// Adapters call this for a reply in a thread (Slack) or to a post (Teams): if the thread is a
/// standing-meeting prompt, the reply is stored as a learning linked to that occurrence. A reply written as a
/// command (<c>learned how to … #perf 20m</c>) is an answer too: its text, tags and time are kept.
/// </summary>
public sealed class PromptAnswerRecorder(
    IPromptRepository prompts,
    ILearningRepository learnings,
    IMemberRepository members,
    CommandParser parser,
    TimeProvider time)
{
    /// <summary>
    /// Whether a message addressed to the bot (a Teams mention) in a prompt's thread answers the prompt: a public
    /// <c>learned …</c>, or anything that is not a command ("I learned how to …"). Other commands (and
    /// <c>learned --private</c>, which must stay out of the shared digest) run as commands.
    /// </summary>
    public bool IsAnswer(string text) => parser.Parse(text) switch
    {
        Parsed { Command: LogLearningCommand { IsPrivate: false } } => true,
        _ => !CommandParser.StartsWithCommand(text),
    };

    /// <returns>
    /// The stored learning, or null when the thread is not a prompt or the reply has no words (only emoji or mentions), so it
    /// is no answer; the caller then handles the message as usual.
    /// </returns>
    public async Task<LearningEntry?> RecordAsync(IncomingMessage message, string conversationKey, string parentMessageId,
        CancellationToken cancellationToken)
    {
        var occurrence = await prompts.FindOccurrenceByPostAsync(conversationKey, parentMessageId, cancellationToken);
        if (occurrence is null || occurrence.TeamId != message.TeamId)
        {
            return null;
        }

        // Answers use the learned grammar, so "#tags", "30m" and "--private" work in the thread too; a reply written as a
        // command ("learned how to …") is read as that command.
        var parsed = parser.Parse(message.Text) is Parsed { Command: LogLearningCommand } asCommand
            ? asCommand
            : parser.Parse("learned " + message.Text);
        var (text, tags, minutes, isPrivate) = parsed is Parsed { Command: LogLearningCommand learned }
            ? (learned.Text, learned.Tags, learned.Minutes, learned.IsPrivate)
            : (message.Text.Trim(), (IReadOnlyList<string>)[], (int?)null, false);
        // An emoji-only reply (":tada:", "🎉") or a bare mention cheers someone on; it says nothing learned (Grammar.HasWords).
        if (text.Length == 0 || text.Length > CommandParser.MaxTextLength || !Grammar.HasWords(text))
        {
            return null;
        }

        await members.UpsertAsync(new Member(message.TeamId, message.UserId, message.UserName), cancellationToken);
        var now = time.GetUtcNow();
        var entry = new LearningEntry(Guid.CreateVersion7(now).ToString("N"), message.TeamId, message.UserId, text, tags, minutes, now,
            message.IdempotencyKey)
        {
            OccurrenceId = occurrence.Id,
            // The thread itself is visible, but "--private" keeps the answer out of the digest, search and dashboards.
            IsPrivate = isPrivate,
            // Editing or deleting the reply edits or deletes the answer (not a digest already posted).
            SourceMessage = message.SourceMessage,
        };
        return (await learnings.AddAsync(entry, cancellationToken)).Value;
    }
}
