namespace LearningBot.Core.Learnings;

/// <summary>
/// The one rule for what people other than the author may learn from a <c>learned --private</c> entry
/// (README, "What others see of a private learning"): it adds one to a team's learning count, and its
/// author counts once among the people who took part. Its text, tags, minutes, author and prompt link are
/// never shown, counted or ranked in a view that anyone else sees.
/// </summary>
public static class AnonymousTotals
{
    /// <summary>
    /// The entries whose details (text, tags, minutes, author, prompt answer) may go into a view others see.
    /// Counting learnings and participants may use every entry; everything else must go through this.
    /// </summary>
    public static IEnumerable<LearningEntry> Shareable(this IEnumerable<LearningEntry> entries) => entries.Where(e => !e.IsPrivate);
}
