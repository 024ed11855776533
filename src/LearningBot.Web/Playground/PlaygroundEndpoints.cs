using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Web.Playground;

/// <param name="Team">Any short name; playground teams live in their own namespace, apart from Slack and Teams data.</param>
/// <param name="User">The person speaking; people are <c>@name</c> in the text.</param>
/// <param name="MessageId">Optional: send the same id twice to see a redelivery have no second effect.</param>
/// <param name="Admin">Whether the person may change team settings (the playground has no real admins).</param>
public sealed record PlaygroundRequest(string? Team, string? User, string? Text, string? MessageId, bool Admin = false);

public sealed record PlaygroundResponse(string Text, BotReply Reply, IReadOnlyList<PlaygroundDirectMessage> DirectMessages, bool Redelivery);

public sealed record PlaygroundDirectMessage(string To, string Text, BotReply Reply);

/// <summary>
/// The browser playground: a third "platform" that runs commands through exactly the pipeline
/// Slack and Teams use, so every feature can be tried without either account.
/// </summary>
public static partial class PlaygroundEndpoints
{
    public const string TeamPrefix = "playground:";

    public static void MapPlayground(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/playground", HandleAsync).DisableAntiforgery();

    private static async Task<IResult> HandleAsync(PlaygroundRequest request, CommandPipeline pipeline, CancellationToken cancellationToken)
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

        var message = ToIncomingMessage(request);
        var reply = await pipeline.HandleAsync(message, cancellationToken);
        var directMessages = reply.DirectMessages
            .Select(dm => new PlaygroundDirectMessage(dm.RecipientId, PlainTextRenderer.Render(dm.Reply), dm.Reply))
            .ToList();
        return Results.Ok(new PlaygroundResponse(PlainTextRenderer.Render(reply), reply, directMessages, reply.IsRedelivery));
    }

    /// <summary>The adapter step: <c>@bo</c> becomes the normalised mention <c>&lt;@bo&gt;</c> the parser understands.</summary>
    internal static IncomingMessage ToIncomingMessage(PlaygroundRequest request)
    {
        var mentions = new List<MentionedMember>();
        var text = MentionRegex().Replace(request.Text!, match =>
        {
            var name = match.Groups["name"].Value;
            mentions.Add(new MentionedMember(name, name));
            return $"<@{name}>";
        });
        return new IncomingMessage(TeamPrefix + request.Team, request.User!, request.User!, text,
            request.MessageId ?? Guid.NewGuid().ToString("N"))
        {
            Platform = "playground",
            IsTeamAdmin = request.Admin,
            Mentions = mentions.DistinctBy(m => m.UserId).ToList(),
        };
    }

    [GeneratedRegex(@"^[\p{L}\p{N}._\-]{1,40}$")]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"(?<![\p{L}\p{N}._\-<])@(?<name>[\p{L}\p{N}_\-]+(?:\.[\p{L}\p{N}_\-]+)*)")]
    private static partial Regex MentionRegex();
}
