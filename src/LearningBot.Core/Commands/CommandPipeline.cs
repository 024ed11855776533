using System.Diagnostics;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Kudos;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;
using LearningBot.Core.Settings;
using LearningBot.Core.Time;
using Microsoft.Extensions.Logging;

namespace LearningBot.Core.Commands;

/// <summary>
/// The one path every message takes, whatever platform it came from: parse, remember who is who,
/// load the team's settings, dispatch to the command's handler.
/// </summary>
public sealed partial class CommandPipeline
{
    private readonly CommandParser _parser;
    private readonly IReadOnlyDictionary<Type, ICommandHandler> _handlers;
    private readonly IMemberRepository _members;
    private readonly TeamSettingsCache _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<CommandPipeline> _logger;
    private readonly LearningBotMetrics? _metrics;
    private readonly KnownMembers? _known;

    /// <param name="metrics">Optional so hand-built pipelines in tests need none; the host always registers it.</param>
    /// <param name="known">Members stored recently (skips their upsert); null: every command upserts.</param>
    public CommandPipeline(CommandParser parser, IEnumerable<ICommandHandler> handlers, IMemberRepository members,
        TeamSettingsCache settings, TimeProvider time, ILogger<CommandPipeline> logger, LearningBotMetrics? metrics = null,
        KnownMembers? known = null)
    {
        _metrics = metrics;
        _known = known;
        _parser = parser;
        _handlers = handlers.ToDictionary(h => h.CommandType);
        _members = members;
        _settings = settings;
        _time = time;
        _logger = logger;
    }

    public async Task<BotReply> HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        using var activity = LearningBotMetrics.ActivitySource.StartActivity("command");
        activity?.SetTag("learningbot.platform", message.Platform);
        var parsed = _parser.Parse(message.Text);
        if (parsed is ParseFailure && InlineKudosGrammar.CouldBe(message.Text)
            && await RecogniseAsync(message, cancellationToken) is { } inline)
        {
            // "@LearningBot @bo ++ for the demo": addressed to the bot, but inline kudos rather than a command.
            parsed = inline.Parsed;
        }

        if (parsed is ParseFailure failure)
        {
            LogRejected(message.Platform, message.TeamId, failure.Problem);
            Record(activity, "unparsed", message.Platform, "rejected", started);
            if (failure.NeedsMentions && !message.Scope.CanMentionPeople)
            {
                // e.g. a Teams 1:1 chat with the bot: its composer has no people picker, so "@name" can never work here.
                failure = failure with
                {
                    Problem = "People can't be @mentioned in this chat, so I can't tell whom you're thanking. " +
                              "Give kudos in a channel or group chat I'm in: mention me, then pick each person with @.",
                    Example = "@LearningBot " + failure.Example,
                };
            }

            return Reply.Error(failure);
        }

        return await RunAsync(message, ((Parsed)parsed).Command, activity, started, cancellationToken);
    }

    /// <summary>
    /// A message the bot only reads in passing (a channel message not addressed to it) or a reaction: kudos when the kudos
    /// grammar recognises them (<see cref="InlineKudosGrammar"/>), else null. Null means nothing was stored and nothing may be
    /// said: ordinary chatter is never taken as a command and never answered.
    /// </summary>
    public async Task<BotReply?> HandleAmbientAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        if (message.Reaction is null && !InlineKudosGrammar.CouldBe(message.Text))
        {
            return null; // most channel messages: no settings read, nothing recorded
        }

        var recognised = await RecogniseAsync(message, cancellationToken);
        if (recognised is null)
        {
            return null;
        }

        var started = _time.GetTimestamp();
        using var activity = LearningBotMetrics.ActivitySource.StartActivity("command");
        activity?.SetTag("learningbot.platform", message.Platform);
        if (recognised.Parsed is ParseFailure failure)
        {
            LogRejected(message.Platform, message.TeamId, failure.Problem);
            Record(activity, "unparsed", message.Platform, "rejected", started);
            return Reply.Error(failure) with { IsPrivateNotice = true };
        }

        return await RunAsync(message, ((Parsed)recognised.Parsed).Command, activity, started, cancellationToken);
    }

    private sealed record Recognised(ParseResult Parsed);

    private async Task<Recognised?> RecogniseAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        var settings = await _settings.GetAsync(message.TeamId, cancellationToken);
        return InlineKudosGrammar.Recognise(message, settings) is { } result ? new Recognised(result) : null;
    }

    private async Task<BotReply> RunAsync(IncomingMessage message, BotCommand command, Activity? activity, long started,
        CancellationToken cancellationToken)
    {
        var commandName = command.GetType().Name;
        var metricName = commandName.EndsWith("Command", StringComparison.Ordinal) ? commandName[..^"Command".Length] : commandName;
        if (activity is not null)
        {
            activity.DisplayName = "command " + metricName;
        }

        // Members this command stored: when it fails, its writes are rolled back with them (the adapters' one transaction),
        // so they must not stay marked as stored, or the person's next command would skip storing them again.
        List<Member>? remembered = null;
        try
        {
            if (!message.IsReadOnly && message.Reaction is not { Added: false })
            {
                remembered = await RememberAsync(new Member(message.TeamId, message.UserId, message.UserName), remembered, cancellationToken);
                foreach (var mentioned in message.Mentions)
                {
                    if (!mentioned.IsBot)
                    {
                        remembered = await RememberAsync(new Member(message.TeamId, mentioned.UserId, mentioned.DisplayName), remembered,
                            cancellationToken);
                    }
                }
            }

            var settings = await _settings.GetAsync(message.TeamId, cancellationToken);
            var context = new CommandContext(message, settings, TeamClock.FindOrUtc(settings.TimeZoneId), _time.GetUtcNow());
            var reply = await _handlers[command.GetType()].HandleAsync(command, context, cancellationToken);
            if (command is ForgetMeCommand)
            {
                // Their member row may be gone now: the next command from them stores it again.
                _known?.Forget(message.TeamId, message.UserId);
            }

            // A command that simply worked is counted (learningbot.commands) and logged at Debug: one Information line per
            // command woke the console logger's thread every time, ~6 % of the process's CPU in the issue 18 profile
            // (docs/performance.md). Refusals and redeliveries, which someone may need to look into, stay at Information.
            LogHandled(reply.IsRedelivery || reply.Kind == ReplyKind.Error ? LogLevel.Information : LogLevel.Debug,
                message.Platform, message.TeamId, commandName, reply.Kind, reply.IsRedelivery);
            // "error": the handler refused politely (e.g. kudos to oneself); "failed" below is our fault.
            Record(activity, metricName, message.Platform,
                reply.IsRedelivery ? "redelivery" : reply.Kind == ReplyKind.Error ? "error" : "ok", started);
            return reply;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A command's write is one transaction (SQLite) or is undone when it fails half-way (Cosmos kudos), so a
            // failure here means nothing was saved and the person's retry counts once.
            foreach (var member in remembered ?? [])
            {
                _known?.Forget(member.TeamId, member.UserId);
            }

            LogFailed(ex, message.Platform, message.TeamId, commandName);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            Record(activity, metricName, message.Platform, "failed", started);
            return Reply.Error(new ParseFailure(
                "Something went wrong on my side and nothing was saved. Please try again in a moment.",
                message.Text.Length > 80 ? message.Text[..80] + "…" : message.Text, "help")) with { NothingSaved = true };
        }
    }

    /// <summary>
    /// Stores the member unless this instance stored them with this name recently (<see cref="KnownMembers"/>); returns
    /// <paramref name="stored"/> with the member added when it was stored now.
    /// </summary>
    private async Task<List<Member>?> RememberAsync(Member member, List<Member>? stored, CancellationToken cancellationToken)
    {
        if (_known?.IsStored(member) == true)
        {
            return stored;
        }

        await _members.UpsertAsync(member, cancellationToken);
        _known?.Stored(member);
        (stored ??= []).Add(member);
        return stored;
    }

    private void Record(Activity? activity, string command, string platform, string outcome, long started)
    {
        activity?.SetTag("learningbot.command", command);
        activity?.SetTag("learningbot.outcome", outcome);
        _metrics?.CommandHandled(command, platform, outcome, _time.GetElapsedTime(started));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a {Platform} command in team {TeamId}: {Problem}")]
    private partial void LogRejected(string platform, string teamId, string problem);

    [LoggerMessage(Message = "Handled {Command} from {Platform} in team {TeamId}: {Kind}, redelivery={Redelivery}")]
    private partial void LogHandled(LogLevel level, string platform, string teamId, string command, ReplyKind kind, bool redelivery);

    [LoggerMessage(Level = LogLevel.Error, Message = "Failed {Command} from {Platform} in team {TeamId}")]
    private partial void LogFailed(Exception exception, string platform, string teamId, string command);
}
