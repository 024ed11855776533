using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Kudos;

/// <summary>
/// The team's values (<c>settings values add ownership</c>): a kudos may carry one as <c>#value</c>. With values set, any other
/// <c>#value</c> is refused with the list and the closest one; with none set, any <c>#value</c> is accepted (as before values existed).
/// </summary>
public static class KudosValues
{
    public const int MaxValues = 20;

    /// <summary>Null when <paramref name="value"/> is fine; otherwise the friendly private reply (nothing given, no budget used).</summary>
    public static BotReply? Check(string? value, IReadOnlyList<string> teamValues)
    {
        if (value is null || teamValues.Count == 0 || teamValues.Contains(value, StringComparer.Ordinal))
        {
            return null;
        }

        var closest = Grammar.Closest(value, teamValues)
                      ?? teamValues.FirstOrDefault(v => v.StartsWith(value, StringComparison.Ordinal) || value.StartsWith(v, StringComparison.Ordinal));
        var problem = $"#{Grammar.Shorten(value, 40)} isn't one of this team's values"
                      + (closest is null ? "." : $" — did you mean #{closest}?");
        return Reply.Notice(ReplyKind.Error,
            new TextBlock(problem),
            new TextBlock(RichText.Of("The team's values: ", new CodeSpan(Replies.Reply.Tags(teamValues)))),
            new NoteBlock("Nothing was given, and no budget was used. Send it again with one of them, or without a #value."));
    }

    /// <summary>Lower case, without <c>#</c>: the form values are stored and compared in.</summary>
    public static string Normalise(string name) => name.Trim().TrimStart('#').ToLowerInvariant();
}
