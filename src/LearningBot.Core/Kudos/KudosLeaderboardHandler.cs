using LearningBot.Core.Commands;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;
using LearningBot.Core.Time;

namespace LearningBot.Core.Kudos;

/// <summary>
/// <c>kudos top [givers] [here|in #channel] [time frame]</c>: the top <see cref="Top"/> receivers (or givers). People who said
/// <c>kudos hide me</c> are left out of both boards; their kudos still count for everyone else's rows.
/// </summary>
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

        string? channelId = null;
        var where = string.Empty;
        if (command.Channel is { } channel)
        {
            if (channel.Name is null)
            {
                if (context.Message.ChannelId is not { } here)
                {
                    return Reply.Error("This conversation isn't a channel, so there's no \"here\" to rank: name one with in #channel.",
                        KudosGrammar.TopUsage);
                }

                channelId = here;
                where = " in this channel";
            }
            else
            {
                // A channel mention carries its id (Slack); otherwise the name is the id (the playground's channels).
                channelId = context.Message.Channels.FirstOrDefault(c =>
                                string.Equals(c.Name, channel.Name, StringComparison.OrdinalIgnoreCase) || c.Id == channel.Name)?.Id
                            ?? channel.Name;
                where = $" in #{channel.Name}";
            }
        }

        var hidden = await kudos.ListHiddenFromBoardsAsync(context.TeamId, cancellationToken);
        var since = TeamClock.StartOf(command.Period, context.Now, context.TimeZone);
        var board = (await kudos.GetBoardAsync(context.TeamId, new KudosBoardQuery(command.Side, since, channelId), Top + hidden.Count,
                cancellationToken))
            .Where(entry => !hidden.Contains(entry.UserId)).Take(Top).ToList();
        var when = command.Period switch { Period.Week => "this week", Period.Month => "this month", _ => "of all time" };
        var givers = command.Side == KudosBoardSide.Givers;
        var heading = $"{(givers ? "Kudos givers" : "Kudos")} {when}{where}";
        if (board.Count == 0)
        {
            return Reply.Notice(ReplyKind.Leaderboard,
                new HeadingBlock(heading),
                new TextBlock("No kudos yet — who helped you recently?"),
                new NoteBlock(RichText.Of("Try ", new CodeSpan(KudosGrammar.Usage.Example))));
        }

        var mention = await people.ResolveAsync(context, board.Select(b => b.UserId), cancellationToken);
        var items = board.Select((entry, index) => new ListItem(
            RichText.Of($"{index + 1}. ", mention(entry.UserId)),
            givers
                ? $"gave {Reply.Plural(entry.Count, "kudos", "kudos")} to {Reply.Plural(entry.DistinctPeople, "person", "people")}"
                : $"{Reply.Plural(entry.Count, "kudos", "kudos")} from {Reply.Plural(entry.DistinctPeople, "person", "people")}")).ToList();

        return Reply.Notice(ReplyKind.Leaderboard,
            new HeadingBlock(heading),
            new ListBlock(items),
            new NoteBlock(board.Count == Top
                ? "Every thank-you counts, ranked or not."
                : givers
                    ? $"{Reply.Plural(board.Count, "person", "people")} said thanks {when}{where}."
                    : $"Recognition reached {Reply.Plural(board.Count, "person", "people")} {when}{where}."));
    }
}
