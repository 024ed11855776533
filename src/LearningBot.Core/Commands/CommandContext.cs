using LearningBot.Core.Settings;

namespace LearningBot.Core.Commands;

/// <summary>Everything a handler needs besides the command: who asked, the team's settings, and "now".</summary>
public sealed record CommandContext(IncomingMessage Message, TeamSettings Settings, TimeZoneInfo TimeZone, DateTimeOffset Now)
{
    public string TeamId => Message.TeamId;

    public string UserId => Message.UserId;

    /// <summary>A new id for a record created by this command: time-ordered, unique.</summary>
    public string NewId() => Guid.CreateVersion7(Now).ToString("N");
}
