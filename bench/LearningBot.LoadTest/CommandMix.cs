using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LearningBot.LoadTest;

public enum CommandKind { SlackLearned, SlackKudos, TeamsLearned, SlackEvent, Playground }

/// <summary>
/// Which kinds a phase sends. <c>Mixed</c>: the long-standing main stream (half Teams, half Slack commands);
/// <c>AllKinds</c>: every kind in turn (the warm-up, so each path is compiled before it is measured); the rest: one kind
/// alone, to measure its CPU per request (<c>SlackCommands</c>: four <c>/learned</c> to one <c>/kudos</c>).
/// </summary>
public enum Stream { Mixed, AllKinds, SlackCommands, SlackEvents, Teams, Playground }

/// <summary>
/// The traffic: half Teams message activities ("learned …" in a 1:1 chat), half Slack slash commands
/// (four in five <c>/learned</c>, one in five <c>/kudos</c>), each signed or shaped as the platform sends it.
/// Every command carries its sequence number in the text ("load item N"), so what the host stored can be
/// matched back to the request, and a unique trigger_id / activity id, so each is one stored record.
/// </summary>
public sealed partial class CommandMix(string signingSecret, string fakePlatformsUrl, string runId)
{
    public const string SlackTeam = "TLOAD0001";
    public const string TeamsTenant = "0b0c0a0d-1111-4222-8333-000000000001";

    /// <summary>People per platform: enough that no one person's history (streaks, weekly list) dominates.</summary>
    private const int People = 200;

    public const string BotUserId = "UBOTLOAD1";

    public static CommandKind KindOf(long seq, Stream stream = Stream.Mixed) => stream switch
    {
        Stream.Mixed => seq % 2 == 1 ? CommandKind.TeamsLearned : seq % 10 == 0 ? CommandKind.SlackKudos : CommandKind.SlackLearned,
        Stream.SlackCommands => seq % 5 == 0 ? CommandKind.SlackKudos : CommandKind.SlackLearned,
        Stream.SlackEvents => CommandKind.SlackEvent,
        Stream.Teams => CommandKind.TeamsLearned,
        Stream.Playground => CommandKind.Playground,
        _ => (seq % 5) switch
        {
            0 => CommandKind.SlackKudos,
            1 => CommandKind.TeamsLearned,
            2 => CommandKind.SlackEvent,
            3 => CommandKind.Playground,
            _ => CommandKind.SlackLearned,
        },
    };

    /// <summary>The kinds whose reply goes to response_url (slash commands), to chat.postMessage (events), or back in the HTTP answer.</summary>
    public static bool RepliesViaResponseUrl(CommandKind kind) => kind is CommandKind.SlackLearned or CommandKind.SlackKudos;

    /// <summary>The sequence number a stored learning text or kudos reason carries; null for anything else.</summary>
    public static long? SeqOf(string storedText) =>
        SeqRegex().Match(storedText) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    public HttpRequestMessage Build(long seq, CommandKind kind) => kind switch
    {
        CommandKind.TeamsLearned => TeamsMessage(seq),
        CommandKind.SlackEvent => SlackDirectMessageEvent(seq),
        CommandKind.Playground => PlaygroundMessage(seq),
        CommandKind.SlackKudos => SlashCommand(seq, "/kudos", $"<@UR{seq % 50:D2}|r{seq % 50}> for load item {seq} and a calm review #teamwork",
            // Each kudos from a different giver: the weekly budget (5) must not be what refuses them.
            user: $"UK{seq}"),
        _ => SlashCommand(seq, "/learned", $"how load item {seq} moves through the retry queue #load", user: $"UL{seq % People:D3}"),
    };

    /// <summary>
    /// A Slack command of <paramref name="seq"/> as a Socket Mode <c>slash_commands</c> envelope (the same fields as the
    /// signed form, as a JSON object); null for a Teams message, which has no Socket Mode.
    /// </summary>
    public JsonObject? SlackEnvelope(long seq, CommandKind kind)
    {
        var (command, text, user) = kind switch
        {
            CommandKind.TeamsLearned or CommandKind.SlackEvent or CommandKind.Playground => (null, null, null),
            CommandKind.SlackKudos => ("/kudos", $"<@UR{seq % 50:D2}|r{seq % 50}> for load item {seq} and a calm review #teamwork", $"UK{seq}"),
            _ => ("/learned", $"how load item {seq} moves through the retry queue #load", $"UL{seq % People:D3}"),
        };
        if (command is null)
        {
            return null;
        }

        var payload = new JsonObject();
        foreach (var (name, value) in SlashFields(seq, command, text!, user!))
        {
            payload[name] = value;
        }

        return new JsonObject
        {
            ["envelope_id"] = $"{runId}-{seq}", ["payload"] = payload, ["type"] = "slash_commands", ["accepts_response_payload"] = true,
        };
    }

    private (string Name, string Value)[] SlashFields(long seq, string command, string text, string user) =>
    [
        ("token", "legacy-verification-token"), ("team_id", SlackTeam), ("team_domain", "loadtest"), ("channel_id", "CLOAD0001"),
        ("channel_name", "general"), ("user_id", user), ("user_name", user.ToLowerInvariant()), ("command", command), ("text", text),
        ("api_app_id", "ALOAD0001"), ("is_enterprise_install", "false"),
        ("response_url", $"{fakePlatformsUrl}/slack/response/{seq}"), ("trigger_id", $"{runId}.{seq}"),
    ];

    private HttpRequestMessage SlashCommand(long seq, string command, string text, string user)
    {
        var body = string.Join('&', SlashFields(seq, command, text, user)
            .Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value)));
        return Signed("/slack/commands", body, "application/x-www-form-urlencoded");
    }

    private HttpRequestMessage Signed(string path, string body, string contentType)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        // Exactly as Slack sends it, without a charset (Bolt's receiver compares the media type literally).
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", Sign(timestamp, body));
        return request;
    }

    /// <summary>
    /// A person's DM to the bot (<c>message</c> event, <c>channel_type</c> <c>im</c>: https://api.slack.com/events/message.im) as an
    /// Events API callback: the bot logs it as a learning and answers in the DM with chat.postMessage.
    /// </summary>
    private HttpRequestMessage SlackDirectMessageEvent(long seq)
    {
        var person = seq % People;
        var ts = string.Create(CultureInfo.InvariantCulture, $"{1_700_000_000 + seq / 1_000_000}.{seq % 1_000_000:D6}");
        var callback = new JsonObject
        {
            ["token"] = "legacy-verification-token",
            ["team_id"] = SlackTeam,
            ["api_app_id"] = "ALOAD0001",
            ["event"] = new JsonObject
            {
                ["type"] = "message", ["channel_type"] = "im", ["channel"] = $"DLOAD{person:D3}", ["user"] = $"UE{person:D3}",
                ["text"] = $"learned how load item {seq} moves through the retry queue #load", ["ts"] = ts, ["event_ts"] = ts,
            },
            ["type"] = "event_callback",
            ["event_id"] = $"Ev{runId}{seq}",
            ["event_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["authorizations"] = new JsonArray
            {
                new JsonObject { ["team_id"] = SlackTeam, ["user_id"] = BotUserId, ["is_bot"] = true, ["is_enterprise_install"] = false },
            },
        };
        return Signed("/slack/events", callback.ToJsonString(), "application/json");
    }

    /// <summary><c>POST /api/playground</c> as the browser playground sends it, with a message id.</summary>
    private HttpRequestMessage PlaygroundMessage(long seq)
    {
        var body = new JsonObject
        {
            ["team"] = "load", ["user"] = $"p{seq % People:D3}", ["messageId"] = $"{runId}-{seq}",
            ["text"] = $"learned how load item {seq} moves through the retry queue #load",
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/playground") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return request;
    }

    /// <summary>Slack's v0 signature, written from Slack's documentation rather than borrowed from the product.</summary>
    private string Sign(string timestamp, string body)
    {
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}"));
        return "v0=" + Convert.ToHexStringLower(hash);
    }

    private HttpRequestMessage TeamsMessage(long seq)
    {
        var person = seq / 2 % People;
        var userId = $"29:1load-user-{person:D3}";
        var conversation = $"a:1load-personal-{person:D3}";
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["id"] = $"{runId}-{seq}",
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["serviceUrl"] = fakePlatformsUrl + "/teams/",
            ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = userId, ["name"] = $"Load User {person}", ["aadObjectId"] = $"00000000-0000-4000-8000-{person:D12}" },
            ["conversation"] = new JsonObject { ["conversationType"] = "personal", ["tenantId"] = TeamsTenant, ["id"] = conversation },
            ["recipient"] = new JsonObject { ["id"] = "28:00000000-0000-0000-0000-00000000load", ["name"] = "LearningBot" },
            ["textFormat"] = "plain",
            ["text"] = $"learned how load item {seq} moves through the retry queue #load",
            ["locale"] = "en-US",
            ["entities"] = new JsonArray { new JsonObject { ["type"] = "clientInfo", ["locale"] = "en-US" } },
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = TeamsTenant } },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return request;
    }

    [GeneratedRegex(@"load item (\d+)\b")]
    private static partial Regex SeqRegex();
}
