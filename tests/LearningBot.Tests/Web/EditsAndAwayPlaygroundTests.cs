using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LearningBot.Tests.Web;

/// <summary><c>away</c>/<c>back</c>, <c>learned undo|edit</c> and <c>share edit|delete</c> through the real host's playground API.</summary>
public sealed class EditsAndAwayPlaygroundTests
{
    private LearningBotWebFactory _factory = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void Start()
    {
        _factory = new LearningBotWebFactory();
        _client = _factory.CreateClient();
    }

    [TearDown]
    public void Stop()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private async Task<JsonElement> SendAsync(string user, string text, bool admin = false)
    {
        var response = await _client.PostAsJsonAsync("/api/playground", new { team = "acme", user, text, admin });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string Text(JsonElement reply) => reply.GetProperty("text").GetString()!;

    [Test]
    public async Task Away_shows_in_me_and_back_ends_it()
    {
        var lastDay = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10);

        var away = Text(await SendAsync("ann", $"away until {lastDay:yyyy-MM-dd}"));
        var me = Text(await SendAsync("ann", "me"));
        var past = Text(await SendAsync("ann", $"away until {lastDay.AddDays(-20):yyyy-MM-dd}"));
        var back = Text(await SendAsync("ann", "back"));

        Assert.That(away, Does.Contain("Away until " + lastDay.ToString("ddd d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(me, Does.Contain("Away until " + lastDay.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(past, Does.Contain("has already passed"));
        Assert.That(back, Does.Contain("Welcome back"));
        Assert.That(Text(await SendAsync("ann", "me")), Does.Not.Contain("Away until"));
    }

    [Test]
    public async Task The_edit_button_carries_the_current_text_and_undo_and_share_edits_work_end_to_end()
    {
        var logged = await SendAsync("ann", "learned how EXPLAIN plans work #postgres 30m");
        var actions = logged.GetProperty("reply").GetProperty("blocks").EnumerateArray()
            .Single(b => b.GetProperty("type").GetString() == "actions").GetProperty("actions").EnumerateArray().ToList();
        var edit = actions.Single(a => a.GetProperty("label").GetString() == "Edit");
        Assert.That(edit.GetProperty("asksFor").GetProperty("initialText").GetString(), Is.EqualTo("how EXPLAIN plans work #postgres 30m"));

        var edited = Text(await SendAsync("ann", edit.GetProperty("command").GetString() + " how EXPLAIN ANALYZE plans work #postgres 30m"));
        var undone = Text(await SendAsync("ann", "learned undo"));
        var list = Text(await SendAsync("ann", "learned list me"));

        Assert.That(edited, Does.Contain("Updated").And.Contain("EXPLAIN ANALYZE"));
        Assert.That(undone, Does.Contain("Took back").And.Contain("EXPLAIN ANALYZE"));
        Assert.That(list, Does.Contain("Nothing logged here yet"));

        var shared = Text(await SendAsync("bo", "share Where is the flamingo runbook? :: In the wiki #ops"));
        var id = shared.Split("share delete ")[1].Split(new[] { ' ', '\n' }, StringSplitOptions.RemoveEmptyEntries)[0];
        var refused = Text(await SendAsync("cy", $"share delete {id}"));
        var byAdmin = Text(await SendAsync("lead", $"share edit {id} Where is the pelican runbook? :: In the ops repo", admin: true));
        var found = Text(await SendAsync("cy", "ask pelican runbook"));

        Assert.That(refused, Does.Contain("Only the person who shared an answer, or a team admin"));
        Assert.That(byAdmin, Does.Contain("Shared answer updated"));
        Assert.That(found, Does.Contain("Where is the pelican runbook?"));
    }
}
