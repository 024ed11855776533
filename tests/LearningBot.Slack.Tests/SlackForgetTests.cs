using System.Net;
using System.Text.Json.Nodes;

namespace LearningBot.Slack.Tests;

/// <summary>
/// Issue 12, item 2, through the real host: "forget me" in one workspace deletes only that person's delivery records there.
/// Slack user ids are per workspace, so the same id in two workspaces is two people; a button click records
/// <c>action:&lt;user&gt;:&lt;action_ts&gt;</c>, the one Slack delivery id that names its user.
/// </summary>
public sealed class SlackForgetTests
{
    private SlackHost _host = null!;

    [OneTimeSetUp]
    public void Start() => _host = new SlackHost();

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string Team() => "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static string Name() => Guid.NewGuid().ToString("N")[..10];

    [Test]
    public async Task Forgetting_a_user_in_one_workspace_leaves_another_workspaces_button_redelivery_recognised()
    {
        var (first, second) = (Team(), Team());
        _host.StubUser("UANN", "Ann");
        _host.StubUser("UBO", "Bo");
        await _host.CommandAsync("/learnbot", "share How do I rotate the staging keys? :: Run make rotate-keys #ops", _host.ResponseUrl(Name()),
            team: first);
        var asked = Name();
        await _host.CommandAsync("/ask", "how do we rotate staging keys", _host.ResponseUrl(asked), team: first, user: "UBO", userName: "bo");
        var results = (await _host.WaitForRepliesAsync("/response/" + asked)).Single();
        var button = results["blocks"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "actions")!["elements"]!.AsArray()
            .Single(b => b!["value"]!.GetValue<string>().StartsWith("helped ", StringComparison.Ordinal))!;
        var clicked = Name();
        JsonObject Click() => new()
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = first, ["domain"] = "example" },
            ["user"] = new JsonObject { ["id"] = "UBO", ["username"] = "bo", ["name"] = "bo", ["team_id"] = first },
            ["api_app_id"] = "A123456",
            ["trigger_id"] = "1234.5678.abcdef",
            ["container"] = new JsonObject { ["type"] = "message", ["is_ephemeral"] = true },
            ["channel"] = new JsonObject { ["id"] = "C0001", ["name"] = "general" },
            ["response_url"] = _host.ResponseUrl(clicked),
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_id"] = button["action_id"]!.GetValue<string>(),
                ["block_id"] = "b1",
                ["type"] = "button",
                ["value"] = button["value"]!.GetValue<string>(),
                ["action_ts"] = "1700000000.000100",
            }),
        };
        using (var ack = await _host.InteractionAsync(Click()))
        {
            Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await _host.WaitForRepliesAsync("/response/" + clicked);

        // The same user id in another workspace forgets themselves; then Slack (or a proxy) resends the first click.
        var forgot = Name();
        await _host.CommandAsync("/learnbot", "forget me keep-answers", _host.ResponseUrl(forgot), team: second, user: "UBO", userName: "bo");
        await _host.WaitForRepliesAsync("/response/" + forgot);
        using (var resent = await _host.InteractionAsync(Click()))
        {
            Assert.That(resent.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await _host.DrainAsync();
        Assert.That(_host.Replies("/response/" + clicked), Has.Count.EqualTo(1), "the resent click is a redelivery in the first workspace");
    }
}
