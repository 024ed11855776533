using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LearningBot.Tests.Web;

/// <summary>
/// The web views derived from learnings (team dashboard data, team export, personal page), through the real host:
/// a <c>learned --private</c> entry counts only in the anonymous totals, and only its author sees it.
/// </summary>
public sealed class PrivateLearningWebTests
{
    private const string Team = "playground:acme";
    private LearningBotWebFactory _factory = null!;

    [SetUp]
    public async Task Start()
    {
        _factory = new LearningBotWebFactory(new Dictionary<string, string?>
        {
            ["Dashboard:SigningKey"] = "test-signing-key-0123456789abcdef0123456789",
            ["Scheduler:Enabled"] = "false",
        });
        var client = Browser();
        // Words, tag and minutes that appear nowhere else.
        await SendAsync(client, "ann", "learned --private quokka husbandry rota #zebrafish 47m");
        await SendAsync(client, "ann", "learned how terraform import works #terraform 10m");
        await SendAsync(client, "bo", "learned ansible facts caching #ansible 30m");
    }

    [TearDown]
    public void Stop() => _factory.Dispose();

    private HttpClient Browser() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<JsonElement> SendAsync(HttpClient client, string user, string text, bool admin = false)
    {
        var response = await client.PostAsJsonAsync("/api/playground", new { team = "acme", user, text, admin });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string LinkIn(JsonElement reply) => reply.GetProperty("reply").GetProperty("blocks").EnumerateArray()
        .SelectMany(b => b.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.Object
            ? text.GetProperty("spans").EnumerateArray() : Enumerable.Empty<JsonElement>())
        .First(s => s.GetProperty("type").GetString() == "link").GetProperty("url").GetString()!;

    /// <summary>A browser signed in as <paramref name="user"/> through the private link of an <c>insights</c> reply.</summary>
    private async Task<HttpClient> SignedInAsync(string user)
    {
        var client = Browser();
        var signIn = await client.GetAsync(LinkIn(await SendAsync(client, user, "insights")));
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        return client;
    }

    private static void AssertNothingOfThePrivateLearning(string text)
    {
        Assert.That(text, Does.Not.Contain("quokka").IgnoreCase);
        Assert.That(text, Does.Not.Contain("zebrafish").IgnoreCase);
        Assert.That(text, Does.Not.Contain("47m"));
    }

    [Test]
    public async Task Dashboard_data_counts_a_private_learning_but_shows_neither_its_tag_nor_its_minutes([Values(true, false)] bool names)
    {
        foreach (var user in new[] { "bo", "ann" }) // a team view: the same for the author
        {
            var client = await SignedInAsync(user);

            var model = await client.GetFromJsonAsync<JsonElement>($"/api/dashboard/{Team}?names={names.ToString().ToLowerInvariant()}");

            var week = model.GetProperty("weeks").EnumerateArray().Last();
            Assert.That((week.GetProperty("learnings").GetInt32(), week.GetProperty("participants").GetInt32()), Is.EqualTo((3, 2)),
                "the anonymous totals count it");
            Assert.That(week.GetProperty("minutesLogged").GetInt32(), Is.EqualTo(40), "10m + 30m: private minutes are the author's alone");
            var tags = model.GetProperty("topTagsThisMonth").EnumerateArray().ToList();
            Assert.That(tags.Select(t => t.GetProperty("tag").GetString()), Is.EquivalentTo(new[] { "terraform", "ansible" }));
            Assert.That(tags.Select(t => t.GetProperty("count").GetInt32()), Is.All.EqualTo(1));
            Assert.That(model.GetProperty("weeks").EnumerateArray().Sum(w => w.GetProperty("minutesLogged").GetInt32()), Is.EqualTo(40));
            AssertNothingOfThePrivateLearning(model.GetRawText());
        }
    }

    [Test]
    public async Task Team_export_leaves_private_learnings_out_and_the_authors_own_export_keeps_them()
    {
        var client = Browser();
        var team = await client.GetStringAsync(LinkIn(await SendAsync(client, "boss", "export team", admin: true)));
        var annsOwn = await client.GetStringAsync(LinkIn(await SendAsync(client, "ann", "export me")));

        AssertNothingOfThePrivateLearning(team);
        Assert.That(team, Does.Contain("how terraform import works").And.Contain("ansible facts caching"));
        Assert.That(team.Split("\r\n", StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3), "a header and two shared learnings");
        Assert.That(annsOwn, Does.Contain("quokka husbandry rota").And.Contain("zebrafish"));
    }

    [Test]
    public async Task The_personal_page_shows_a_private_learning_to_its_author_only()
    {
        var ann = await (await SignedInAsync("ann")).GetFromJsonAsync<JsonElement>("/api/me");
        var bo = await (await SignedInAsync("bo")).GetFromJsonAsync<JsonElement>("/api/me");

        Assert.That(ann.GetProperty("reply").GetRawText(), Does.Contain("2 in all").And.Contain("(1 private)").And.Contain("57m"));
        Assert.That(bo.GetProperty("reply").GetRawText(), Does.Contain("1 in all").And.Contain("30m"));
        AssertNothingOfThePrivateLearning(bo.GetProperty("reply").GetRawText());
        Assert.That(bo.GetProperty("reply").GetRawText(), Does.Not.Contain("private)"));
    }
}
