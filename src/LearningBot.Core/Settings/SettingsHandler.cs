using LearningBot.Core.Commands;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;

namespace LearningBot.Core.Settings;

public sealed class SettingsHandler(TeamSettingsCache settings, IPersonSettingsRepository personal, Conversations.PersonalConversations conversations)
    : CommandHandler<SettingsCommand>
{
    private const int MaxAttempts = 3;

    protected override async Task<BotReply> HandleAsync(SettingsCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        if (command.Change is null)
        {
            return Show("Team settings", context.Settings);
        }

        if (command.Change is AskMeChange askMe)
        {
            // A person's own choice: no admin needed, and nobody else's setting can be changed this way.
            await personal.SaveAsync(new PersonSettings(context.TeamId, context.UserId, askMe.On), cancellationToken);
            if (askMe.On)
            {
                await conversations.RememberAsync(context.Message, cancellationToken); // where questions go
            }

            return Reply.Notice(ReplyKind.Settings, new TextBlock(askMe.On
                    ? "ask-me is on: when a question on a topic you know best is asked three times without a written answer, I'll send it to you once."
                    : "ask-me is off: I won't send you other people's questions."),
                new NoteBlock(RichText.Of(new CodeSpan("me"), " shows it.")));
        }

        if (!context.Message.IsTeamAdmin)
        {
            return Reply.Notice(ReplyKind.Error,
                new TextBlock("Only team admins can change settings. " + context.Message.Scope.WhomToAsk),
                new NoteBlock(RichText.Of("Anyone can look: ", new CodeSpan("settings"))));
        }

        // Read-modify-write with the store's version check: a concurrent change is reread, never overwritten.
        var current = context.Settings;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var saved = await settings.SaveAsync(Apply(current, command.Change), cancellationToken);
                return Show("Settings updated", saved);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                current = await settings.GetAsync(context.TeamId, cancellationToken);
            }
        }
    }

    private static TeamSettings Apply(TeamSettings settings, SettingChange change) => change switch
    {
        KudosBudgetChange c => settings with { KudosWeeklyBudget = c.WeeklyBudget },
        LeaderboardChange c => settings with { LeaderboardEnabled = c.Enabled },
        TimeZoneChange c => settings with { TimeZoneId = c.TimeZoneId },
        ReviewAfterChange c => settings with { ReviewAfterDays = c.Days },
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown setting."),
    };

    private static BotReply Show(string heading, TeamSettings settings) => Reply.Notice(ReplyKind.Settings,
        new HeadingBlock(heading),
        new FactsBlock(
        [
            new Fact("Kudos budget", $"{settings.KudosWeeklyBudget} per person per week"),
            new Fact("Leaderboard", settings.LeaderboardEnabled ? "on" : "off"),
            new Fact("Time zone", settings.TimeZoneId),
            new Fact("Answer reviews", $"every {settings.ReviewAfterDays} days (new and newly confirmed answers)"),
        ]),
        new NoteBlock(RichText.Of("Admins can change one with ", new CodeSpan(SettingsGrammar.Usage.Usage))));
}
