using System.Globalization;
using LearningBot.Core.Commands;
using LearningBot.Core.Replies;
using LearningBot.Core.Time;

namespace LearningBot.Core.Away;

/// <summary>
/// <c>away …</c> and <c>back</c>. Days are the person's own (their time zone when the platform sends it, else the
/// team's): away until 24 Dec ends at midnight after the 24th there. At most a year ahead; never in the past.
/// </summary>
public sealed class AwayHandler(IAwayRepository away) : CommandHandler<AwayCommand>
{
    /// <summary>How far ahead <c>away</c> may reach: longer leave is better handled by leaving the team.</summary>
    public const int MaxDaysAhead = 366;

    protected override async Task<BotReply> HandleAsync(AwayCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var zone = AwayZone.Of(context);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(context.Now, zone).DateTime);
        var lastDay = command.LastDay ?? today.AddDays(command.Days!.Value - 1);
        if (lastDay < today)
        {
            return Reply.Error($"{AwayZone.Describe(lastDay)} has already passed, so there's nothing to be away for.", AwayGrammar.Usage);
        }

        if (lastDay.DayNumber - today.DayNumber > MaxDaysAhead)
        {
            return Reply.Error($"{AwayZone.Describe(lastDay)} is more than a year ahead; I can mark you away for up to a year.", AwayGrammar.Usage);
        }

        var current = await away.GetAsync(context.TeamId, context.UserId, cancellationToken);
        // Changing the end of a running absence keeps its start, so the weeks already away stay away.
        var from = current is not null && current.IsAwayAt(context.Now) ? current.From : context.Now;
        var period = new AwayPeriod(context.TeamId, context.UserId, from, TeamClock.StartOfDay(lastDay.AddDays(1), zone), lastDay);
        await away.SaveAsync(period, cancellationToken);
        return Reply.Notice(ReplyKind.Confirmation,
            new HeadingBlock($"🌴 Away until {AwayZone.Describe(lastDay)}"),
            new TextBlock("No nudges until then, and you don't count in the team's participation while you're away. " +
                          "Kudos people give you still arrive in our direct messages, waiting for your return."),
            new NoteBlock(RichText.Of("Back early? Say ", new CodeSpan("back"), ".")));
    }
}

/// <summary><c>back</c>: the away time ends now (kept as it was until now, for past weeks' participation).</summary>
public sealed class BackHandler(IAwayRepository away) : CommandHandler<BackCommand>
{
    protected override async Task<BotReply> HandleAsync(BackCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var current = await away.GetAsync(context.TeamId, context.UserId, cancellationToken);
        if (current is null || !current.IsAwayAt(context.Now))
        {
            return Reply.Notice(ReplyKind.Confirmation, new TextBlock("You weren't marked away, so nothing changed. Welcome all the same!"),
                new NoteBlock(RichText.Of("Going away? ", new CodeSpan(AwayGrammar.Usage.Example))));
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(context.Now, AwayZone.Of(context)).DateTime);
        await away.SaveAsync(current with { Until = context.Now, LastDay = today }, cancellationToken);
        return Reply.Notice(ReplyKind.Confirmation, new HeadingBlock($"👋 Welcome back, {context.Message.UserName}!"),
            new TextBlock("Nudges are on again (if you had them), and you count in participation from now."));
    }
}

internal static class AwayZone
{
    /// <summary>The person's own zone when the platform sent it (Slack profiles), else the team's.</summary>
    public static TimeZoneInfo Of(CommandContext context) =>
        TeamClock.TryFindTimeZone(context.Message.UserTimeZoneId, out var own) ? own : context.TimeZone;

    public static string Describe(DateOnly day) => day.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);
}
