using LearningBot.Core.Commands;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;

namespace LearningBot.Core.Settings;

public sealed class SettingsHandler(TeamSettingsCache settings) : CommandHandler<SettingsCommand>
{
    private const int MaxAttempts = 3;

    protected override async Task<BotReply> HandleAsync(SettingsCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        if (command.Change is null)
        {
            return Show("Team settings", context.Settings);
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
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown setting."),
    };

    private static BotReply Show(string heading, TeamSettings settings) => Reply.Notice(ReplyKind.Settings,
        new HeadingBlock(heading),
        new FactsBlock(
        [
            new Fact("Kudos budget", $"{settings.KudosWeeklyBudget} per person per week"),
            new Fact("Leaderboard", settings.LeaderboardEnabled ? "on" : "off"),
            new Fact("Time zone", settings.TimeZoneId),
        ]),
        new NoteBlock(RichText.Of("Admins can change one with ", new CodeSpan(SettingsGrammar.Usage.Usage))));
}
