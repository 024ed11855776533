using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Web;

/// <summary>The playground API through the real host, pipeline and SQLite file.</summary>
public sealed class PlaygroundApiTests
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

    private async Task<JsonElement> SendAsync(string user, string text, string team = "acme", string? messageId = null)
    {
        var response = await _client.PostAsJsonAsync("/api/playground", new { team, user, text, messageId });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Test]
    public async Task Inline_kudos_a_second_delivery_and_the_givers_board_work_in_the_playground()
    {
        await SendAsync("bo", "learned nothing yet"); // the team has met bo
        var inline = await SendAsync("ann", "@bo ++ for the incident write-up", messageId: "m-1");
        var again = await SendAsync("ann", "@bo ++ for the incident write-up", messageId: "m-1");
        var chatter = await SendAsync("ann", "@bo can you review my PR?");
        var board = await SendAsync("ann", "kudos top givers here");

        Assert.That(inline.GetProperty("text").GetString(), Does.Contain("Kudos to @bo"));
        Assert.That(inline.GetProperty("reply").GetProperty("isQuiet").GetBoolean(), Is.True);
        Assert.That(inline.GetProperty("directMessages")[0].GetProperty("text").GetString(), Does.Contain("@ann gave you kudos for the incident write-up"));
        Assert.That(again.GetProperty("redelivery").GetBoolean(), Is.True);
        Assert.That(chatter.GetProperty("reply").GetProperty("kind").GetString(), Is.EqualTo("error"), "an unknown command, as before: nothing given");
        Assert.That(board.GetProperty("text").GetString(), Does.Contain("Kudos givers this week in this channel").And.Contain("@ann"));
        var gifts = await _factory.Services.GetRequiredService<LearningBot.Core.Kudos.IKudosRepository>()
            .ListSinceAsync("playground:acme", DateTimeOffset.MinValue, 10, default);
        Assert.That((gifts.Single().ReceiverIds.Single(), gifts.Single().ChannelId), Is.EqualTo(("bo", "general")));
    }

    [Test]
    public async Task Learned_kudos_share_ask_flow_runs_end_to_end()
    {
        var learned = await SendAsync("ann", "learned how EXPLAIN plans work #postgres 30m");
        await SendAsync("bo", "learned the planner prefers index scans on small ranges #postgres"); // the team has met bo
        var kudos = await SendAsync("ann", "kudos @bo for walking me through the incident review #mentoring");
        var share = await SendAsync("bo", "share How do I read an EXPLAIN plan? :: Start at the innermost node and read outwards #postgres");
        var ask = await SendAsync("cy", "ask explain plan");

        Assert.That(learned.GetProperty("text").GetString(), Does.Contain("Logged — nice one, ann!"));
        Assert.That(learned.GetProperty("reply").GetProperty("kind").GetString(), Is.EqualTo("confirmation"));
        Assert.That(learned.GetProperty("reply").GetProperty("audience").GetString(), Is.EqualTo("requester"));

        Assert.That(kudos.GetProperty("text").GetString(), Does.Contain("@ann gave kudos to @bo"));
        Assert.That(kudos.GetProperty("reply").GetProperty("audience").GetString(), Is.EqualTo("channel"));
        var dm = kudos.GetProperty("directMessages")[0];
        Assert.That(dm.GetProperty("to").GetString(), Is.EqualTo("bo"));
        Assert.That(dm.GetProperty("text").GetString(), Does.Contain("@ann gave you kudos"));
        var mention = kudos.GetProperty("reply").GetProperty("blocks")[1].GetProperty("text").GetProperty("spans")[0];
        Assert.That(mention.GetProperty("type").GetString(), Is.EqualTo("mention"));
        Assert.That(mention.GetProperty("userId").GetString(), Is.EqualTo("ann"));

        Assert.That(share.GetProperty("text").GetString(), Does.Contain("Shared answer saved"));

        var askText = ask.GetProperty("text").GetString();
        Assert.That(askText, Does.Contain("How do I read an EXPLAIN plan? — Start at the innermost node"));
        Assert.That(askText, Does.Contain("Learned by ann"));
        var blocks = ask.GetProperty("reply").GetProperty("blocks").EnumerateArray().ToList();
        Assert.That(blocks.Select(b => b.GetProperty("type").GetString()), Does.Contain("list").And.Contain("actions"));
    }

    // Issue 14's example, through the host: every word of the question misspelled (SqliteSearchIndex + TypoAlternatives).
    [Test]
    public async Task Ask_with_a_typo_in_every_word_finds_the_shared_answer()
    {
        await SendAsync("ann", "share How do I rotate the staging database password? :: Run make rotate-db in the ops repo #ops");
        await SendAsync("bo", "share Where are the staging logs? :: In Grafana, datasource Loki #ops");

        var ask = await SendAsync("cy", "ask databse pasword rotaton");

        Assert.That(ask.GetProperty("text").GetString(), Does.Contain("How do I rotate the staging database password? — Run make rotate-db"));
        Assert.That(ask.GetProperty("text").GetString(), Does.Not.Contain("Where are the staging logs?"));
    }

    [Test]
    public async Task The_flow_is_stored_in_the_configured_sqlite_file()
    {
        await SendAsync("ann", "learned WAL mode keeps readers going #sqlite");

        await using var connection = new SqliteConnection($"Data Source={_factory.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT team_id, user_id, text, tags FROM learnings";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.That(reader.GetString(0), Is.EqualTo("playground:acme"));
        Assert.That(reader.GetString(1), Is.EqualTo("ann"));
        Assert.That(reader.GetString(2), Is.EqualTo("WAL mode keeps readers going"));
        Assert.That(reader.GetString(3), Is.EqualTo("sqlite"));
    }

    [Test]
    public async Task A_repeated_message_id_has_no_second_effect()
    {
        await SendAsync("bo", "help");
        var first = await SendAsync("ann", "kudos @bo for the review", messageId: "m-1");
        var again = await SendAsync("ann", "kudos @bo for the review", messageId: "m-1");
        var board = await SendAsync("ann", "kudos top");

        Assert.That(first.GetProperty("redelivery").GetBoolean(), Is.False);
        Assert.That(again.GetProperty("redelivery").GetBoolean(), Is.True);
        Assert.That(board.GetProperty("text").GetString(), Does.Contain("@bo (1 kudos from 1 person)"));
    }

    [Test]
    public async Task One_team_never_sees_another_teams_answers()
    {
        await SendAsync("mallory", "share Where is the payroll export? :: s3://globex-payroll/exports", team: "globex");

        var ask = await SendAsync("ann", "ask payroll export", team: "acme");

        Assert.That(ask.GetProperty("text").GetString(), Does.Contain("Nothing written down about that yet"));
        Assert.That(ask.GetProperty("text").GetString(), Does.Not.Contain("globex-payroll"));
    }

    [Test]
    public async Task A_bad_command_is_a_friendly_reply_not_an_http_error()
    {
        var reply = await SendAsync("ann", "kudos for nothing");

        Assert.That(reply.GetProperty("reply").GetProperty("kind").GetString(), Is.EqualTo("error"));
        Assert.That(reply.GetProperty("text").GetString(), Does.Contain("Mention the people you're thanking"));
        Assert.That(reply.GetProperty("text").GetString(), Does.Contain("For example: kudos @bo for"));
    }

    [TestCase("{\"team\":\"\",\"user\":\"ann\",\"text\":\"help\"}", "team")]
    [TestCase("{\"team\":\"acme\",\"user\":\"a b\",\"text\":\"help\"}", "user")]
    [TestCase("{\"team\":\"acme\",\"user\":\"ann\"}", "text")]
    [TestCase("{\"team\":\"acme\",\"user\":\"ann\",\"text\":\"help\",\"messageId\":\"\"}", "messageId")]
    public async Task Invalid_requests_get_400_with_the_reason(string body, string field)
    {
        var response = await _client.PostAsync("/api/playground", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }

    [TestCase("{not json", "not valid JSON")]
    [TestCase("{\"team\":\"acme\",\"user\":\"ann\",\"text\":\"help\"", "not valid JSON")] // cut off
    [TestCase("{\"team\":\"acme\",\"user\":42,\"text\":\"help\"}", "not valid JSON")] // a number where a string belongs
    [TestCase("[1,2]", "not valid JSON")]
    public async Task Malformed_json_gets_400_with_the_reason(string body, string reason)
    {
        var response = await _client.PostAsync("/api/playground", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(reason), problem.ToString());
    }

    [Test]
    public async Task Malformed_json_gets_its_reason_in_production_too()
    {
        using var factory = new LearningBotWebFactory(new Dictionary<string, string?> { ["Playground:Enabled"] = "true" }, environment: "Production");
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/api/playground", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.That(factory.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>().EnvironmentName, Is.EqualTo("Production"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body, Does.Contain("not valid JSON"));
    }

    [TestCase("me")]
    [TestCase("insights")]
    [TestCase("export me")]
    public async Task A_private_link_is_absolute_from_the_request_and_its_token_is_not_in_the_text(string command)
    {
        var reply = await SendAsync("ann", command);

        var link = reply.GetProperty("reply").GetProperty("blocks").EnumerateArray()
            .SelectMany(b => b.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.Object ? t.GetProperty("spans").EnumerateArray() : [])
            .Single(s => s.GetProperty("type").GetString() == "link");
        Assert.That(link.GetProperty("url").GetString(), Does.StartWith("http://localhost/").And.Contain("token="));
        Assert.That(reply.GetProperty("text").GetString(), Does.Not.Contain("token="));
    }

    [Test]
    public async Task In_production_a_private_link_never_comes_from_the_host_header()
    {
        using var factory = new LearningBotWebFactory(new Dictionary<string, string?> { ["Playground:Enabled"] = "true" }, environment: "Production");
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/playground")
        {
            Content = JsonContent.Create(new { team = "acme", user = "ann", text = "me" }),
        };
        request.Headers.Host = "attacker.example";

        var reply = await (await client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(factory.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>().EnvironmentName, Is.EqualTo("Production"));
        var url = reply.GetProperty("reply").GetProperty("blocks").EnumerateArray()
            .SelectMany(b => b.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.Object ? t.GetProperty("spans").EnumerateArray() : [])
            .Single(s => s.GetProperty("type").GetString() == "link").GetProperty("url").GetString();
        Assert.That(url, Does.StartWith("/dashboard/signin?token="));
        Assert.That(reply.GetProperty("text").GetString(), Does.Not.Contain("token=").And.Not.Contain("attacker"));
    }

    [Test]
    public async Task A_name_never_seen_is_confirmed_before_anything_is_stored()
    {
        await SendAsync("dan", "learned how retries need jitter #resilience");

        var typo = await SendAsync("ann", "kudos @dann for the retry review");
        var budget = await SendAsync("ann", "kudos top");
        var confirmed = await PostAsync(new { team = "acme", user = "ann", text = "kudos @dann for the retry review", newPeople = new[] { "Dann" } });

        Assert.That(typo.GetProperty("unknownPeople").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "dann" }));
        Assert.That(typo.GetProperty("text").GetString(), Does.Contain("I haven't met @dann in acme yet").And.Contain("Did you mean @dan?"));
        Assert.That(typo.GetProperty("directMessages").GetArrayLength(), Is.EqualTo(0));
        Assert.That(budget.GetProperty("text").GetString(), Does.Not.Contain("@dann"), "nothing was stored for the unconfirmed name");
        Assert.That(confirmed.GetProperty("unknownPeople").GetArrayLength(), Is.EqualTo(0));
        Assert.That(confirmed.GetProperty("text").GetString(), Does.Contain("@ann gave kudos to @dann"));
    }

    [Test]
    public async Task Mentioning_yourself_or_people_the_team_knows_needs_no_confirmation()
    {
        await SendAsync("bo", "learned flame graphs #perf");

        var reply = await SendAsync("ann", "learned pairing with @bo and @ann on flame graphs #perf");

        Assert.That(reply.GetProperty("unknownPeople").GetArrayLength(), Is.EqualTo(0));
        Assert.That(reply.GetProperty("text").GetString(), Does.Contain("Logged"));
    }

    private async Task<JsonElement> PostAsync(object body)
    {
        var response = await _client.PostAsJsonAsync("/api/playground", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Test]
    public async Task People_and_teams_are_case_insensitive_and_a_mention_does_not_rename_anyone()
    {
        await SendAsync("Bo", "learned how to read a flame graph #perf");
        await SendAsync("ann", "kudos @bo for the profiling session");
        await SendAsync("ann", "kudos @BO for the flame graph walkthrough");
        var board = await SendAsync("cy", "kudos top", team: "ACME");

        var text = board.GetProperty("text").GetString();
        Assert.That(text, Does.Contain("@Bo (2 kudos from 1 person)"), text);
        Assert.That(text, Does.Not.Contain("@BO").And.Not.Contain("@bo "), text);
    }

    [Test]
    public async Task The_page_and_health_are_served()
    {
        var page = await _client.GetStringAsync("/");
        var health = await _client.GetFromJsonAsync<JsonElement>("/health");
        var live = await _client.GetAsync("/health/live");

        Assert.That(page, Does.Contain("LearningBot"));
        Assert.That(page, Does.Contain("playground.js"));
        Assert.That(health.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        Assert.That(health.GetProperty("storage").GetString(), Does.StartWith("SQLite schema v"));
        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}

/// <summary>The scheduler running inside the real host: a prompt posted to the playground feed, answered in its thread.</summary>
public sealed class PlaygroundPromptTests
{
    [Test]
    public async Task A_prompt_posted_now_appears_in_the_feed_and_thread_answers_are_collected()
    {
        using var factory = new LearningBotWebFactory(new Dictionary<string, string?> { ["Scheduler:PollInterval"] = "00:00:00.100" });
        var client = factory.CreateClient();
        async Task<JsonElement> Send(object body)
        {
            var response = await client.PostAsJsonAsync("/api/playground", body);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var refused = await Send(new { team = "acme", user = "ann", text = "prompt set mon,thu 09:30 Europe/Berlin" });
        await Send(new { team = "acme", user = "lead", text = "prompt set mon,thu 09:30 Europe/Berlin \"What did you learn?\"", admin = true });
        await Send(new { team = "acme", user = "lead", text = "prompt now", admin = true });

        JsonElement prompt = default;
        for (var i = 0; i < 100 && prompt.ValueKind == JsonValueKind.Undefined; i++)
        {
            var feed = await client.GetFromJsonAsync<JsonElement>("/api/playground/feed?team=acme&after=0");
            prompt = feed.EnumerateArray().FirstOrDefault();
            await Task.Delay(50);
        }

        Assert.That(refused.GetProperty("text").GetString(), Does.Contain("Only team admins"));
        Assert.That(prompt.ValueKind, Is.EqualTo(JsonValueKind.Object), "the prompt never reached the feed");
        Assert.That(prompt.GetProperty("text").GetString(), Does.Contain("What did you learn?"));
        Assert.That(prompt.GetProperty("reply").GetProperty("kind").GetString(), Is.EqualTo("prompt"));

        var answer = await Send(new { team = "acme", user = "bo", text = "retries need jitter #resilience", threadId = prompt.GetProperty("id").GetString() });
        var notAPrompt = await Send(new { team = "acme", user = "bo", text = "hello", threadId = "pg-999" });
        var otherTeam = await client.GetFromJsonAsync<JsonElement>("/api/playground/feed?team=globex&after=0");
        var digest = await Send(new { team = "acme", user = "bo", text = "learned list team" });

        Assert.That(answer.GetProperty("text").GetString(), Does.Contain("Added to the learning minute — thanks, bo!"));
        Assert.That(notAPrompt.GetProperty("text").GetString(), Does.Contain("isn't a learning-minute prompt"));
        Assert.That(otherTeam.GetArrayLength(), Is.EqualTo(0));
        Assert.That(digest.GetProperty("text").GetString(), Does.Contain("retries need jitter #resilience"));
    }
}
