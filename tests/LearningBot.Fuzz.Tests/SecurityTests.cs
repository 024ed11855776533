using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LearningBot.Slack.Rendering;
using LearningBot.Slack.Verification;
using Microsoft.Data.Sqlite;

namespace LearningBot.Fuzz.Tests;

/// <summary>
/// Requests that are correctly formed but not allowed: a signature that belongs to another body, and one team's ids
/// used from another team (Slack workspace, Teams tenant, playground). Replayed Slack requests (old timestamps) and
/// Bot Framework tokens for another app id are covered in LearningBot.Slack.Tests (A_stale_timestamp_…,
/// The_host_accepts_slacks_published_request_…) and LearningBot.Teams.Tests (A_signed_token_with_wrong_claims_is_rejected("wrong audience")).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SecurityTests
{
    private const string TheirAnswer = "the vault password is quokka-42";

    private FuzzHost _host = null!;

    [SetUp]
    public void Start() => _host = new FuzzHost();

    [TearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string Form(params (string Name, string Value)[] fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value)));

    private string Command(string team, string user, string text, string responseName, string command = "/learnbot") => Form(
        ("team_id", team), ("user_id", user), ("user_name", user.ToLowerInvariant()), ("channel_id", "C0001"), ("command", command),
        ("text", text), ("response_url", _host.Platform.Url + "/response/" + responseName), ("trigger_id", Guid.NewGuid().ToString("N")));

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_host.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private async Task<string> TheirPostIdAsync()
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await _host.DrainAsync();
            if (await ScalarAsync("SELECT id FROM knowledge_posts WHERE answer LIKE '%quokka-42%'") is string id)
            {
                return id;
            }

            await Task.Delay(20);
        }

        Assert.Fail("team B's post was never stored");
        return string.Empty;
    }

    private async Task<long> VotesAsync() =>
        (long)(await ScalarAsync("SELECT count(*) FROM helpful_votes"))! + (long)(await ScalarAsync("SELECT coalesce(sum(helpful_count), 0) FROM knowledge_posts"))!;

    /// <summary>Everything the host sent to Slack and the Bot Connector (replies, DMs, cards), as one string.</summary>
    private string Outbound(int skip) => string.Join("\n", _host.Platform.LogEntries.OrderBy(e => e.RequestMessage.DateTime).Skip(skip)
        .Select(e => e.RequestMessage.Body ?? string.Empty));

    [Test]
    public async Task A_valid_signature_for_another_body_is_refused_and_nothing_is_stored()
    {
        var genuine = Encoding.UTF8.GetBytes(Command("TA", "UANN", "help", "genuine"));
        var forged = Encoding.UTF8.GetBytes(Command("TA", "UANN", "learned forged learning", "forged"));
        var ts = FuzzHost.Now;
        var signature = SlackSignature.Compute(FuzzHost.SigningSecret, ts.ToString(System.Globalization.CultureInfo.InvariantCulture), genuine);

        using var response = await _host.PostSlackAsync("/slack/commands", forged, "application/x-www-form-urlencoded", ts, signature);
        // The same signature with another timestamp is no better.
        using var retimed = await _host.PostSlackAsync("/slack/commands", genuine, "application/x-www-form-urlencoded", ts - 1, signature);
        // Nor a body that differs only in one trailing byte.
        using var padded = await _host.PostSlackAsync("/slack/commands", [.. genuine, (byte)'&'], "application/x-www-form-urlencoded", ts, signature);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(retimed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(padded.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await _host.DrainAsync();
        Assert.That(await ScalarAsync("SELECT count(*) FROM learnings"), Is.EqualTo(0L));
        Assert.That(_host.Platform.LogEntries, Is.Empty, "nothing was answered or sent");
    }

    [Test]
    public async Task A_slack_workspace_cannot_read_or_vote_on_another_workspaces_post_by_id()
    {
        using (var share = await _host.PostSlackAsync("/slack/commands", Command("TB", "UBEA", $"share where is the vault password? :: {TheirAnswer}", "share")))
        {
            Assert.That(share.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var postId = await TheirPostIdAsync();
        await Task.Delay(200); // B's own confirmation has been sent; only what follows is shown to A
        var sentBefore = _host.Platform.LogEntries.Count();
        var votes = await VotesAsync();

        // Workspace A names B's post: as a typed command, as a "This helped" button, and asks for it.
        using (var typed = await _host.PostSlackAsync("/slack/commands", Command("TA", "UANN", "helped " + postId, "typed")))
        {
            Assert.That((int)typed.StatusCode, Is.LessThan(500));
        }

        var click = new JsonObject
        {
            ["type"] = "block_actions", ["team"] = new JsonObject { ["id"] = "TA" },
            ["user"] = new JsonObject { ["id"] = "UANN", ["username"] = "ann", ["team_id"] = "TA" },
            ["channel"] = new JsonObject { ["id"] = "C0001" }, ["trigger_id"] = "1.2", ["response_url"] = _host.Platform.Url + "/response/click",
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = BlockKitRenderer.CommandActionPrefix + "0", ["value"] = "helped " + postId, ["action_ts"] = "1.5" }),
        };
        using (var clicked = await _host.PostSlackAsync("/slack/interactions", Form(("payload", click.ToJsonString()))))
        {
            Assert.That((int)clicked.StatusCode, Is.LessThan(500));
        }

        using (var ask = await _host.PostSlackAsync("/slack/commands", Command("TA", "UANN", "ask where is the vault password", "ask")))
        {
            Assert.That((int)ask.StatusCode, Is.LessThan(500));
        }

        await _host.DrainAsync();
        Assert.That(await VotesAsync(), Is.EqualTo(votes), "a vote from workspace A reached workspace B's post");
        Assert.That(Outbound(sentBefore), Does.Not.Contain("quokka-42").IgnoreCase, "workspace A was shown B's answer");
        // Control: in its own workspace the same button works, so the checks above could have failed.
        click["team"] = new JsonObject { ["id"] = "TB" };
        click["user"] = new JsonObject { ["id"] = "UBO", ["username"] = "bo", ["team_id"] = "TB" };
        using (await _host.PostSlackAsync("/slack/interactions", Form(("payload", click.ToJsonString())))) { }
        await _host.DrainAsync();
        Assert.That(await VotesAsync(), Is.GreaterThan(votes));
    }

    private JsonObject TeamsMessage(string tenant, string text) => new()
    {
        ["type"] = "message", ["id"] = "17326" + Random.Shared.Next(10_000_000), ["timestamp"] = "2026-11-24T09:00:00.000Z",
        ["serviceUrl"] = _host.ServiceUrl, ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = "29:1Mallory", ["name"] = "Mallory", ["aadObjectId"] = "cccccccc-1111-4111-8111-cccccccccccc" },
        // A 1:1 chat id belongs to one tenant (the bot refuses a stored conversation named from another tenant).
        ["conversation"] = new JsonObject { ["conversationType"] = "personal", ["tenantId"] = tenant, ["id"] = "a:1mallory-" + tenant },
        ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "LearningBot" },
        ["text"] = text,
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = tenant } },
    };

    [Test]
    public async Task A_teams_tenant_cannot_read_or_vote_on_another_tenants_post_by_id()
    {
        using (var share = await _host.PostAsync("/api/messages", TeamsMessage("tenant-b", $"share where is the vault password? :: {TheirAnswer}").ToJsonString()))
        {
            Assert.That(share.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var postId = await TheirPostIdAsync();
        var votes = await VotesAsync();

        using (var typed = await _host.PostAsync("/api/messages", TeamsMessage("tenant-a", "helped " + postId).ToJsonString()))
        {
            Assert.That((int)typed.StatusCode, Is.LessThan(500));
        }

        var click = TeamsMessage("tenant-a", string.Empty);
        click["type"] = "invoke";
        click["name"] = "adaptiveCard/action";
        click["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "learningbot.command", ["data"] = new JsonObject { ["command"] = "helped " + postId } } };
        using (var clicked = await _host.PostAsync("/api/messages", click.ToJsonString()))
        {
            Assert.That((int)clicked.StatusCode, Is.LessThan(500));
            Assert.That(await clicked.Content.ReadAsStringAsync(), Does.Not.Contain("quokka-42"));
        }

        using (var ask = await _host.PostAsync("/api/messages", TeamsMessage("tenant-a", "ask where is the vault password").ToJsonString()))
        {
            Assert.That(await ask.Content.ReadAsStringAsync(), Does.Not.Contain("quokka-42"));
        }

        Assert.That(await VotesAsync(), Is.EqualTo(votes), "a vote from tenant A reached tenant B's post");
        var shownToA = string.Join("\n", _host.Platform.LogEntries.Where(e => e.RequestMessage.Body?.Contains("\"tenantId\":\"tenant-a\"") == true)
            .Select(e => e.RequestMessage.Body));
        Assert.That(shownToA, Does.Contain("couldn't find").And.Not.Contain("quokka-42"));

        // Control: the same typed command from a colleague in tenant B counts (Mallory shared it there, and an author's vote for
        // their own answer never counts).
        var colleague = TeamsMessage("tenant-b", "helped " + postId);
        colleague["from"] = new JsonObject { ["id"] = "29:1Trent", ["name"] = "Trent", ["aadObjectId"] = "dddddddd-2222-4222-8222-dddddddddddd" };
        colleague["conversation"] = new JsonObject { ["conversationType"] = "personal", ["tenantId"] = "tenant-b", ["id"] = "a:1trent-tenant-b" };
        using (await _host.PostAsync("/api/messages", colleague.ToJsonString())) { }
        Assert.That(await VotesAsync(), Is.GreaterThan(votes));
    }

    [Test]
    public async Task The_playground_cannot_reach_slack_or_teams_data_or_another_playground_team()
    {
        using (await _host.PostSlackAsync("/slack/commands", Command("TB", "UBEA", $"share where is the vault password? :: {TheirAnswer}", "share"))) { }
        var postId = await TheirPostIdAsync();
        var votes = await VotesAsync();

        // A playground team named like the Slack workspace, or like its stored id, is still its own team.
        foreach (var team in new[] { "TB", "slack.TB", "playground", "msteams" })
        {
            foreach (var text in new[] { "helped " + postId, "ask where is the vault password", "who knows vault", "digest", "learned list team all" })
            {
                using var response = await _host.PostAsync("/api/playground", new JsonObject { ["team"] = team, ["user"] = "mallory", ["text"] = text }.ToJsonString());
                var body = await response.Content.ReadAsStringAsync();
                Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
                Assert.That(body, Does.Not.Contain("quokka-42"), $"{team}: {text}");
            }
        }

        // Team names that try to leave the playground namespace are refused outright.
        foreach (var team in new[] { "TB:x", "../TB", "playground:TB", "a b", "", "x\u0000" })
        {
            using var response = await _host.PostAsync("/api/playground", new JsonObject { ["team"] = team, ["user"] = "mallory", ["text"] = "helped " + postId }.ToJsonString());
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), team);
        }

        Assert.That(await VotesAsync(), Is.EqualTo(votes));
    }
}
