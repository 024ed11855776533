using LearningBot.Core.Commands;
using LearningBot.Core.Insights;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Privacy;

public sealed class ExportHandler(IPrivateLinks links) : CommandHandler<ExportCommand>
{
    protected override Task<BotReply> HandleAsync(ExportCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        if (command.Scope == ExportScope.Team && !context.Message.IsTeamAdmin)
        {
            return Task.FromResult(Reply.Notice(ReplyKind.Error,
                new TextBlock("Only team admins can export the team's data. You can always export your own: `export me`.")));
        }

        var what = command.Scope == ExportScope.Me ? "everything stored about you (JSON)" : "the team's learnings, kudos and answers (CSV)";
        return Task.FromResult(Reply.Notice(ReplyKind.Confirmation,
            new TextBlock(RichText.Of(new LinkSpan("Download " + what, links.Export(context.TeamId, context.UserId, command.Scope)))),
            new NoteBlock($"A private link for you, valid for {links.Lifetime.TotalMinutes:0} minutes.")));
    }
}

public sealed class ForgetMeHandler(IPersonalDataStore store) : CommandHandler<ForgetMeCommand>
{
    protected override async Task<BotReply> HandleAsync(ForgetMeCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        if (command.Answers == ForgetAnswers.Ask)
        {
            return Reply.Notice(ReplyKind.Settings,
                new HeadingBlock("Forget you?"),
                new TextBlock("I'd delete your learnings, questions, votes, kudos you received and your nudge settings. Kudos you gave stay, without your name."),
                new TextBlock(RichText.Of("Your shared answers help others: keep them anonymously with ", new CodeSpan("forget me keep-answers"),
                    ", or delete them too with ", new CodeSpan("forget me delete-answers"), ".")),
                new NoteBlock(RichText.Of("Want a copy first? ", new CodeSpan("export me"))));
        }

        await store.ForgetAsync(context.TeamId, context.UserId, command.Answers == ForgetAnswers.Keep, context.Now, cancellationToken);
        return Reply.Notice(ReplyKind.Confirmation,
            new TextBlock("Done — I've forgotten you. " + (command.Answers == ForgetAnswers.Keep
                ? "Your shared answers stay, credited to a former member."
                : "Your shared answers are deleted too.")),
            new NoteBlock("If you use me again, I'll start fresh."));
    }
}
