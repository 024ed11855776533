using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningBot.Tests.Web;

namespace LearningBot.Tests.Search;

/// <summary>
/// A question with typos whose right answer is shown first must count as answered, as the same question spelled right does (issue 14:
/// "'Write this down next' lists questions whose right answer was shown first" was the bug to fix). Through the real host with the
/// packaged model and a real SQLite file. Today the typo tolerance finds the answer by its corrected words (<c>TypoAlternatives</c>), but
/// "answered" is decided on the cosine of the question <em>as typed</em>: "databse pasword rotaton" scores 0.217 against "How do I
/// rotate the staging database password?" (corrected, "database password rotation" scores 0.767; MiniLM's Answered is 0.62;
/// <c>bench/LearningBot.QuestionCalibration -- --similar MiniLM</c>), so three misspelled askings of a written-down answer are told
/// "has come up 3 times without a written answer" under that very answer, and insights lists them in "write this down next".
/// The decision is in <c>QuestionMatcher</c> and the corrections in <c>SqliteSearchIndex</c> (neither changed on this branch): one fix
/// is for the index to report the corrected words it matched (e.g. on <see cref="LearningBot.Core.Knowledge.SearchHit"/>) and for the
/// confidence to take the better cosine of the question as typed and as corrected.
/// </summary>
[Category("Embeddings")]
public sealed class TypoAnsweredTests
{
    private TempDirectory _directory = null!;
    private LearningBotWebFactory _host = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _directory = new TempDirectory();
        _host = new LearningBotWebFactory(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = _directory.File("typos.db"),
            ["Search:Embeddings:Provider"] = "MiniLM",
            ["Search:Embeddings:PollInterval"] = "00:00:01",
            ["Scheduler:Enabled"] = "false",
        });
        _client = _host.CreateClient();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _host.Dispose();
        _directory.Dispose();
    }

    // Missing, doubled and transposed letters, in 5-7 and 8+ letter words.
    [TestCase("databse pasword rotaton", "rotatte the stagging databbase passsword", "how do I rotate the stagign databse password")]
    [TestCase("how do I conect to the vpn from linnux", "conecting to the vpn on linux", "vpn conection from a linux laptop")]
    public async Task Misspelled_askings_whose_answer_is_shown_first_are_answered(string first, string second, string third)
    {
        var team = "typos" + TestContext.CurrentContext.Test.ID;
        await SendAsync(team, "ann", "share How do I rotate the staging database password? :: Run make rotate-db-password ENV=staging from the ops repo #databases");
        await SendAsync(team, "ann", "share How do I connect to the VPN from Linux? :: Install openconnect, then sign in with SSO #vpn");

        var replies = new List<string>();
        foreach (var (user, question) in new[] { ("bo", first), ("cy", second), ("dee", third) })
        {
            replies.Add(await SendAsync(team, user, "ask " + question));
        }

        var expected = first.Contains("vpn", StringComparison.Ordinal) ? "How do I connect to the VPN from Linux?" : "How do I rotate the staging database password?";
        Assert.That(replies, Has.All.StartsWith("What the team wrote about"), string.Join("\n---\n", replies));
        Assert.That(replies.Select(FirstResult), Has.All.StartsWith(expected), "the right answer is shown first each time");
        Assert.That(replies[2], Does.Not.Contain("without a written answer"), replies[2]);
        var insights = await SendAsync(team, "ann", "insights");
        Assert.That(insights, Does.Contain("3 asked · 3 found an answer").And.Not.Contain("Write this down next"), insights);
    }

    private static string FirstResult(string reply) =>
        reply.Split('\n').FirstOrDefault(l => l.StartsWith("• ", StringComparison.Ordinal))?[2..] ?? "";

    private async Task<string> SendAsync(string team, string user, string text)
    {
        var response = await _client.PostAsJsonAsync("/api/playground", new { team, user, text });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString()!;
    }
}
