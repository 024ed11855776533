using LearningBot.Core.Commands;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;
using LearningBot.Core.Time;

namespace LearningBot.Core.Kudos;

public sealed class KudosLeaderboardHandler(IKudosRepository kudos, PeopleNames people) : CommandHandler<KudosLeaderboardCommand>
{
    private const int Top = 10;

    protected override async Task<BotReply> HandleAsync(KudosLeaderboardCommand command, CommandContext context,
        CancellationToken cancellationToken)
    {
        if (!context.Settings.LeaderboardEnabled)
        {
            return Reply.Notice(ReplyKind.Leaderboard,
                new TextBlock("Leaderboards are switched off for this team — kudos still count, they just aren't ranked."),
                new NoteBlock(RichText.Of("An admin can turn them on with ", new CodeSpan("settings leaderboard on"))));
        }

        var since = TeamClock.StartOf(command.Period, context.Now, context.TimeZone);
        var board = await kudos.GetLeaderboardAsync(context.TeamId, since, Top, cancellationToken);
        var when = command.Period switch { Period.Week => "this week", Period.Month => "this month", _ => "of all time" };
        if (board.Count == 0)
        {
            return Reply.Notice(ReplyKind.Leaderboard,
                new HeadingBlock($"Kudos {when}"),
                new TextBlock("No kudos yet — who helped you recently?"),
                new NoteBlock(RichText.Of("Try ", new CodeSpan(KudosGrammar.Usage.Example))));
        }

        var mention = await people.ResolveAsync(context, board.Select(b => b.UserId), cancellationToken);
        var items = board.Select((entry, index) => new ListItem(
            RichText.Of($"{index + 1}. ", mention(entry.UserId)),
            $"{Reply.Plural(entry.KudosReceived, "kudos", "kudos")} from {Reply.Plural(entry.DistinctGivers, "person", "people")}")).ToList();

        return Reply.Notice(ReplyKind.Leaderboard,
            new HeadingBlock($"Kudos {when}"),
            new ListBlock(items),
            new NoteBlock(board.Count == Top
                ? "Every thank-you counts, ranked or not."
                : $"Recognition reached {Reply.Plural(board.Count, "person", "people")} {when}."));
    }
}
