namespace LearningBot.Core.Commands;

/// <summary>A parsed command of the shared grammar. Each subtype has exactly one handler.</summary>
public abstract record BotCommand;

public enum Period { Week, Month, All }

public enum LearningScope { Me, Person, Team }

public sealed record LogLearningCommand(string Text, IReadOnlyList<string> Tags, int? Minutes) : BotCommand
{
    /// <summary><c>learned --private …</c>: stored, shown only to its author, counted only in anonymous totals.</summary>
    public bool IsPrivate { get; init; }
}

public sealed record ListLearningsCommand(LearningScope Scope, string? PersonId, Period Period) : BotCommand;

public sealed record GiveKudosCommand(IReadOnlyList<string> ReceiverIds, string Reason, string? Value) : BotCommand
{
    /// <summary>How it was given: a command, inline in a channel message, or by reaction (see Kudos/InlineKudosGrammar).</summary>
    public Kudos.KudosSource Source { get; init; } = Kudos.KudosSource.Command;

    /// <summary>A link to the message the kudos are for (kudos by reaction), when the platform gave one.</summary>
    public string? Link { get; init; }
}

/// <param name="Period">The time frame: this week, this month or all time.</param>
public sealed record KudosLeaderboardCommand(Period Period) : BotCommand
{
    public Kudos.KudosBoardSide Side { get; init; } = Kudos.KudosBoardSide.Receivers;

    /// <summary>Only kudos given in one channel: <c>here</c> (this channel) or a channel as typed (<c>#general</c>); null: everywhere.</summary>
    public Kudos.ChannelChoice? Channel { get; init; }
}

public sealed record ShareCommand(string Question, string Answer, IReadOnlyList<string> Tags) : BotCommand;

public sealed record AskCommand(string Question) : BotCommand;

public sealed record WhoKnowsCommand(string Topic) : BotCommand;

public sealed record DigestCommand : BotCommand;

/// <summary><c>settings</c> alone shows the settings; with a change, an admin changes one.</summary>
public sealed record SettingsCommand(SettingChange? Change) : BotCommand;

public abstract record SettingChange;
/// <param name="Period">A new budget period, or null to keep the team's.</param>
public sealed record KudosBudgetChange(int WeeklyBudget, Kudos.KudosPeriod? Period = null) : SettingChange;
public sealed record LeaderboardChange(bool Enabled) : SettingChange;
public sealed record TimeZoneChange(string TimeZoneId) : SettingChange;
public sealed record ReviewAfterChange(int Days) : SettingChange;
/// <summary>A person's own setting (no admin needed): <c>settings ask-me on|off</c>.</summary>
public sealed record AskMeChange(bool On) : SettingChange;

/// <summary><c>settings answers on|off</c>: offer shared answers to questions asked in this channel (a channel setting, not a team one).</summary>
public sealed record AnswersInChannelChange(bool On) : SettingChange;

public sealed record HelpCommand : BotCommand;

/// <summary>The "Open" button on a search result: <c>show &lt;post id&gt;</c> shows the whole shared answer.</summary>
public sealed record ShowAnswerCommand(string PostId) : BotCommand;

/// <summary>The "This helped" button on a search result: <c>helped &lt;post id&gt; [&lt;question id&gt;]</c>.</summary>
public sealed record MarkHelpfulCommand(string PostId) : BotCommand
{
    /// <summary>The recorded question the answer was shown for (buttons since issue 14), which is then answered; null on older buttons.</summary>
    public string? QuestionId { get; init; }
}

/// <summary>The "Not it" button next to "This helped": <c>notit &lt;post id&gt; &lt;question id&gt;</c>.</summary>
public sealed record NotItCommand(string PostId, string QuestionId) : BotCommand;

/// <summary><c>prompt set &lt;days&gt; &lt;HH:mm&gt; [time zone] ["question"]</c>: the channel's standing-meeting prompt.</summary>
public sealed record SetPromptCommand(IReadOnlyList<DayOfWeek> Days, TimeOnly At, string? TimeZoneId, string? Question) : BotCommand;

public enum PromptAction { Show, Pause, Resume, SkipNext, Now, Off, RemindOn, RemindOff }

public sealed record PromptActionCommand(PromptAction Action) : BotCommand;

/// <summary><c>nudge on [day HH:mm]</c> / <c>nudge off</c>: the weekly "what did you learn?" DM.</summary>
public sealed record NudgeCommand(bool On, DayOfWeek? Day, TimeOnly? At) : BotCommand;

/// <summary><c>me</c>: my learnings, streak, kudos received and answers I shared.</summary>
public sealed record MeCommand : BotCommand;

/// <summary><c>insights [week|month]</c>: the team's learning-culture signals in short, with a dashboard link.</summary>
public sealed record InsightsCommand(Period Period) : BotCommand;

public enum ExportScope { Me, Team }

/// <summary><c>export me</c> / <c>export team</c> (admins): a private, expiring download link.</summary>
public sealed record ExportCommand(ExportScope Scope) : BotCommand;

public enum ForgetAnswers { Ask, Keep, Delete }

/// <summary><c>forget me [keep-answers|delete-answers]</c>: without a choice, explains and asks for one.</summary>
public sealed record ForgetMeCommand(ForgetAnswers Answers) : BotCommand;
