using System.Globalization;
using LearningBot.Core.Commands;

namespace LearningBot.Core.Replies;

/// <summary>Small builders for the replies handlers share, so the voice stays the same everywhere.</summary>
public static class Reply
{
    public static BotReply Error(ParseFailure failure) => new(ReplyKind.Error, ReplyAudience.Requester,
    [
        new TextBlock(failure.Problem),
        new TextBlock(RichText.Of("The right form: ", new CodeSpan(failure.Usage))),
        new NoteBlock(RichText.Of("For example: ", new CodeSpan(failure.Example))),
    ]);

    public static BotReply Error(string problem, CommandUsage usage) => Error(new ParseFailure(problem, usage.Usage, usage.Example));

    /// <summary>A short private answer that isn't a mistake (e.g. "leaderboards are off").</summary>
    public static BotReply Notice(ReplyKind kind, params ReplyBlock[] blocks) => new(kind, ReplyAudience.Requester, blocks);

    /// <summary>Nothing to say (e.g. a reaction that gave no kudos): adapters post nothing.</summary>
    public static BotReply Silent(ReplyKind kind) => new(kind, ReplyAudience.Requester, []) { IsQuiet = true };

    public static string Date(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string Duration(int minutes) => minutes switch
    {
        < 60 => $"{minutes}m",
        _ when minutes % 60 == 0 => $"{minutes / 60}h",
        _ => $"{minutes / 60}h {minutes % 60}m",
    };

    public static string Plural(int count, string singular, string? plural = null) =>
        $"{count} {(count == 1 ? singular : plural ?? singular + "s")}";

    public static string Tags(IEnumerable<string> tags) => string.Join(" ", tags.Select(t => "#" + t));

    /// <summary>Shortens text to about <paramref name="max"/> characters, at a word boundary where there is one.</summary>
    public static string Excerpt(string text, int max = 160)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', max - 1);
        return text[..(cut > max / 2 ? cut : max)].TrimEnd() + "…";
    }
}
