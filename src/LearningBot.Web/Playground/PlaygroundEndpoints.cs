using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using LearningBot.Core.Conversations;
using LearningBot.Core.Members;
using LearningBot.Core.Prompts;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;

namespace LearningBot.Web.Playground;

/// <param name="Team">Any short name; playground teams live in their own namespace, apart from Slack and Teams data.</param>
/// <param name="User">The person speaking; people are <c>@name</c> in the text.</param>
/// <param name="MessageId">Optional: send the same id twice to see a redelivery have no second effect.</param>
/// <param name="Admin">Whether the person may change team settings (the playground has no real admins).</param>
/// <param name="ThreadId">Reply in the thread of this bot post (e.g. answer a standing-meeting prompt).</param>
/// <param name="NewPeople">Names the sender confirms are new to the team (any case). Mentioning anyone else the team has never
/// seen is answered with <see cref="PlaygroundResponse.UnknownPeople"/> and does nothing.</param>
public sealed record PlaygroundRequest(string? Team, string? User, string? Text, string? MessageId, bool Admin = false, string? ThreadId = null,
    IReadOnlyList<string>? NewPeople = null);

/// <param name="UnknownPeople">Mentioned names this team has never seen and the sender did not confirm as new: nothing was
/// done; send the same text again with them in <see cref="PlaygroundRequest.NewPeople"/> to go ahead.</param>
public sealed record PlaygroundResponse(string Text, BotReply Reply, IReadOnlyList<PlaygroundDirectMessage> DirectMessages, bool Redelivery)
{
    public IReadOnlyList<string> UnknownPeople { get; init; } = [];
}

public sealed record PlaygroundDirectMessage(string To, string Text, BotReply Reply);

/// <summary>
/// The browser playground: a third "platform" that runs commands through exactly the pipeline
/// Slack and Teams use, so every feature can be tried without either account.
/// </summary>
public static partial class PlaygroundEndpoints
{
    public const string TeamPrefix = "playground:";
    public const string Platform = "playground";

    public static void MapPlayground(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/playground", HandleAsync).DisableAntiforgery();
        app.MapGet("/api/playground/feed", (string? team, long? after, PlaygroundFeed feed) =>
            team is null || !NameRegex().IsMatch(team)
                ? Results.ValidationProblem(new Dictionary<string, string[]> { ["team"] = ["A valid team name is required."] })
                : Results.Ok(feed.Since(TeamId(team), after ?? 0)));
    }

    private static async Task<IResult> HandleAsync(PlaygroundRequest request, CommandPipeline pipeline, PromptAnswerRecorder answers,
        IMemberRepository members, IDeliveryLog deliveries, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Team is null || !NameRegex().IsMatch(request.Team))
        {
            errors["team"] = ["A team name of 1–40 letters, digits, '.', '_' or '-' is required."];
        }

        if (request.User is null || !NameRegex().IsMatch(request.User))
        {
            errors["user"] = ["A user name of 1–40 letters, digits, '.', '_' or '-' is required."];
        }

        if (request.Text is null)
        {
            errors["text"] = ["The command text is required (try \"help\")."];
        }

        if (request.MessageId is { } id && (id.Length is 0 or > 100))
        {
            errors["messageId"] = ["messageId, when given, is 1–100 characters."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var (message, unknown) = await WithKnownNamesAsync(ToIncomingMessage(request, time.GetUtcNow()), members, cancellationToken);
        if (request.ThreadId is { } threadId)
        {
            // A thread reply is an answer to a prompt, not a command.
            var answer = await answers.RecordAsync(message, message.Conversation!.Key, threadId, cancellationToken);
            var answerReply = answer is null
                ? Reply.Notice(ReplyKind.Error, new TextBlock("That thread isn't a learning-minute prompt, so I didn't log anything."))
                : Reply.Notice(ReplyKind.Confirmation, new TextBlock($"Added to the learning minute — thanks, {request.User}!"));
            return Results.Ok(new PlaygroundResponse(PlainTextRenderer.Render(answerReply), answerReply, [], false));
        }

        // Slack and Teams only mention real people; here a typo ("@dave" for "@dan") would invent one, spend kudos budget on
        // them and add them to the team. A name never seen before is confirmed first.
        var unconfirmed = unknown.Where(id => id != message.UserId
            && !(request.NewPeople ?? []).Any(n => string.Equals(n, id, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unconfirmed.Count > 0)
        {
            var confirm = await ConfirmNewPeopleAsync(message, unconfirmed, request.Team!, members, cancellationToken);
            return Results.Ok(new PlaygroundResponse(PlainTextRenderer.Render(confirm), confirm, [], false) { UnknownPeople = unconfirmed });
        }

        // One unit of work, as the Slack and Teams adapters run a delivery (IDeliveryLog.RunAndRecordAsync, no ids to record: the
        // playground's redelivery check is the idempotency key inside each write): on SQLite the member row and the command's
        // writes are one write transaction (issue 18: a new person's kudos was two), and a command that fails part-way keeps
        // none of them, as its reply says.
        var run = await deliveries.RunAndRecordAsync(Platform, [], async ct =>
        {
            var handled = await pipeline.HandleAsync(message, ct);
            return new DeliveryWork<BotReply>(handled, Record: !handled.NothingSaved, new DeliverySender(message.TeamId, message.UserId));
        }, time.GetUtcNow(), cancellationToken);
        var reply = run.Value;
        var directMessages = reply.DirectMessages
            .Select(dm => new PlaygroundDirectMessage(dm.RecipientId, PlainTextRenderer.Render(dm.Reply), dm.Reply))
            .ToList();
        return Results.Ok(new PlaygroundResponse(PlainTextRenderer.Render(reply), reply, directMessages, reply.IsRedelivery));
    }

    /// <summary>
    /// The adapter step: <c>@bo</c> becomes the normalised mention <c>&lt;@bo&gt;</c> the parser understands. Names are people's
    /// ids here, and like Slack and Teams handles they ignore case: <c>@Bo</c> and <c>@bo</c> are one person (id <c>bo</c>),
    /// and so are the teams <c>Acme</c> and <c>acme</c>.
    /// </summary>
    internal static IncomingMessage ToIncomingMessage(PlaygroundRequest request, DateTimeOffset now)
    {
        var mentions = new List<MentionedMember>();
        var text = MentionRegex().Replace(request.Text!, match =>
        {
            var name = match.Groups["name"].Value;
            var id = name.ToLowerInvariant();
            mentions.Add(new MentionedMember(id, name));
            return $"<@{id}>";
        });
        var teamId = TeamId(request.Team!);
        return new IncomingMessage(teamId, request.User!.ToLowerInvariant(), request.User!, text, request.MessageId ?? Guid.NewGuid().ToString("N"))
        {
            Platform = Platform,
            ChannelId = "general",
            // Every playground team has one channel, where prompts are posted (to the page's feed).
            Conversation = new StoredConversation($"{teamId}:general", Platform, teamId, ConversationKind.Channel, null, "{}", true, now),
            // Each person's "DM" with the bot: what the scheduler sends them (review DMs, nudges) shows in the feed, addressed to them.
            PrivateConversation = new StoredConversation($"{teamId}:@{request.User!.ToLowerInvariant()}", Platform, teamId, ConversationKind.Personal,
                request.User!.ToLowerInvariant(), "{}", true, now),
            IsTeamAdmin = request.Admin,
            Mentions = mentions.DistinctBy(m => m.UserId).ToList(),
        };
    }

    private static string TeamId(string team) => TeamPrefix + team.ToLowerInvariant();

    /// <summary>
    /// A mention typed <c>@BO</c> must not rename Bo: people already known keep the name they chose (the one they use
    /// when they speak). Display names of the sender and of new people are as typed.
    /// </summary>
    /// <returns>The message with known people's names, and the ids of mentioned people the team has never seen.</returns>
    private static async Task<(IncomingMessage Message, IReadOnlyList<string> Unknown)> WithKnownNamesAsync(IncomingMessage message,
        IMemberRepository members, CancellationToken cancellationToken)
    {
        if (message.Mentions.Count == 0)
        {
            return (message, []);
        }

        var known = await members.GetDisplayNamesAsync(message.TeamId, message.Mentions.Select(m => m.UserId).ToList(), cancellationToken);
        var withNames = message with
        {
            Mentions = message.Mentions
                .Select(m => known.TryGetValue(m.UserId, out var name) ? m with { DisplayName = name } : m)
                .ToList(),
        };
        return (withNames, message.Mentions.Select(m => m.UserId).Where(id => !known.ContainsKey(id)).ToList());
    }

    private static async Task<BotReply> ConfirmNewPeopleAsync(IncomingMessage message, IReadOnlyList<string> unknown, string team,
        IMemberRepository members, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", unknown.Select(id => "@" + id));
        var everyone = (await members.ListAsync(message.TeamId, cancellationToken)).Select(m => m.UserId).ToList();
        var suggestions = unknown.Select(id => Grammar.Closest(id, everyone)).OfType<string>().Distinct().Select(id => "@" + id).ToList();
        var blocks = new List<ReplyBlock>
        {
            new TextBlock($"I haven't met {names} in {team} yet, so I didn't do anything."
                          + (suggestions.Count > 0 ? $" Did you mean {string.Join(" or ", suggestions)}?" : string.Empty)),
            new NoteBlock(unknown.Count == 1
                ? $"If {unknown[0]} is new here, confirm it and I'll go ahead."
                : "If they are new here, confirm it and I'll go ahead."),
        };
        return new BotReply(ReplyKind.Error, ReplyAudience.Requester, blocks);
    }

    [GeneratedRegex(@"^[\p{L}\p{N}._\-]{1,40}$")]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"(?<![\p{L}\p{N}._\-<])@(?<name>[\p{L}\p{N}_\-]+(?:\.[\p{L}\p{N}_\-]+)*)")]
    private static partial Regex MentionRegex();
}
