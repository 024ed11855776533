using System.Text.Json.Nodes;

namespace LearningBot.Slack.Tests;

/// <summary>
/// One file of <c>Fixtures/slack</c>: what a person did in Slack (<c>about</c>), the docs or bug reports its shape comes
/// from (<c>sources</c>), what the bot must do (<c>must</c>) and the requests Slack sends for it, in order. A request
/// is an event envelope (<c>json</c>), a slash command's form fields (<c>form</c>, in Slack's order) or an interaction
/// (<c>payload</c>, sent as Slack does: a form field holding JSON).
/// </summary>
public sealed record SlackFixture(string Name, string About, string Must, IReadOnlyList<SlackFixture.Request> Requests)
{
    /// <summary>The workspace id every fixture uses; each test replaces it with its own, so tests never share data.</summary>
    public const string Team = "T0LEARN1";

    public sealed record Request(string Path, string Body, string ContentType);

    public static IEnumerable<string> Names(string prefix) =>
        Directory.GetFiles(Folder, prefix + "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    private static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "slack");

    /// <param name="team">Replaces <see cref="Team"/> everywhere in the file.</param>
    /// <param name="responseBase">Replaces <c>https://hooks.slack.com</c>, so response_url points at the fake Slack.</param>
    public static SlackFixture Load(string name, string team, string responseBase, params (string From, string To)[] replace)
    {
        var text = File.ReadAllText(Path.Combine(Folder, name + ".json"))
            .Replace(Team, team, StringComparison.Ordinal)
            .Replace("https://hooks.slack.com", responseBase, StringComparison.Ordinal);
        foreach (var (from, to) in replace)
        {
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        var root = JsonNode.Parse(text)!.AsObject();
        var requests = root["requests"]!.AsArray().Select(r => r!.AsObject()).Select(r => r switch
        {
            _ when r["json"] is JsonObject json => new Request(r["path"]!.GetValue<string>(), json.ToJsonString(), "application/json"),
            _ when r["form"] is JsonObject form => new Request(r["path"]!.GetValue<string>(),
                SlackHost.Form(form.Select(f => (f.Key, f.Value!.GetValue<string>())).ToArray()), "application/x-www-form-urlencoded"),
            _ when r["payload"] is JsonObject payload => new Request(r["path"]!.GetValue<string>(),
                SlackHost.Form(("payload", payload.ToJsonString())), "application/x-www-form-urlencoded"),
            _ => throw new InvalidDataException($"{name}: a request needs json, form or payload"),
        }).ToList();
        return new SlackFixture(name, root["about"]!.GetValue<string>(), root["must"]!.GetValue<string>(), requests);
    }

    /// <summary>Sends each request signed as Slack signs it; every one must be acknowledged with a 2xx.</summary>
    public async Task ReplayAsync(SlackHost host, IEnumerable<Request>? requests = null)
    {
        foreach (var request in requests ?? Requests)
        {
            using var response = await host.PostSignedAsync(request.Path, request.Body, request.ContentType);
            Assert.That(response.IsSuccessStatusCode, Is.True, $"{Name}: {request.Path} answered {(int)response.StatusCode}");
        }
    }
}
