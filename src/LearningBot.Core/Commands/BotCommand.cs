namespace LearningBot.Core.Commands;

/// <summary>A parsed command of the shared grammar. Each subtype has exactly one handler.</summary>
public abstract record BotCommand;

public enum Period { Week, Month, All }

public enum LearningScope { Me, Person, Team }

public sealed record LogLearningCommand(string Text, IReadOnlyList<string> Tags, int? Minutes) : BotCommand;

public sealed record ListLearningsCommand(LearningScope Scope, string? PersonId, Period Period) : BotCommand;

public sealed record GiveKudosCommand(IReadOnlyList<string> ReceiverIds, string Reason, string? Value) : BotCommand;

public sealed record KudosLeaderboardCommand(Period Period) : BotCommand;

public sealed record ShareCommand(string Question, string Answer, IReadOnlyList<string> Tags) : BotCommand;

public sealed record AskCommand(string Question) : BotCommand;

public sealed record WhoKnowsCommand(string Topic) : BotCommand;

public sealed record DigestCommand : BotCommand;

/// <summary><c>settings</c> alone shows the settings; with a change, an admin changes one.</summary>
public sealed record SettingsCommand(SettingChange? Change) : BotCommand;

public abstract record SettingChange;
public sealed record KudosBudgetChange(int WeeklyBudget) : SettingChange;
public sealed record LeaderboardChange(bool Enabled) : SettingChange;
public sealed record TimeZoneChange(string TimeZoneId) : SettingChange;

public sealed record HelpCommand : BotCommand;

/// <summary>The "This helped" button on a search result: <c>helped &lt;post id&gt;</c>.</summary>
public sealed record MarkHelpfulCommand(string PostId) : BotCommand;

/// <summary><c>prompt set &lt;days&gt; &lt;HH:mm&gt; [time zone] ["question"]</c>: the channel's standing-meeting prompt.</summary>
public sealed record SetPromptCommand(IReadOnlyList<DayOfWeek> Days, TimeOnly At, string? TimeZoneId, string? Question) : BotCommand;

public enum PromptAction { Show, Pause, Resume, SkipNext, Now, Off }

public sealed record PromptActionCommand(PromptAction Action) : BotCommand;

/// <summary><c>nudge on [day HH:mm]</c> / <c>nudge off</c>: the weekly "what did you learn?" DM.</summary>
public sealed record NudgeCommand(bool On, DayOfWeek? Day, TimeOnly? At) : BotCommand;
