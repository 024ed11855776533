using System.Text.Json.Nodes;
using LearningBot.Core.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Slack.Tests;

/// <summary>
/// Answers offered where questions are asked (issue 14): channel <c>message</c> events (message.channels,
/// https://api.slack.com/events/message.channels) through the real host with the packaged MiniLM model and a fake Slack.
/// </summary>
[Category("Embeddings")]
public sealed class SlackChannelAnswerTests
{
    private static readonly Dictionary<string, string?> WithModel = new() { ["Search:Embeddings:Provider"] = "MiniLM" };

    private static async Task<SlackHost> StartAsync(bool answersOn = true)
    {
        var host = new SlackHost(WithModel);
        host.StubUser("UBOSS", "Boss", isAdmin: true);
        await host.CommandAsync("/learnbot", "share How do I rotate the staging keys? :: Run make rotate-keys from the ops repo #ops",
            host.ResponseUrl("share"), user: "UBOSS", userName: "boss");
        await host.WaitForRepliesAsync("/response/share");
        if (answersOn)
        {
            await host.CommandAsync("/learnbot", "settings answers on", host.ResponseUrl("on"), user: "UBOSS", userName: "boss");
            var on = await host.WaitForRepliesAsync("/response/on");
            Assert.That(SlackHost.Strings(on[0]), Does.Contain("Answers on in this channel"));
        }

        return host;
    }

    private static JsonObject Message(string text, string ts, string channel = "C0001", string? threadTs = null, string user = "UANN",
        string channelType = "channel")
    {
        var evt = new JsonObject
        {
            ["type"] = "message", ["channel"] = channel, ["channel_type"] = channelType, ["user"] = user, ["text"] = text, ["ts"] = ts,
            ["event_ts"] = ts, ["team"] = "T0001",
        };
        if (threadTs is not null)
        {
            evt["thread_ts"] = threadTs;
        }

        return evt;
    }

    private static IEnumerable<JsonObject> Offers(SlackHost host) => host.Calls("/api/chat.postMessage").Select(SlackHost.Json)
        .Where(b => SlackHost.Strings(b).Contains("This may answer it"));

    [Test]
    public async Task A_question_in_a_channel_with_answers_on_gets_the_answer_once_in_its_thread_and_not_it_is_remembered()
    {
        await using var host = await StartAsync();
        const string eventId = "Ev0QUESTION1";
        await host.EventAsync("T0001", Message("hey, how do I rotate the staging keys?", "1700000000.000100"), eventId);
        var posts = await host.WaitForCallsAsync("/api/chat.postMessage", where: c => SlackHost.Strings(SlackHost.Json(c)).Contains("This may answer it"));
        // Slack redelivers the same event; a second question in the same thread; the same message as a thread_broadcast twin.
        await host.EventAsync("T0001", Message("hey, how do I rotate the staging keys?", "1700000000.000100"), eventId, retryNum: 1);
        await host.EventAsync("T0001", Message("and how do we rotate the staging keys for the db?", "1700000000.000300", threadTs: "1700000000.000100",
            user: "UCY"));
        await host.DrainAsync();

        var offer = Offers(host).Single();
        Assert.That(offer["channel"]!.GetValue<string>(), Is.EqualTo("C0001"));
        Assert.That(offer["thread_ts"]!.GetValue<string>(), Is.EqualTo("1700000000.000100"));
        Assert.That(SlackHost.Strings(offer), Does.Contain("make rotate-keys").And.Contain("This helped").And.Contain("Not it"));
        Assert.That(posts, Has.Count.EqualTo(1));

        var questions = host.Factory.Services.GetRequiredService<IQuestionRepository>();
        var asked = (await questions.ListSinceAsync("T0001", DateTimeOffset.UtcNow.AddHours(-1), 10, default)).Single();
        Assert.That((asked.Origin, asked.Answered, asked.AskerId), Is.EqualTo((QuestionOrigin.Channel, true, "UANN")));

        // "Not it" from the thread's buttons (a block_actions payload as Slack sends it).
        var notIt = offer["blocks"]!.AsArray().SelectMany(b => b!["elements"] as JsonArray ?? [])
            .Select(e => e!["value"]?.GetValue<string>()).Single(v => v?.StartsWith("notit ", StringComparison.Ordinal) == true)!;
        var actionId = offer["blocks"]!.AsArray().SelectMany(b => b!["elements"] as JsonArray ?? [])
            .First(e => e!["value"]?.GetValue<string>() == notIt)!["action_id"]!.GetValue<string>();
        await host.InteractionAsync(new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = "T0001", ["domain"] = "example" },
            ["user"] = new JsonObject { ["id"] = "UANN", ["username"] = "ann", ["team_id"] = "T0001" },
            ["channel"] = new JsonObject { ["id"] = "C0001", ["name"] = "general" },
            ["trigger_id"] = "13345224609.738474920.8088930838d88f008e0",
            ["response_url"] = host.ResponseUrl("notit"),
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_id"] = actionId, ["block_id"] = "b1", ["value"] = notIt, ["type"] = "button", ["action_ts"] = "1700000001.000001",
            }),
        });
        var answered = await host.WaitForRepliesAsync("/response/notit");
        Assert.That(SlackHost.Strings(answered[0]), Does.Contain("won't show that answer first"));
        Assert.That((await questions.GetAsync("T0001", asked.Id, default))!.Verdict, Is.EqualTo(AnswerVerdict.NotIt));

        // The same question again in a new thread: that answer is not offered again for it.
        await host.EventAsync("T0001", Message("how do I rotate the staging keys?", "1700000002.000100", user: "UCY"));
        await host.DrainAsync();
        Assert.That(Offers(host).Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task The_bot_stays_quiet_when_unsure_off_in_the_channel_in_dms_for_bots_and_for_statements()
    {
        await using var host = await StartAsync();
        await host.EventAsync("T0001", Message("how do I book a meeting room for friday?", "1700000010.000100")); // unsure: no match
        await host.EventAsync("T0001", Message("how do I rotate the staging keys?", "1700000011.000100", channel: "C0OTHER")); // answers off there
        await host.EventAsync("T0001", Message("rotated the staging keys today, make rotate-keys works", "1700000012.000100")); // not a question
        var fromBot = Message("how do I rotate the staging keys?", "1700000013.000100");
        fromBot["bot_id"] = "B0OTHER";
        fromBot["subtype"] = "bot_message";
        await host.EventAsync("T0001", fromBot);
        // In a DM the same words are the person's business with the bot (logged as a learning, as ever): never an offer.
        await host.EventAsync("T0001", Message("how do I rotate the staging keys?", "1700000015.000100", channel: "D0ANN", channelType: "im"));
        var own = Message("how do I rotate the staging keys?", "1700000014.000100", user: "UBOT");
        own["bot_id"] = "B0SELF";
        await host.EventAsync("T0001", own);
        await host.DrainAsync();

        Assert.That(Offers(host), Is.Empty);
        var questions = host.Factory.Services.GetRequiredService<IQuestionRepository>();
        Assert.That(await questions.ListSinceAsync("T0001", DateTimeOffset.UtcNow.AddHours(-1), 10, default), Is.Empty);
    }

    [Test]
    public async Task Answers_are_off_until_an_admin_turns_them_on_in_the_channel()
    {
        await using var host = await StartAsync(answersOn: false);
        await host.CommandAsync("/learnbot", "settings answers on", host.ResponseUrl("not-admin"), user: "UANN", userName: "ann");
        var refused = await host.WaitForRepliesAsync("/response/not-admin");
        Assert.That(SlackHost.Strings(refused[0]), Does.Contain("Only team admins"));

        await host.EventAsync("T0001", Message("how do I rotate the staging keys?", "1700000020.000100"));
        await host.DrainAsync();
        Assert.That(Offers(host), Is.Empty);
    }
}
