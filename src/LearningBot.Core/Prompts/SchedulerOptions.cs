namespace LearningBot.Core.Prompts;

/// <summary>Bound from the <c>Scheduler</c> section.</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>Off for hosts that must not post (e.g. a read-only replica); every instance may run it safely.</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>An occurrence found due later than this (downtime) is recorded as missed, not posted late.</summary>
    public TimeSpan GraceWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The digest is posted this long before the next meeting…</summary>
    public TimeSpan CloseBeforeNextMeeting { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>…or this long after the prompt, whichever is first.</summary>
    public TimeSpan MaxAnswerWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>At most one message per conversation this often (Slack allows about one per second per channel).</summary>
    public TimeSpan PerConversationSpacing { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Against a real platform delivery runs at about MaxParallelSends ÷ round trip messages a second (docs/performance.md).</summary>
    public int MaxParallelSends { get; set; } = 32;

    public int BatchSize { get; set; } = 500;
}
