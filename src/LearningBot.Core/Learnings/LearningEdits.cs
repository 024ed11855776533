using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Learnings;

/// <summary><c>learned undo</c>: deletes the person's last learning if it was logged within <see cref="LearningEdits.UndoWindow"/>.</summary>
public sealed record UndoLearningCommand : BotCommand;

/// <summary><c>learned edit &lt;id&gt; &lt;text&gt; [#tag …] [30m]</c> (also the "Edit" button): the author changes one of their learnings.</summary>
public sealed record EditLearningCommand(string Id, LogLearningCommand Changed) : BotCommand;

/// <summary><c>learned delete &lt;id&gt;</c> (also the "Delete" button): the author deletes one of their learnings.</summary>
public sealed record DeleteLearningCommand(string Id) : BotCommand;

/// <summary>The rules every way of changing a learning shares: ids, who may change it, and the confirmation's buttons.</summary>
public static partial class LearningEdits
{
    /// <summary>How long after logging <c>learned undo</c> still takes an entry back.</summary>
    public static readonly TimeSpan UndoWindow = TimeSpan.FromDays(1);

    /// <summary>Learning ids are 32 hex digits (<see cref="CommandContext.NewId"/>).</summary>
    public static bool IsId(string word) => IdRegex().IsMatch(word);

    /// <summary>"Edit" (asks for the new text, prefilled) and "Delete" under a learning its author sees.</summary>
    public static ActionsBlock Buttons(LearningEntry entry) => new(
    [
        new ReplyAction("Edit", "learned edit " + entry.Id)
        {
            AsksFor = new TextPrompt("What you learned", Current(entry)),
        },
        new ReplyAction("Delete", "learned delete " + entry.Id),
    ]);

    /// <summary>The entry as the person would type it again: text, tags, time, so that editing keeps what they don't change.</summary>
    public static string Current(LearningEntry entry)
    {
        var missingTags = entry.Tags.Where(t => !entry.Text.Contains("#" + t, StringComparison.OrdinalIgnoreCase)).ToList();
        return string.Join(' ', new[]
        {
            entry.IsPrivate ? "--private" : null,
            entry.Text,
            missingTags.Count > 0 ? Reply.Tags(missingTags) : null,
            entry.Minutes is { } minutes ? Reply.Duration(minutes).Replace(" ", string.Empty, StringComparison.Ordinal) : null,
        }.OfType<string>());
    }

    /// <summary>How to change it by typing, for the confirmation's small print.</summary>
    public static NoteBlock TypedForms(LearningEntry entry) => new(RichText.Of("Change it: ", new CodeSpan($"learned edit {entry.Id} <new text>"),
        " · take it back: ", new CodeSpan("learned undo")));

    internal static BotReply NotFound() => Reply.Notice(ReplyKind.Error,
        new TextBlock("I can't find that learning: it may have been deleted already."),
        new NoteBlock(RichText.Of("Your learnings: ", new CodeSpan("learned list me"))));

    internal static BotReply NotYours(string what) => Reply.Notice(ReplyKind.Error,
        new TextBlock($"Only the person who logged a learning can {what} it, and this one isn't yours."));

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex IdRegex();
}

public sealed class UndoLearningHandler(ILearningRepository learnings) : CommandHandler<UndoLearningCommand>
{
    protected override async Task<BotReply> HandleAsync(UndoLearningCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var last = (await learnings.ListAsync(new LearningQuery(context.TeamId, context.UserId, null, 1) { IncludePrivate = true },
            cancellationToken)).FirstOrDefault();
        if (last is null)
        {
            return Reply.Notice(ReplyKind.Confirmation, new TextBlock("There's nothing to undo: you haven't logged a learning yet."));
        }

        if (context.Now - last.CreatedAt > LearningEdits.UndoWindow)
        {
            return Reply.Notice(ReplyKind.Error,
                new TextBlock(RichText.Of("Your last learning, ", new StrongSpan(Reply.Excerpt(last.Text, 80)),
                    $", was logged on {Reply.Date(last.CreatedAt, context.TimeZone)}: more than a day ago, so undo leaves it alone.")),
                new NoteBlock(RichText.Of("If it should go all the same: ", new CodeSpan("learned delete " + last.Id))));
        }

        await learnings.DeleteAsync(context.TeamId, last.Id, cancellationToken);
        return Reply.Notice(ReplyKind.Confirmation,
            new TextBlock(RichText.Of("↩️ Took back ", new StrongSpan(Reply.Excerpt(last.Text, 120)), ".")))
            with { ShowsPrivateLearnings = last.IsPrivate };
    }
}

public sealed class EditLearningHandler(ILearningRepository learnings) : CommandHandler<EditLearningCommand>
{
    protected override async Task<BotReply> HandleAsync(EditLearningCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var entry = await learnings.GetAsync(context.TeamId, command.Id, cancellationToken);
        if (entry is null)
        {
            return LearningEdits.NotFound();
        }

        if (entry.UserId != context.UserId)
        {
            return LearningEdits.NotYours("change");
        }

        var changed = command.Changed;
        var updated = await learnings.UpdateAsync(entry with
        {
            Text = changed.Text, Tags = changed.Tags, Minutes = changed.Minutes, IsPrivate = changed.IsPrivate, EditedAt = context.Now,
        }, cancellationToken);
        if (updated is null)
        {
            return LearningEdits.NotFound();
        }

        var facts = new List<Fact>();
        if (updated.Tags.Count > 0)
        {
            facts.Add(new Fact("Tags", Reply.Tags(updated.Tags)));
        }

        if (updated.Minutes is { } minutes)
        {
            facts.Add(new Fact("Time spent", Reply.Duration(minutes)));
        }

        if (updated.IsPrivate)
        {
            facts.Add(new Fact("Visibility", "private: only you see it; it counts in anonymous totals"));
        }

        var blocks = new List<ReplyBlock> { new HeadingBlock("✏️ Updated"), new TextBlock(RichText.Of(new StrongSpan(updated.Text))) };
        if (facts.Count > 0)
        {
            blocks.Add(new FactsBlock(facts));
        }

        blocks.Add(new NoteBlock("Digests already posted keep the words they had."));
        blocks.Add(LearningEdits.Buttons(updated));
        return Reply.Notice(ReplyKind.Confirmation, [.. blocks]) with { ShowsPrivateLearnings = updated.IsPrivate };
    }
}

public sealed class DeleteLearningHandler(ILearningRepository learnings) : CommandHandler<DeleteLearningCommand>
{
    protected override async Task<BotReply> HandleAsync(DeleteLearningCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var entry = await learnings.GetAsync(context.TeamId, command.Id, cancellationToken);
        if (entry is null)
        {
            return LearningEdits.NotFound();
        }

        if (entry.UserId != context.UserId)
        {
            return LearningEdits.NotYours("delete");
        }

        await learnings.DeleteAsync(context.TeamId, entry.Id, cancellationToken);
        return Reply.Notice(ReplyKind.Confirmation,
            new TextBlock(RichText.Of("🗑️ Deleted ", new StrongSpan(Reply.Excerpt(entry.Text, 120)), ".")),
            new NoteBlock("Digests already posted keep the words they had.")) with { ShowsPrivateLearnings = entry.IsPrivate };
    }
}

/// <summary>
/// Edits and deletions of the chat message a learning was logged from (a DM to the bot, a prompt-thread answer), as the
/// adapters report them (Slack <c>message_changed</c>/<c>message_deleted</c>, Teams <c>messageUpdate</c>/<c>messageDelete</c>).
/// Only the author's own edit changes the entry; an edit older than the entry's last one (a late redelivery) changes
/// nothing; an edit that turns the message into another command leaves the entry as it was.
/// </summary>
public sealed class LearningMessageEdits(ILearningRepository learnings, CommandParser parser)
{
    /// <param name="text">The message's new text, normalised by the adapter like a new message.</param>
    /// <param name="editedAt">When the platform says the edit happened.</param>
    /// <returns>The updated entry; null when nothing changed.</returns>
    public async Task<LearningEntry?> EditedAsync(string teamId, string editorId, string sourceMessage, string text, DateTimeOffset editedAt,
        CancellationToken cancellationToken)
    {
        var entry = await learnings.FindBySourceAsync(teamId, sourceMessage, cancellationToken);
        if (entry is null || entry.UserId != editorId || entry.EditedAt >= editedAt || Read(text) is not { } changed)
        {
            return null;
        }

        return await learnings.UpdateAsync(entry with
        {
            Text = changed.Text, Tags = changed.Tags, Minutes = changed.Minutes, IsPrivate = changed.IsPrivate, EditedAt = editedAt,
        }, cancellationToken);
    }

    /// <param name="authorId">The deleted message's author when the platform says (Slack's previous_message); null when it doesn't.</param>
    /// <returns>The deleted entry; null when the message was not a learning (or it was deleted before).</returns>
    public async Task<LearningEntry?> DeletedAsync(string teamId, string? authorId, string sourceMessage, CancellationToken cancellationToken)
    {
        var entry = await learnings.FindBySourceAsync(teamId, sourceMessage, cancellationToken);
        if (entry is null || (authorId is not null && authorId != entry.UserId))
        {
            return null;
        }

        return await learnings.DeleteAsync(teamId, entry.Id, cancellationToken) ? entry : null;
    }

    /// <summary>The message read as a learning, as when it was first sent; null when it is now another command (or empty).</summary>
    private LogLearningCommand? Read(string text) => parser.Parse(text) switch
    {
        Parsed { Command: LogLearningCommand learned } => learned,
        _ when CommandParser.StartsWithCommand(text) => null,
        _ => parser.Parse("learned " + text) is Parsed { Command: LogLearningCommand learned } ? learned : null,
    };
}
