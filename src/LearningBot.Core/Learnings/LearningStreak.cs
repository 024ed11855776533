using LearningBot.Core.Commands;
using LearningBot.Core.Time;

namespace LearningBot.Core.Learnings;

/// <summary>The weekly streak as <c>learned</c>'s confirmation and <c>me</c> show it: one home for how it is read.</summary>
public static class LearningStreak
{
    /// <summary>
    /// The sender's streak of weeks with at least one learning (private ones included), as of <see cref="CommandContext.Now"/> in
    /// the team's time zone: <see cref="WeeklyStreak.CountAsync"/> over <see cref="ILearningRepository.WeeksWithEntriesAsync"/>,
    /// one to three reads bounded by the streak (issue 18). 0 when the person logged nothing this week or last.
    /// </summary>
    public static Task<int> WeeklyStreakAsync(this ILearningRepository learnings, CommandContext context, CancellationToken cancellationToken) =>
        WeeklyStreak.CountAsync((weeks, token) => learnings.WeeksWithEntriesAsync(context.TeamId, context.UserId, weeks, token),
            context.Now, context.TimeZone, cancellationToken);
}
