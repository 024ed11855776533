using System.Text.Json.Nodes;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Logging;
using WireMock.RequestBuilders;

namespace LearningBot.Slack.Tests;

/// <summary>
/// Real-shaped Slack payloads (Fixtures/slack/*.json, written from Slack's docs and public bug reports) replayed through
/// the real host, signed as Slack signs them, each with what it must do (issue 12 item 6, issue 13 items 1, 2, 4, 5).
/// </summary>
public sealed class SlackFixtureTests
{
    private const string Question = "What has someone learned this week?";
    private SlackHost _host = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _host = new SlackHost(new Dictionary<string, string?> { ["Scheduler:PollInterval"] = "00:00:00.100" });
        _host.StubUser("U0ANN", "Ann");
        _host.StubUser("U0BO", "Bo");
        _host.StubUser("U0CY", "Cy");
        _host.StubUser("U0BOSS", "Boss", isAdmin: true);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private SlackFixture Load(string name, string team, params (string From, string To)[] replace) =>
        SlackFixture.Load(name, team, _host.Slack.Url + "/response", replace);

    private static Func<ILogEntry, bool> To(string channel) => c => SlackHost.Json(c)["channel"]?.GetValue<string>() == channel;

    private static Func<ILogEntry, bool> Saying(string text) => c => SlackHost.Strings(SlackHost.Json(c)).Contains(text, StringComparison.Ordinal);

    private T Service<T>() where T : notnull => _host.Factory.Services.GetRequiredService<T>();

    private Task<IReadOnlyList<LearningEntry>> LearningsAsync(string team, string user) =>
        Service<ILearningRepository>().ListAsync(new LearningQuery(team, user, null, 20) { IncludePrivate = true }, default);

    private Task<IReadOnlyList<KudosGift>> KudosReceivedAsync(string team, string user) =>
        Service<IKudosRepository>().ListReceivedAsync(team, user, 20, default);

    /// <summary>An admin sets the channel's prompt and posts it now; the fake Slack gives the post <paramref name="promptTs"/>.</summary>
    private async Task StartPromptAsync(string team, string channel, string promptTs)
    {
        _host.Slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()
                .WithBody(b => b != null && b.Contains(channel, StringComparison.Ordinal) && b.Contains(Question, StringComparison.Ordinal)))
            .AtPriority(5).RespondWith(SlackHost.OkJson(new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = promptTs }));
        var set = Unique("set");
        await _host.CommandAsync("/learnbot", $"prompt set mon-fri 09:30 \"{Question}\"", _host.ResponseUrl(set), team, "U0BOSS", "boss", channel);
        await _host.WaitForRepliesAsync("/response/" + set);
        await _host.CommandAsync("/learnbot", "prompt now", _host.ResponseUrl(Unique("now")), team, "U0BOSS", "boss", channel);
        await OutboxFile.WaitForPromptRowAsync(_host.DatabasePath, $"state = 'Sent' AND platform_message_id = '{promptTs}'");
    }

    // ---- issue 12.6: a typed <@U…> is text, on every input path ----

    [Test]
    public async Task A_typed_mention_in_a_slash_command_is_text_and_only_the_real_mention_gets_kudos()
    {
        var team = Unique("T");
        var fixture = Load("command-kudos-typed-mention", team);
        await fixture.ReplayAsync(_host);
        await _host.DrainAsync();

        var gift = (await KudosReceivedAsync(team, "U0BO")).Single();
        Assert.That(gift.ReceiverIds, Is.EqualTo(new[] { "U0BO" }), fixture.Must);
        Assert.That(gift.Reason, Does.Contain("why @U0CY> shows up raw"));
        Assert.That(await KudosReceivedAsync(team, "U0CY"), Is.Empty);
        Assert.That(_host.Calls("/api/conversations.open").Count(c => c.RequestMessage.Body!.Contains("U0CY", StringComparison.Ordinal)), Is.Zero,
            "no DM to someone who was never mentioned");
    }

    [Test]
    public async Task A_typed_mention_in_a_dm_is_not_a_mention_so_the_kudos_is_refused()
    {
        var team = Unique("T");
        var fixture = Load("event-dm-typed-mention", team);
        await fixture.ReplayAsync(_host);

        var reply = (await _host.WaitForCallsAsync("/api/chat.postMessage", where: To("D0ANNDM1"))).Last();
        await _host.DrainAsync();
        Assert.That(SlackHost.Strings(SlackHost.Json(reply)["blocks"]), Does.Contain("Mention the people you're thanking"), fixture.Must);
        Assert.That(await KudosReceivedAsync(team, "U0CY"), Is.Empty);
    }

    [Test]
    public async Task A_typed_mention_in_an_app_mention_is_text()
    {
        var team = Unique("T");
        var channel = Unique("C");
        var fixture = Load("event-app-mention-typed-mention", team, ("C0MENTN1", channel));
        await fixture.ReplayAsync(_host);
        await _host.WaitForCallsAsync("/api/chat.postMessage", where: To(channel));
        await _host.DrainAsync();

        var gift = (await KudosReceivedAsync(team, "U0BO")).Single();
        Assert.That(gift.ReceiverIds, Is.EqualTo(new[] { "U0BO" }), fixture.Must);
        Assert.That(gift.Reason, Is.EqualTo("pairing & showing me why @U0CY> breaks the parser"));
    }

    [Test]
    public async Task A_typed_mention_in_the_kudos_form_reason_is_text_only_the_picked_person_gets_kudos()
    {
        var team = Unique("T");
        var channel = Unique("C");
        var fixture = Load("interaction-kudos-modal-typed-mention", team, ("C0MODAL1", channel), ("V0KUDOSFORM1", Unique("V")));
        await fixture.ReplayAsync(_host);
        await _host.WaitForCallsAsync("/api/chat.postMessage", where: To(channel));
        await _host.DrainAsync();

        var gift = (await KudosReceivedAsync(team, "U0BO")).Single();
        Assert.That(gift.ReceiverIds, Is.EqualTo(new[] { "U0BO" }), fixture.Must);
        Assert.That(gift.Reason, Does.Contain("that @U0CY> in a text box"));
        Assert.That(await KudosReceivedAsync(team, "U0CY"), Is.Empty);
    }

    [Test]
    public async Task The_share_shortcut_form_shows_mentions_as_names_and_typed_text_as_typed()
    {
        var team = Unique("T");
        var trigger = Unique("5870512781800.");
        var fixture = Load("interaction-share-shortcut-mentions", team, ("5870512781800.4417390261.0f1e2d3c4b5a69788796a5b4c3d2e1f0", trigger));
        await fixture.ReplayAsync(_host);

        var open = SlackHost.Json((await _host.WaitForCallsAsync("/api/views.open",
            where: c => SlackHost.Json(c)["trigger_id"]?.GetValue<string>() == trigger)).Single());
        var answer = open["view"]!["blocks"]![1]!["element"]!["initial_value"]!.GetValue<string>();
        Assert.That(answer, Is.EqualTo("Ask @cy for the dashboard; if a log shows @U0CY> the escaping is off"), fixture.Must);
    }

    // ---- issue 13.1: one mention delivered as message + app_mention, in either order ----

    [TestCase(false, false, TestName = "A mention in a prompt's thread runs once when the message event comes first")]
    [TestCase(true, false, TestName = "A mention in a prompt's thread runs once when the app_mention event comes first")]
    [TestCase(false, true, TestName = "A mention in a prompt's thread runs once, message first, in an envelope without authorizations")]
    public async Task A_mention_in_a_prompt_thread_delivered_twice_runs_the_command_once_and_is_no_answer(bool mentionFirst, bool withoutAuthorizations)
    {
        var team = Unique("T");
        var channel = Unique("C");
        var promptTs = $"17328{Random.Shared.Next(10000, 99999)}.000100";
        await StartPromptAsync(team, channel, promptTs);
        var fixture = Load("event-thread-mention-twice", team, ("C0PROMPT1", channel), ("1732870100.000100", promptTs));
        var requests = withoutAuthorizations ? fixture.Requests.Select(WithoutAuthorizations).ToList() : fixture.Requests;

        await fixture.ReplayAsync(_host, mentionFirst ? requests.Reverse() : requests);
        var replies = await _host.WaitForCallsAsync("/api/chat.postMessage", where: c => To(channel)(c) && Saying("the runbook fix")(c));
        await _host.DrainAsync();

        Assert.That((await KudosReceivedAsync(team, "U0BO")).Select(g => g.Reason), Is.EqualTo(new[] { "the runbook fix" }), fixture.Must);
        Assert.That(await LearningsAsync(team, "U0ANN"), Is.Empty, "a command in the thread is not stored as a prompt answer");
        Assert.That(replies, Has.Count.EqualTo(1));
        Assert.That(SlackHost.Json(replies[0])["thread_ts"]?.GetValue<string>(), Is.EqualTo(promptTs), "answered in the thread");
        Assert.That(_host.Calls("/api/reactions.add").Count(To(channel)), Is.Zero);
    }

    /// <summary>Older envelopes (and some proxies) carry no authorizations: the bot is then known only by what it was sent.</summary>
    private static SlackFixture.Request WithoutAuthorizations(SlackFixture.Request request)
    {
        var json = JsonNode.Parse(request.Body)!.AsObject();
        json.Remove("authorizations");
        return request with { Body = json.ToJsonString() };
    }

    [Test]
    public async Task A_passing_mention_in_a_prompt_thread_is_an_answer_like_any_other_reply()
    {
        var team = Unique("T");
        var channel = Unique("C");
        var promptTs = $"17328{Random.Shared.Next(10000, 99999)}.000100";
        await StartPromptAsync(team, channel, promptTs);
        var fixture = Load("event-thread-mention-chatter", team, ("C0CHATTR1", channel), ("1732871000.002000", promptTs));

        await fixture.ReplayAsync(_host);
        await _host.WaitForCallsAsync("/api/reactions.add", where: To(channel));
        await _host.DrainAsync();

        var stored = await LearningsAsync(team, "U0ANN");
        Assert.That(stored, Has.Count.EqualTo(1), fixture.Must);
        Assert.That(stored[0].Text, Does.Contain("I'll write mine up after standup"));
        Assert.That(_host.Calls("/api/reactions.add").Count(To(channel)), Is.EqualTo(1));
        Assert.That(_host.Calls("/api/chat.postEphemeral").Count(To(channel)), Is.Zero);
    }

    [Test]
    public async Task A_mention_that_says_what_someone_learned_in_a_prompt_thread_is_an_answer_with_its_tags_and_time()
    {
        var team = Unique("T");
        var channel = Unique("C");
        var promptTs = $"17328{Random.Shared.Next(10000, 99999)}.000100";
        await StartPromptAsync(team, channel, promptTs);
        var fixture = Load("event-thread-mention-chatter", team, ("C0CHATTR1", channel), ("1732871000.002000", promptTs),
            ("nice prompt <@U0BOTLRN>, I'll write mine up after standup", "<@U0BOTLRN> I learned how to profile the API with dotnet-trace #perf 20m"));

        await fixture.ReplayAsync(_host);
        await _host.WaitForCallsAsync("/api/reactions.add", where: To(channel));
        await _host.DrainAsync();

        var stored = await LearningsAsync(team, "U0ANN");
        Assert.That(stored.Select(l => (l.Text, string.Join(",", l.Tags), l.Minutes)),
            Is.EqualTo(new[] { ("I learned how to profile the API with dotnet-trace", "perf", (int?)20) }));
        Assert.That(_host.Calls("/api/chat.postEphemeral").Count(To(channel)), Is.Zero, "no \"I don't know the command\" reply");
    }

    [Test]
    public async Task A_dm_that_starts_with_the_bots_mention_runs_the_command_once()
    {
        var team = Unique("T");
        var dm = Unique("D");
        var fixture = Load("event-dm-mention-twice", team, ("D0MENDM01", dm));

        await fixture.ReplayAsync(_host);
        await _host.WaitForCallsAsync("/api/chat.postMessage", where: To(dm));
        await _host.DrainAsync();

        Assert.That((await LearningsAsync(team, "U0ANN")).Select(l => l.Text), Is.EqualTo(new[] { "how to read a heap dump with dotnet-gcdump" }), fixture.Must);
        Assert.That(_host.Calls("/api/chat.postMessage").Concat(_host.Calls("/api/chat.postEphemeral")).Count(To(dm)), Is.EqualTo(1));
    }

    // ---- issue 13.2: message subtypes ----

    [Test]
    public async Task A_thread_broadcast_reply_to_a_prompt_is_an_answer_and_typed_mentions_stay_text()
    {
        var team = Unique("T");
        var channel = Unique("C");
        var promptTs = $"17328{Random.Shared.Next(10000, 99999)}.000100";
        await StartPromptAsync(team, channel, promptTs);
        var fixture = Load("event-thread-broadcast-answer", team, ("C0BCAST1", channel), ("1732870200.000100", promptTs));

        await fixture.ReplayAsync(_host);
        var reaction = (await _host.WaitForCallsAsync("/api/reactions.add", where: To(channel))).Single();

        Assert.That(SlackHost.Json(reaction)["timestamp"]!.GetValue<string>(), Is.EqualTo("1732870201.000300"));
        var answer = (await LearningsAsync(team, "U0ANN")).Single();
        Assert.That((answer.Text, answer.Minutes, answer.OccurrenceId is not null),
            Is.EqualTo(("found that @U0CY> in alerts comes from an unescaped template", 20, true)), fixture.Must);
        Assert.That(answer.Tags, Is.EqualTo(new[] { "alerting" }));
    }

    [TestCase("event-file-share-dm", "D0FILEDM1", "how to read a flame graph from dotnet-trace", "perf")]
    [TestCase("event-me-message-dm", "D0MEMSGDM", "finally understood how WAL checkpoints work", null)]
    public async Task A_dm_with_a_subtype_a_person_writes_is_logged(string name, string dm, string text, string? tag)
    {
        var team = Unique("T");
        var channel = Unique("D");
        var fixture = Load(name, team, (dm, channel));
        await fixture.ReplayAsync(_host);

        var reply = (await _host.WaitForCallsAsync("/api/chat.postMessage", where: To(channel))).Single();
        Assert.That(SlackHost.Strings(SlackHost.Json(reply)["blocks"]), Does.Contain("Logged"), fixture.Must);
        var learning = (await LearningsAsync(team, "U0ANN")).Single();
        Assert.That(learning.Text, Is.EqualTo(text));
        Assert.That(learning.Tags, Is.EqualTo(tag is null ? Array.Empty<string>() : new[] { tag }));
    }

    private static IEnumerable<TestCaseData> IgnoredSubtypes() =>
        SlackFixture.Names("event-ignored-").Select(n => new TestCaseData(n).SetName("Ignored: " + n));

    [TestCaseSource(nameof(IgnoredSubtypes))]
    public async Task System_edit_and_bot_messages_are_ignored(string name)
    {
        var team = Unique("T");
        var fixture = Load(name, team);
        var evt = JsonNode.Parse(fixture.Requests[0].Body)!["event"]!;
        var channel = evt["channel"]!.GetValue<string>();
        var before = _host.Slack.LogEntries.Count(e => e.RequestMessage.Body?.Contains(channel, StringComparison.Ordinal) == true);

        await fixture.ReplayAsync(_host);
        await _host.DrainAsync();

        Assert.That(_host.Slack.LogEntries.Count(e => e.RequestMessage.Body?.Contains(channel, StringComparison.Ordinal) == true), Is.EqualTo(before),
            fixture.Must);
        Assert.That(await Service<ILearningRepository>().ListAsync(new LearningQuery(team, null, null, 20) { IncludePrivate = true }, default), Is.Empty);
    }

    // ---- issue 13.4: channels, groups, @here and links in free text ----

    [Test]
    public async Task A_tag_that_is_also_a_channel_name_is_kept_as_a_tag()
    {
        var team = Unique("T");
        var fixture = Load("command-learned-channel-tag", team);
        await fixture.ReplayAsync(_host);
        await _host.DrainAsync();

        var learning = (await LearningsAsync(team, "U0ANN")).Single();
        Assert.That((learning.Text, string.Join(",", learning.Tags)), Is.EqualTo(("reading about vacuum", "postgres")), fixture.Must);
    }

    [Test]
    public async Task A_channel_link_in_a_dm_is_kept_as_a_tag()
    {
        var team = Unique("T");
        var fixture = Load("event-dm-channel-tag", team, ("D0TAGDM1", Unique("D")));
        await fixture.ReplayAsync(_host);
        await _host.DrainAsync();

        var learning = (await LearningsAsync(team, "U0ANN")).Single();
        Assert.That((learning.Text, string.Join(",", learning.Tags), learning.Minutes),
            Is.EqualTo(("how HOT updates avoid index writes", "postgres", (int?)25)), fixture.Must);
    }

    [Test]
    public async Task Links_keep_their_urls_and_groups_here_and_channels_become_plain_text_that_pings_nobody()
    {
        var team = Unique("T");
        var fixture = Load("command-learned-links-and-specials", team);
        await fixture.ReplayAsync(_host);
        var reply = (await _host.WaitForRepliesAsync("/response/commands/" + team + "/5870512782001/Lk7sYp2QwE4")).Single();

        var learning = (await LearningsAsync(team, "U0ANN")).Single();
        Assert.That(learning.Text, Is.EqualTo("how autovacuum thresholds work from the vacuum docs (https://www.postgresql.org/docs/current/routine-vacuuming.html) "
                                              + "and https://wiki.example.org/db/vacuum, told @db-oncall and @here in C0PGOPS"), fixture.Must);
        Assert.That(learning.Tags, Is.EqualTo(new[] { "postgres" }));
        var body = SlackHost.Strings(reply);
        Assert.That(body, Does.Not.Contain("<!").And.Not.Contain("<#").And.Not.Contain("<https"), "nothing from the text is Slack markup");
        Assert.That(SlackHost.Strings(reply["blocks"]), Does.Contain("@here"));
    }

    // ---- issue 13.5: a private reply reaches the person where they typed ----

    [Test]
    public async Task A_private_reply_to_a_mention_in_a_thread_is_shown_in_that_thread()
    {
        var team = Unique("T");
        var channel = Unique("C");
        var fixture = Load("event-app-mention-in-thread-private", team, ("C0THREAD1", channel));
        await fixture.ReplayAsync(_host);

        var reply = SlackHost.Json((await _host.WaitForCallsAsync("/api/chat.postEphemeral", where: To(channel))).Single());
        Assert.That((reply["user"]!.GetValue<string>(), reply["thread_ts"]?.GetValue<string>()), Is.EqualTo(("U0ANN", "1732870700.001500")), fixture.Must);
        Assert.That((await LearningsAsync(team, "U0ANN")).Single().Tags, Is.EqualTo(new[] { "postgres" }));
    }

    [Test]
    public async Task A_command_in_a_dm_thread_is_answered_in_that_thread()
    {
        var team = Unique("T");
        var dm = Unique("D");
        var fixture = Load("event-dm-in-thread", team, ("D0THRDM01", dm));
        await fixture.ReplayAsync(_host);

        var reply = SlackHost.Json((await _host.WaitForCallsAsync("/api/chat.postMessage", where: To(dm))).Single());
        Assert.That(reply["thread_ts"]?.GetValue<string>(), Is.EqualTo("1732870800.001700"), fixture.Must);
    }

    [Test]
    public async Task A_share_saved_from_a_thread_reply_is_confirmed_in_that_thread()
    {
        var team = Unique("T");
        var channel = Unique("C");
        var trigger = Unique("5870512782200.");
        var fixture = Load("interaction-share-shortcut-in-thread", team, ("C0SHTHR1", channel),
            ("5870512782200.4417390261.5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d", trigger), ("V0SHAREFRM1", Unique("V")));

        await fixture.ReplayAsync(_host, fixture.Requests.Take(1));
        var open = SlackHost.Json((await _host.WaitForCallsAsync("/api/views.open",
            where: c => SlackHost.Json(c)["trigger_id"]?.GetValue<string>() == trigger)).Single());
        var submitted = JsonNode.Parse(Uri.UnescapeDataString(fixture.Requests[1].Body["payload=".Length..]))!;
        Assert.That(open["view"]!["private_metadata"]!.GetValue<string>(), Is.EqualTo(submitted["view"]!["private_metadata"]!.GetValue<string>()),
            "the submission carries what the bot put in the form");

        await fixture.ReplayAsync(_host, fixture.Requests.Skip(1));
        var posted = SlackHost.Json((await _host.WaitForCallsAsync("/api/chat.postMessage", where: To(channel))).Single());
        Assert.That(posted["thread_ts"]?.GetValue<string>(), Is.EqualTo("1732871100.002200"), fixture.Must);
        Assert.That(SlackHost.Strings(posted["blocks"]), Does.Contain("Why does the nightly build time out?"));
    }

    [Test]
    public async Task A_slash_command_in_a_dm_between_people_is_answered_privately_through_response_url()
    {
        var team = Unique("T");
        var dm = Unique("D");
        var fixture = Load("command-in-dm-private-reply", team, ("D0ANNBO01", dm));
        await fixture.ReplayAsync(_host);

        var reply = (await _host.WaitForRepliesAsync("/response/commands/" + team + "/5870512782101/Pq4wEr9TyU2")).Single();
        await _host.DrainAsync();
        Assert.That(reply["response_type"]!.GetValue<string>(), Is.EqualTo("ephemeral"), fixture.Must);
        Assert.That(_host.Calls("/api/chat.postEphemeral").Concat(_host.Calls("/api/chat.postMessage")).Count(To(dm)), Is.Zero);
    }
}
