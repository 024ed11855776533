using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningBot.Tests.Web;

namespace LearningBot.Tests.Knowledge;

/// <summary>
/// Repeated questions counted through the real host (playground API, the packaged MiniLM model, a real SQLite file) while the
/// recent questions' vectors come from memory (<c>QuestionVectors</c>): paraphrases still count once each, a forgotten asker's
/// questions stop counting at once, and another team's identical questions never count.
/// </summary>
[Category("Embeddings")]
public sealed class RecentQuestionGroupsHostTests
{
    private LearningBotWebFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _factory = new LearningBotWebFactory(new Dictionary<string, string?>
        {
            ["Search:Embeddings:Provider"] = "MiniLM",
            ["Scheduler:Enabled"] = "false",
        });
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private async Task<string> TextAsync(string team, string user, string text)
    {
        var response = await _client.PostAsJsonAsync("/api/playground", new { team, user, text, admin = false });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString()!;
    }

    [Test]
    public async Task A_forgotten_askers_paraphrase_stops_counting_at_once_and_the_rest_still_count()
    {
        const string team = "warehouse";
        await TextAsync(team, "ann", "ask how can I get access to the analytics warehouse");
        await TextAsync(team, "bo", "ask who grants warehouse access");
        var third = await TextAsync(team, "cy", "ask getting permissions for the data warehouse");
        Assert.That(third, Does.Contain("has come up 3 times"), third);

        var forgotten = await TextAsync(team, "bo", "forget me keep-answers");
        Assert.That(forgotten, Does.Not.Contain("went wrong"), forgotten);

        // ann, cy and now dee: bo's question (and its vector, held in memory since the last ask) no longer counts.
        var fourth = await TextAsync(team, "dee", "ask how can I get access to the analytics warehouse?");
        Assert.That(fourth, Does.Contain("has come up 3 times"), fourth);
        Assert.That(fourth, Does.Contain("most often as \"how can I get access to the analytics warehouse"), fourth);
    }

    [Test]
    public async Task The_same_question_in_another_team_never_counts()
    {
        await TextAsync("team-a", "ann", "ask how do we rotate the staging database password");
        await TextAsync("team-a", "bo", "ask how do we rotate the staging database password");
        var otherTeam = await TextAsync("team-b", "cy", "ask how do we rotate the staging database password");
        var third = await TextAsync("team-a", "cy", "ask how do we rotate the staging database password");

        Assert.That(otherTeam, Does.Not.Contain("has come up"), otherTeam);
        Assert.That(third, Does.Contain("has come up 3 times"), third);
    }
}
