using LearningBot.Core.Commands;
using LearningBot.Core.Kudos;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;

namespace LearningBot.Core.Settings;

public sealed class SettingsHandler(TeamSettingsCache settings, IAnswerChannelRepository answerChannels, IPersonSettingsRepository personal,
    Conversations.PersonalConversations conversations) : CommandHandler<SettingsCommand>
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

        if (command.Change is KudosValueChange value && ValueProblem(value, context.Settings) is { } problem)
        {
            return problem;
        }

        if (command.Change is AnswersInChannelChange answers)
        {
            return await SetAnswersAsync(answers.On, context, cancellationToken);
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

    /// <summary>A channel setting: applies where it is typed, so it needs a channel with threads (offers are thread replies).</summary>
    private async Task<BotReply> SetAnswersAsync(bool on, CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Message.ChannelId is not { } channelId || !context.Message.Scope.HasThreads)
        {
            return Reply.Notice(ReplyKind.Error,
                new TextBlock("Answers are offered in a channel's threads, so turn them on in the channel itself: type it there."),
                new NoteBlock(RichText.Of("For example: ", new CodeSpan("settings answers on"))));
        }

        await answerChannels.SetAsync(context.TeamId, channelId, on, cancellationToken);
        return Reply.Notice(ReplyKind.Settings,
            new HeadingBlock(on ? "Answers on in this channel" : "Answers off in this channel"),
            new TextBlock(on
                ? "When someone asks a question here and a shared answer matches it closely, I'll reply once in its thread with the answer, " +
                  "\"This helped\" and \"Not it\". When I'm not sure, I stay quiet."
                : "I won't offer shared answers to questions in this channel any more."));
    }

    private static TeamSettings Apply(TeamSettings settings, SettingChange change) => change switch
    {
        KudosBudgetChange c => settings with { KudosWeeklyBudget = c.WeeklyBudget, KudosBudgetPeriod = c.Period ?? settings.KudosBudgetPeriod },
        KudosEmojiChange c => settings with { KudosEmoji = c.Name },
        KudosValueChange { Add: true } c => settings.Values.Contains(c.Name, StringComparer.Ordinal) ? settings : settings with { Values = [.. settings.Values, c.Name] },
        KudosValueChange c => settings with { Values = settings.Values.Where(v => v != c.Name).ToList() },
        LeaderboardChange c => settings with { LeaderboardEnabled = c.Enabled },
        TimeZoneChange c => settings with { TimeZoneId = c.TimeZoneId },
        ReviewAfterChange c => settings with { ReviewAfterDays = c.Days },
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown setting."),
    };

    /// <summary>Adding a value the team already has is fine (shown again); removing one it doesn't have, or a 21st, is explained.</summary>
    private static BotReply? ValueProblem(KudosValueChange change, TeamSettings settings)
    {
        if (!change.Add && !settings.Values.Contains(change.Name, StringComparer.Ordinal))
        {
            return Reply.Notice(ReplyKind.Error,
                new TextBlock($"#{change.Name} isn't one of the team's values, so there was nothing to remove."),
                new NoteBlock(settings.Values.Count == 0 ? "The team has no values yet." : "The team's values: " + Reply.Tags(settings.Values)));
        }

        return change.Add && settings.Values.Count >= KudosValues.MaxValues && !settings.Values.Contains(change.Name, StringComparer.Ordinal)
            ? Reply.Notice(ReplyKind.Error,
                new TextBlock($"A team can have up to {KudosValues.MaxValues} values; remove one first (settings values remove <name>)."))
            : null;
    }

    private static BotReply Show(string heading, TeamSettings settings) => Reply.Notice(ReplyKind.Settings,
        new HeadingBlock(heading),
        new FactsBlock(
        [
            new Fact("Kudos budget", $"{settings.KudosWeeklyBudget} per person per {KudosPeriods.Unit(settings.KudosBudgetPeriod)}"),
            new Fact("Kudos emoji", KudosEmoji.Shown(settings.KudosEmoji) + " (@person ++ works too)"),
            new Fact("Values", settings.Values.Count == 0 ? "none yet (any #value is accepted)" : Reply.Tags(settings.Values)),
            new Fact("Leaderboard", settings.LeaderboardEnabled ? "on" : "off"),
            new Fact("Time zone", settings.TimeZoneId),
            new Fact("Answer reviews", $"every {settings.ReviewAfterDays} days (new and newly confirmed answers)"),
        ]),
        new NoteBlock(RichText.Of("Admins can change one with ", new CodeSpan(SettingsGrammar.Usage.Usage),
            " (answers: for the channel it is typed in)")));
}
