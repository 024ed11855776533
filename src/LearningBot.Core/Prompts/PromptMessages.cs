using LearningBot.Core.Learnings;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Prompts;

/// <summary>What the bot posts on its own for the standing meeting, in one place so the voice stays consistent.</summary>
public static class PromptMessages
{
    public static BotReply Question(string question) => new(ReplyKind.Prompt, ReplyAudience.Channel,
    [
        new HeadingBlock("🧠 Learning minute"),
        new TextBlock(RichText.Of(new StrongSpan(question))),
        new NoteBlock("Reply in this thread: each answer is logged as a learning and summed up before the meeting."),
    ]);

    /// <summary>
    /// The one reminder in the prompt's thread before the digest. It names nobody, least of all who has not answered: a nudge
    /// to the room, not a roll call.
    /// </summary>
    public static BotReply Reminder(DateTimeOffset digestAt, TimeZoneInfo zone) => new(ReplyKind.Prompt, ReplyAudience.Channel,
    [
        new TextBlock($"⏰ About an hour left: the summary is posted here at {TimeZoneInfo.ConvertTime(digestAt, zone).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)}."),
        new NoteBlock("Learned something small this week? Reply in this thread — one line is plenty."),
    ]);

    /// <summary>The digest posted in the prompt's thread: who shared what by tag, a count, and thanks.</summary>
    public static BotReply Digest(IReadOnlyList<LearningEntry> answers, IReadOnlyDictionary<string, string> names)
    {
        MentionSpan Mention(string id) => new(id, names.TryGetValue(id, out var name) ? name : id);

        if (answers.Count == 0)
        {
            return new BotReply(ReplyKind.Digest, ReplyAudience.Channel,
            [
                new HeadingBlock("Learning minute: quiet one this time"),
                new TextBlock("A good moment to share one small thing at the meeting — what worked, or what didn't, both count."),
            ]);
        }

        var people = answers.Select(a => a.UserId).Distinct().ToList();
        var blocks = new List<ReplyBlock>
        {
            new HeadingBlock($"Learning minute: {Reply.Plural(answers.Count, "answer")} from {Reply.Plural(people.Count, "person", "people")}"),
        };
        foreach (var group in answers
                     .SelectMany(a => (a.Tags.Count > 0 ? a.Tags : ["other"]).Select(tag => (Tag: tag, Answer: a)))
                     .GroupBy(x => x.Tag, x => x.Answer)
                     .OrderBy(g => g.Key == "other").ThenByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                     .Take(10))
        {
            blocks.Add(new TextBlock(RichText.Of(new StrongSpan($"{(group.Key == "other" ? "Other" : "#" + group.Key)} ({group.Count()})"))));
            blocks.Add(new ListBlock(group.Take(10).Select(a => new ListItem(RichText.Of(Mention(a.UserId), ": ", Reply.Excerpt(a.Text, 200)))).ToList()));
        }

        var thanks = new List<Span> { "Thank you " };
        for (var i = 0; i < people.Count; i++)
        {
            thanks.Add(i == 0 ? string.Empty : i == people.Count - 1 ? " and " : ", ");
            thanks.Add(Mention(people[i]));
        }

        thanks.Add(" for sharing! 🙌");
        blocks.Add(new NoteBlock(new RichText(thanks)));
        return new BotReply(ReplyKind.Digest, ReplyAudience.Channel, blocks);
    }

    public static BotReply Nudge(string displayName) => new(ReplyKind.Nudge, ReplyAudience.Requester,
    [
        new TextBlock($"Hi {displayName} 👋 What did you learn this week?"),
        new NoteBlock(RichText.Of("Reply here and I'll log it — one sentence is plenty. Say ", new CodeSpan("nudge off"), " to stop these.")),
    ]);
}
