using System.Net;
using System.Text.Json.Nodes;
using LearningBot.Core.Learnings;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;

namespace LearningBot.Slack.Tests;

/// <summary>
/// Edits and second thoughts in Slack, through the real host: <c>message_changed</c>/<c>message_deleted</c> events
/// (https://docs.slack.dev/reference/events/message/message_changed, …/message_deleted) of a DM learning and of a prompt-thread
/// answer, and the "Edit" / "Delete" buttons of the learned confirmation (a modal via views.open).
/// </summary>
public sealed class SlackEditTests
{
    private SlackHost _host = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _host = new SlackHost(new Dictionary<string, string?> { ["Scheduler:PollInterval"] = "00:00:00.100" });
        _host.StubUser("UANN", "Ann");
        _host.StubUser("UBO", "Bo");
        _host.StubUser("UBOSS", "Boss", isAdmin: true);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string Team() => "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private static string Name() => Guid.NewGuid().ToString("N")[..10];

    private Task<IReadOnlyList<LearningEntry>> LearningsAsync(string team, string user) =>
        _host.Factory.Services.GetRequiredService<ILearningRepository>()
            .ListAsync(new LearningQuery(team, user, null, 10) { IncludePrivate = true }, default);

    /// <summary>A message_changed event as Slack sends it: the message as it is now, its original ts, who edited and when.</summary>
    private static JsonObject Changed(string channel, string channelType, string ts, string author, string text, string? editor, string? editTs,
        string? threadTs = null)
    {
        var message = new JsonObject { ["type"] = "message", ["user"] = author, ["text"] = text, ["ts"] = ts, ["team"] = "T0001" };
        if (editor is not null)
        {
            message["edited"] = new JsonObject { ["user"] = editor, ["ts"] = editTs };
        }

        if (threadTs is not null)
        {
            message["thread_ts"] = threadTs;
        }

        return new JsonObject
        {
            ["type"] = "message", ["subtype"] = "message_changed", ["hidden"] = true, ["channel"] = channel, ["channel_type"] = channelType,
            ["ts"] = editTs ?? "1700009999.000001", ["event_ts"] = editTs ?? "1700009999.000001", ["message"] = message,
            ["previous_message"] = new JsonObject { ["type"] = "message", ["user"] = author, ["text"] = "(before)", ["ts"] = ts },
        };
    }

    private static JsonObject Deleted(string channel, string channelType, string deletedTs, string author) => new()
    {
        ["type"] = "message", ["subtype"] = "message_deleted", ["hidden"] = true, ["channel"] = channel, ["channel_type"] = channelType,
        ["ts"] = "1700099999.000001", ["deleted_ts"] = deletedTs, ["event_ts"] = "1700099999.000001",
        ["previous_message"] = new JsonObject { ["type"] = "message", ["user"] = author, ["text"] = "(before)", ["ts"] = deletedTs },
    };

    [Test]
    public async Task Editing_a_dm_learning_updates_it_once_only_by_its_author_and_deleting_it_removes_it()
    {
        var team = Team();
        var dm = "D" + Name().ToUpperInvariant();
        const string ts = "1700000001.000200";
        await _host.EventAsync(team, new JsonObject
        {
            ["type"] = "message", ["channel_type"] = "im", ["channel"] = dm, ["user"] = "UANN", ["text"] = "found a race in the deploy &amp; fixed it", ["ts"] = ts,
        });
        await _host.WaitForCallsAsync("/api/chat.postMessage", where: c => SlackHost.Json(c)["channel"]?.GetValue<string>() == dm);

        var editId = "Ev" + Name().ToUpperInvariant();
        var edit = Changed(dm, "im", ts, "UANN", "found a race in the deploy script &amp; fixed it #ci 20m", "UANN", "1700000100.000001");
        using var ack = await _host.EventAsync(team, edit, editId);
        using var retry = await _host.EventAsync(team, edit.DeepClone().AsObject(), editId, retryNum: 1);
        await _host.DrainAsync();
        var afterEdit = (await LearningsAsync(team, "UANN")).Single();

        Assert.That((ack.StatusCode, retry.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That((afterEdit.Text, afterEdit.Minutes), Is.EqualTo(("found a race in the deploy script & fixed it", (int?)20)));
        Assert.That(afterEdit.Tags, Is.EqualTo(new[] { "ci" }));
        Assert.That(afterEdit.SourceMessage, Is.EqualTo($"slack:{dm}:{ts}"));

        // Changes nothing: someone else's edit, an older edit arriving late, a change that is no edit, an edit into a command.
        await _host.EventAsync(team, Changed(dm, "im", ts, "UANN", "bo rewrote this", "UBO", "1700000200.000001"));
        await _host.EventAsync(team, Changed(dm, "im", ts, "UANN", "an older draft", "UANN", "1700000050.000001"));
        await _host.EventAsync(team, Changed(dm, "im", ts, "UANN", "language metadata only", editor: null, editTs: null));
        await _host.EventAsync(team, Changed(dm, "im", ts, "UANN", "nudge off", "UANN", "1700000300.000001"));
        await _host.DrainAsync();
        Assert.That((await LearningsAsync(team, "UANN")).Single().Text, Is.EqualTo("found a race in the deploy script & fixed it"));

        // A later edit still applies; then the deletion removes it (and a redelivered deletion is harmless).
        await _host.EventAsync(team, Changed(dm, "im", ts, "UANN", "found and fixed a deploy race", "UANN", "1700000400.000001"));
        await _host.DrainAsync();
        Assert.That((await LearningsAsync(team, "UANN")).Single().Text, Is.EqualTo("found and fixed a deploy race"));
        var deleteId = "Ev" + Name().ToUpperInvariant();
        using var deleted = await _host.EventAsync(team, Deleted(dm, "im", ts, "UANN"), deleteId);
        using var deletedAgain = await _host.EventAsync(team, Deleted(dm, "im", ts, "UANN"), deleteId, retryNum: 1);
        await _host.DrainAsync();

        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await LearningsAsync(team, "UANN"), Is.Empty);
        Assert.That(_host.Calls("/api/chat.postMessage").Count(c => SlackHost.Json(c)["channel"]?.GetValue<string>() == dm), Is.EqualTo(1),
            "edits and deletions are quiet");
    }

    [Test]
    public async Task Editing_or_deleting_a_prompt_thread_answer_changes_the_answer_not_the_posted_digest()
    {
        var team = Team();
        var channel = "C" + Name().ToUpperInvariant();
        const string promptTs = "1700000000.000100";
        _host.Slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()
                .WithBody(b => b is not null && b.Contains(channel, StringComparison.Ordinal) && b.Contains("What did you learn", StringComparison.Ordinal)))
            .AtPriority(5).RespondWith(SlackHost.OkJson(new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = promptTs }));
        var set = Name();
        await _host.CommandAsync("/learnbot", "prompt set mon,thu 09:30 \"What did you learn this week?\"", _host.ResponseUrl(set),
            team: team, user: "UBOSS", userName: "boss", channel: channel);
        await _host.WaitForRepliesAsync("/response/" + set);
        await _host.CommandAsync("/learnbot", "prompt now", _host.ResponseUrl(Name()), team: team, user: "UBOSS", userName: "boss", channel: channel);
        await _host.WaitForCallsAsync("/api/chat.postMessage",
            where: c => SlackHost.Json(c)["channel"]?.GetValue<string>() == channel && SlackHost.Strings(SlackHost.Json(c)).Contains("What did you learn"));
        await _host.WaitForPromptPostAsync(team, channel, promptTs);

        JsonObject Reply(string ts, string text) => new()
        {
            ["type"] = "message", ["channel"] = channel, ["channel_type"] = "channel", ["user"] = "UANN", ["text"] = text, ["ts"] = ts,
            ["thread_ts"] = promptTs,
        };
        await _host.EventAsync(team, Reply("1700000000.000200", "retries need jitter #resilience"));
        await _host.EventAsync(team, Reply("1700000000.000300", "timeouts need budgets"));
        await _host.WaitForCallsAsync("/api/reactions.add", 2, c => SlackHost.Json(c)["channel"]?.GetValue<string>() == channel);

        await _host.EventAsync(team, Changed(channel, "channel", "1700000000.000200", "UANN", "retries need jitter and a cap #resilience 10m",
            "UANN", "1700000500.000001", threadTs: promptTs));
        await _host.EventAsync(team, Deleted(channel, "channel", "1700000000.000300", "UANN"));
        await _host.DrainAsync();

        var answers = await LearningsAsync(team, "UANN");
        Assert.That(answers.Select(a => (a.Text, a.Minutes, a.OccurrenceId is not null)), Is.EqualTo(new[] { ("retries need jitter and a cap", (int?)10, true) }));
    }

    [Test]
    public async Task The_edit_button_opens_a_prefilled_modal_whose_submission_edits_and_delete_works_for_the_author_only()
    {
        var team = Team();
        var responseUrl = _host.ResponseUrl(Name());
        await _host.CommandAsync("/learned", "how feature flags decouple deploys #flags 30m", responseUrl, team: team);
        var confirmation = (await _host.WaitForRepliesAsync(new Uri(responseUrl).AbsolutePath)).Single();
        var buttons = confirmation["blocks"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "actions")!["elements"]!.AsArray();
        var edit = buttons.Single(b => b!["text"]!["text"]!.GetValue<string>() == "Edit")!.AsObject();
        var delete = buttons.Single(b => b!["text"]!["text"]!.GetValue<string>() == "Delete")!.AsObject();
        Assert.That(edit["action_id"]!.GetValue<string>(), Does.StartWith("learningbot_ask_"));
        Assert.That(delete["value"]!.GetValue<string>(), Does.StartWith("learned delete "));

        JsonObject Click(JsonObject button, string user, string trigger) => new()
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant(), ["name"] = user.ToLowerInvariant(), ["team_id"] = team },
            ["api_app_id"] = "A123456", ["token"] = "9s8d9as89d8as9d8as989", ["trigger_id"] = trigger,
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1548261231.000200", ["channel_id"] = "C0001", ["is_ephemeral"] = true },
            ["team"] = new JsonObject { ["id"] = team, ["domain"] = "example" },
            ["channel"] = new JsonObject { ["id"] = "C0001", ["name"] = "general" },
            ["response_url"] = _host.ResponseUrl(trigger),
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_id"] = button["action_id"]!.GetValue<string>(), ["block_id"] = "b1", ["type"] = "button",
                ["text"] = button["text"]!.DeepClone(), ["value"] = button["value"]!.GetValue<string>(), ["action_ts"] = "1548426417.840180" + Name()[..2],
            }),
        };

        var trigger = "tr" + Name();
        using var clicked = await _host.InteractionAsync(Click(edit, "UANN", trigger));
        var open = SlackHost.Json((await _host.WaitForCallsAsync("/api/views.open",
            where: c => SlackHost.Json(c)["trigger_id"]?.GetValue<string>() == trigger)).Single());
        var view = open["view"]!;
        Assert.That(clicked.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(view["blocks"]![0]!["element"]!["initial_value"]!.GetValue<string>(), Is.EqualTo("how feature flags decouple deploys #flags 30m"));

        using var submitted = await _host.InteractionAsync(new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = team, ["domain"] = "example" },
            ["user"] = new JsonObject { ["id"] = "UANN", ["username"] = "ann", ["name"] = "ann", ["team_id"] = team },
            ["api_app_id"] = "A123456", ["trigger_id"] = "sub" + Name(),
            ["view"] = new JsonObject
            {
                ["id"] = "V" + Name().ToUpperInvariant(), ["type"] = "modal", ["callback_id"] = view["callback_id"]!.GetValue<string>(),
                ["private_metadata"] = view["private_metadata"]!.GetValue<string>(), ["hash"] = "156772938.1827394",
                ["state"] = new JsonObject
                {
                    ["values"] = new JsonObject
                    {
                        ["text"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "how flags decouple deploy from release #flags 45m" } },
                    },
                },
            },
        });
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await _host.DrainAsync();
        var edited = (await LearningsAsync(team, "UANN")).Single();
        Assert.That((edited.Text, edited.Minutes), Is.EqualTo(("how flags decouple deploy from release", (int?)45)));

        // Bo clicks Delete on Ann's confirmation: refused; Ann's click deletes.
        var boTrigger = "bo" + Name();
        await _host.InteractionAsync(Click(delete, "UBO", boTrigger));
        var refusal = await _host.WaitForRepliesAsync("/response/" + boTrigger);
        Assert.That(SlackHost.Strings(refusal.Single()), Does.Contain("Only the person who logged a learning can delete it"));
        Assert.That(await LearningsAsync(team, "UANN"), Has.Count.EqualTo(1));

        var annTrigger = "an" + Name();
        await _host.InteractionAsync(Click(delete, "UANN", annTrigger));
        await _host.WaitForRepliesAsync("/response/" + annTrigger);
        Assert.That(await LearningsAsync(team, "UANN"), Is.Empty);
    }
}
