using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace LearningBot.Slack.Tests;

/// <summary>Slash commands through the real host: signed like Slack, answered to a recording fake Slack.</summary>
public sealed class SlackCommandTests
{
    private SlackHost _host = null!;

    [OneTimeSetUp]
    public void Start() => _host = new SlackHost();

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string Team() => "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static string Name() => Guid.NewGuid().ToString("N")[..10];

    private static string AllText(JsonObject message) => SlackHost.Strings(message["blocks"]);

    [Test]
    public async Task Learned_is_acked_fast_and_confirmed_privately_through_response_url()
    {
        _host.StubUser("UANN", "Ann");
        var reply = Name();
        var watch = Stopwatch.StartNew();
        using var ack = await _host.CommandAsync("/learned", "how to read EXPLAIN plans #postgres 30m", _host.ResponseUrl(reply), team: Team());
        var ackTime = watch.Elapsed;

        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ackTime, Is.LessThan(TimeSpan.FromSeconds(3)), "Slack's acknowledgement limit");
        var message = (await _host.WaitForRepliesAsync("/response/" + reply)).Single();
        Assert.That(message["response_type"]!.GetValue<string>(), Is.EqualTo("ephemeral"));
        Assert.That(message["blocks"]![0]!["type"]!.GetValue<string>(), Is.EqualTo("header"));
        Assert.That(message["blocks"]![0]!["text"]!["text"]!.GetValue<string>(), Is.EqualTo("Logged — nice one, Ann!"));
        Assert.That(AllText(message), Does.Contain("how to read EXPLAIN plans"));
        Assert.That(message["text"]!.GetValue<string>(), Does.Contain("#postgres"));
        TestContext.Out.WriteLine($"ack in {ackTime.TotalMilliseconds:F0} ms");
    }

    [Test]
    public async Task Kudos_are_posted_in_the_channel_and_each_receiver_gets_a_dm_once()
    {
        var team = Team();
        var reply = Name();
        var trigger = "1337." + Guid.NewGuid().ToString("N");
        using var ack = await _host.CommandAsync("/kudos", "<@UBO|bo> <@UCY|cy> for walking me through the incident review #mentoring",
            _host.ResponseUrl(reply), team: team, triggerId: trigger);

        var message = (await _host.WaitForRepliesAsync("/response/" + reply)).Single();
        Assert.That(message["response_type"]!.GetValue<string>(), Is.EqualTo("in_channel"));
        Assert.That(AllText(message), Does.Contain("<@UBO>").And.Contain("<@UCY>").And.Contain("<@UANN>"));
        Assert.That(AllText(message), Does.Not.Contain("|bo"));

        var dms = await _host.WaitForCallsAsync("/api/chat.postMessage", 2,
            c => SlackHost.Json(c)["channel"]!.GetValue<string>() is "DUBO" or "DUCY");
        Assert.That(dms.Select(c => SlackHost.Authorization(c)), Has.All.EqualTo("Bearer " + SlackHost.BotToken));
        Assert.That(AllText(SlackHost.Json(dms[0])), Does.Contain("gave you kudos for"));
        var opened = _host.Calls("/api/conversations.open").Select(c => SlackHost.Json(c)["users"]!.GetValue<string>()).ToList();
        Assert.That(opened, Does.Contain("UBO").And.Contain("UCY"));

        // The same payload again (a double submit or a retrying proxy): no second post, no second DM.
        using var again = await _host.CommandAsync("/kudos", "<@UBO|bo> <@UCY|cy> for walking me through the incident review #mentoring",
            _host.ResponseUrl(reply), team: team, triggerId: trigger);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await _host.DrainAsync();
        Assert.That(_host.Replies("/response/" + reply), Has.Count.EqualTo(1));
        Assert.That(_host.Calls("/api/chat.postMessage").Count(c => SlackHost.Json(c)["channel"]!.GetValue<string>() == "DUBO"),
            Is.EqualTo(dms.Count(c => SlackHost.Json(c)["channel"]!.GetValue<string>() == "DUBO")));
    }

    [Test]
    public async Task A_second_kudos_to_the_same_person_reuses_their_dm_instead_of_opening_it_again()
    {
        var team = Team();
        var receiver = "UR" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        foreach (var giver in new[] { "UGA", "UGB" })
        {
            var reply = Name();
            using var ack = await _host.CommandAsync("/kudos", $"<@{receiver}|rx> for the careful review #craft", _host.ResponseUrl(reply),
                team: team, user: giver, userName: giver.ToLowerInvariant());
            Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            await _host.WaitForRepliesAsync("/response/" + reply);
        }

        var dms = await _host.WaitForCallsAsync("/api/chat.postMessage", 2, c => SlackHost.Json(c)["channel"]!.GetValue<string>() == "D" + receiver);
        Assert.That(dms, Has.Count.EqualTo(2), "both kudos reached the receiver's DM");
        Assert.That(_host.Calls("/api/conversations.open").Count(c => SlackHost.Json(c)["users"]!.GetValue<string>() == receiver), Is.EqualTo(1),
            "Slack's answer for the DM is known after the first time");
    }

    [Test]
    public async Task Kudos_to_one_person_whose_dms_overlap_open_their_dm_once()
    {
        var team = Team();
        var receiver = "UR" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        // Slack answering conversations.open slowly (300 ms) makes the three DMs overlap.
        _host.Slack.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/conversations.open").UsingPost()
                .WithBody(new WireMock.Matchers.WildcardMatcher($"*{receiver}*")))
            .AtPriority(1)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithDelay(TimeSpan.FromMilliseconds(300))
                .WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = "D" + receiver } }.ToJsonString()));

        var acks = await Task.WhenAll(new[] { "UGA", "UGB", "UGC" }.Select(giver => _host.CommandAsync("/kudos",
            $"<@{receiver}|rx> for pairing on the migration #craft", _host.ResponseUrl(Name()), team: team, user: giver,
            userName: giver.ToLowerInvariant())));
        var dms = await _host.WaitForCallsAsync("/api/chat.postMessage", 3, c => SlackHost.Json(c)["channel"]!.GetValue<string>() == "D" + receiver);
        await _host.DrainAsync();

        Assert.That(acks.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(dms, Has.Count.EqualTo(3), "every kudos reached the receiver's DM");
        Assert.That(_host.Calls("/api/conversations.open").Count(c => SlackHost.Json(c)["users"]!.GetValue<string>() == receiver), Is.EqualTo(1),
            "one conversations.open for DMs that overlapped");
        foreach (var ack in acks)
        {
            ack.Dispose();
        }
    }

    [Test]
    public async Task Ask_shows_this_helped_buttons_and_the_button_runs_through_the_pipeline()
    {
        var team = Team();
        var shared = Name();
        await _host.CommandAsync("/learnbot", "share How do I rotate the staging keys? :: Run make rotate-keys from the ops repo #ops",
            _host.ResponseUrl(shared), team: team);
        var shareReply = (await _host.WaitForRepliesAsync("/response/" + shared)).Single();
        Assert.That(shareReply["response_type"]!.GetValue<string>(), Is.EqualTo("in_channel"), "a shared answer is announced to the channel");

        var asked = Name();
        await _host.CommandAsync("/ask", "how do we rotate staging keys", _host.ResponseUrl(asked), team: team, user: "UBO", userName: "bo");
        var results = (await _host.WaitForRepliesAsync("/response/" + asked)).Single();
        Assert.That(results["response_type"]!.GetValue<string>(), Is.EqualTo("ephemeral"));
        Assert.That(AllText(results), Does.Contain("rotate the staging keys"));
        var buttons = results["blocks"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "actions")!["elements"]!.AsArray();
        Assert.That(buttons.Select(b => b!["value"]!.GetValue<string>().Split(' ')[0]), Is.EqualTo(new[] { "show", "helped", "notit" }));
        var button = buttons.Single(b => b!["value"]!.GetValue<string>().StartsWith("helped ", StringComparison.Ordinal))!;

        var clicked = Name();
        using var ack = await _host.InteractionAsync(new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = team, ["domain"] = "example" },
            ["user"] = new JsonObject { ["id"] = "UBO", ["username"] = "bo", ["name"] = "bo", ["team_id"] = team },
            ["api_app_id"] = "A123456",
            ["trigger_id"] = "1234." + Guid.NewGuid().ToString("N"),
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
        });

        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var thanks = (await _host.WaitForRepliesAsync("/response/" + clicked)).Single();
        Assert.That(thanks["response_type"]!.GetValue<string>(), Is.EqualTo("ephemeral"));
        Assert.That(AllText(thanks), Does.Contain("Glad it helped").And.Contain("1 person"));
    }

    [Test]
    public async Task Learnbot_runs_any_command_of_the_shared_grammar_and_explains_mistakes()
    {
        var help = Name();
        await _host.CommandAsync("/learnbot", "", _host.ResponseUrl(help), team: Team());
        Assert.That(AllText((await _host.WaitForRepliesAsync("/response/" + help)).Single()), Does.Contain("who knows"));

        var who = Name();
        await _host.CommandAsync("/learnbot", "who knows kubernetes", _host.ResponseUrl(who), team: Team());
        Assert.That((await _host.WaitForRepliesAsync("/response/" + who)).Single()["response_type"]!.GetValue<string>(),
            Is.EqualTo("ephemeral"));

        var team = Team();
        await _host.CommandAsync("/kudos", "<@UBO|bo> for reviewing my first PR", _host.ResponseUrl(Name()), team: team);
        await _host.DrainAsync();
        var top = Name();
        await _host.CommandAsync("/learnbot", "kudos top week", _host.ResponseUrl(top), team: team);
        var board = (await _host.WaitForRepliesAsync("/response/" + top)).Single();
        Assert.That(AllText(board), Does.Contain("<@UBO>").And.Contain("1 kudos"));

        var digest = Name();
        await _host.CommandAsync("/learnbot", "digest", _host.ResponseUrl(digest), team: team);
        Assert.That(AllText((await _host.WaitForRepliesAsync("/response/" + digest)).Single()), Does.Contain("reviewing my first PR"));

        var wrong = Name();
        await _host.CommandAsync("/learnbot", "share no separator here", _host.ResponseUrl(wrong), team: Team());
        var error = (await _host.WaitForRepliesAsync("/response/" + wrong)).Single();
        Assert.That(error["response_type"]!.GetValue<string>(), Is.EqualTo("ephemeral"));
        Assert.That(AllText(error), Does.Contain("::").And.Contain("For example"));
    }

    [Test]
    public async Task Settings_changes_need_a_workspace_admin_as_slack_reports_it()
    {
        var team = Team();
        _host.StubUser("UADMIN", "Ada", isAdmin: true);
        var denied = Name();
        await _host.CommandAsync("/learnbot", "settings budget 8", _host.ResponseUrl(denied), team: team, user: "UPLAIN");
        var allowed = Name();
        await _host.CommandAsync("/learnbot", "settings budget 8", _host.ResponseUrl(allowed), team: team, user: "UADMIN");

        var deniedText = AllText((await _host.WaitForRepliesAsync("/response/" + denied)).Single());
        var allowedText = AllText((await _host.WaitForRepliesAsync("/response/" + allowed)).Single());
        Assert.That(deniedText, Does.Contain("admin"));
        Assert.That(allowedText, Does.Contain("8"));
        Assert.That(allowedText, Is.Not.EqualTo(deniedText));
    }

    [Test]
    public async Task A_bad_signature_gets_401_with_a_reason_and_changes_nothing()
    {
        var team = Team();
        var reply = Name();
        var body = SlackHost.CommandBody("/learned", "secret learning", _host.ResponseUrl(reply), team: team);
        var ts = SlackHost.Now;
        using var forged = await _host.PostSignedAsync("/slack/commands", body, "application/x-www-form-urlencoded", ts,
            SlackHost.Sign(body, ts, "not-the-secret"));
        using var unsigned = await _host.Client.PostAsync("/slack/commands",
            new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await forged.Content.ReadAsStringAsync(), Does.Contain("signature does not match"));
        Assert.That(unsigned.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await unsigned.Content.ReadAsStringAsync(), Does.Contain("missing"));

        // Proof that nothing was stored: the person's list is still empty.
        var list = Name();
        await _host.CommandAsync("/learned", "", _host.ResponseUrl(list), team: team);
        Assert.That(AllText((await _host.WaitForRepliesAsync("/response/" + list)).Single()), Does.Not.Contain("secret learning"));
        Assert.That(_host.Replies("/response/" + reply), Is.Empty);
    }

    [Test]
    public async Task A_stale_timestamp_gets_401_even_when_correctly_signed()
    {
        var reply = Name();
        var body = SlackHost.CommandBody("/learned", "replayed", _host.ResponseUrl(reply), team: Team());
        var old = SlackHost.Now - 301;
        using var response = await _host.PostSignedAsync("/slack/commands", body, "application/x-www-form-urlencoded", old);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("window"));
        await _host.DrainAsync();
        Assert.That(_host.Replies("/response/" + reply), Is.Empty);
    }

    [Test]
    public async Task A_response_url_that_is_not_slacks_is_never_called()
    {
        using var elsewhere = WireMock.Server.WireMockServer.Start();
        using var ack = await _host.CommandAsync("/learnbot", "help", elsewhere.Url + "/steal", team: Team());

        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await _host.DrainAsync();
        Assert.That(elsewhere.LogEntries, Is.Empty);
    }
}
