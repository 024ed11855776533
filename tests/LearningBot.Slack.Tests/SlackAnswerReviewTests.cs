using System.Net;
using System.Text.Json.Nodes;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LearningBot.Slack.Tests;

/// <summary>
/// Issue 16 in Slack through the real host: the review DM is posted to the owner's DM (conversations.open + chat.postMessage) with
/// Block Kit buttons, once, and pressing "Still right" (a signed block_actions payload) confirms the answer.
/// </summary>
public sealed class SlackAnswerReviewTests
{
    [Test]
    public async Task The_owner_gets_one_review_dm_with_buttons_and_still_right_confirms_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Scheduler:Enabled"] = "false" },
            services => services.AddSingleton<TimeProvider>(clock));
        long Now() => clock.GetUtcNow().ToUnixTimeSeconds();

        await host.PostSignedAsync("/slack/commands",
            SlackHost.CommandBody("/learnbot", "share How do we rotate the staging keys? :: make rotate-keys in the ops repo #ops", host.ResponseUrl("share")),
            "application/x-www-form-urlencoded", Now());
        await host.WaitForRepliesAsync("/response/share");

        clock.Advance(TimeSpan.FromDays(181));
        var scheduler = host.Factory.Services.GetRequiredService<PromptScheduler>();
        var runs = await Task.WhenAll(scheduler.RunOnceAsync(default), scheduler.RunOnceAsync(default));
        await host.Factory.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(default);

        Assert.That(runs.Sum(r => r.ReviewsQueued), Is.EqualTo(1));
        var open = SlackHost.Json(host.Calls("/api/conversations.open").Single());
        Assert.That(open["users"]!.GetValue<string>(), Is.EqualTo("UANN"));
        var dm = SlackHost.Json((await host.WaitForCallsAsync("/api/chat.postMessage")).Single());
        Assert.That(dm["channel"]!.GetValue<string>(), Is.EqualTo("DUANN"));
        Assert.That(SlackHost.Strings(dm["blocks"]), Does.Contain("Is this answer still right?").And.Contain("How do we rotate the staging keys?"));
        var buttons = dm["blocks"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "actions")!["elements"]!.AsArray();
        Assert.That(buttons.Select(b => b!["text"]!["text"]!.GetValue<string>()), Is.EqualTo(new[] { "Still right", "Edit", "Retire" }));
        var stillRight = buttons[0]!;

        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = "T0001", ["domain"] = "example" },
            ["user"] = new JsonObject { ["id"] = "UANN", ["username"] = "ann", ["name"] = "ann", ["team_id"] = "T0001" },
            ["api_app_id"] = "A123456",
            ["trigger_id"] = "1234." + Guid.NewGuid().ToString("N"),
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000100", ["channel_id"] = "DUANN", ["is_ephemeral"] = false },
            ["channel"] = new JsonObject { ["id"] = "DUANN", ["name"] = "directmessage" },
            ["response_url"] = host.ResponseUrl("pressed"),
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_id"] = stillRight["action_id"]!.GetValue<string>(), ["block_id"] = "b1", ["type"] = "button",
                ["value"] = stillRight["value"]!.GetValue<string>(), ["action_ts"] = Now() + ".000200",
            }),
        };
        using var ack = await host.PostSignedAsync("/slack/interactions", SlackHost.Form(("payload", payload.ToJsonString())),
            "application/x-www-form-urlencoded", Now());

        Assert.That(ack.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var confirmed = (await host.WaitForRepliesAsync("/response/pressed")).Single();
        Assert.That(SlackHost.Strings(confirmed), Does.Contain("confirmed as still right"));
        clock.Advance(TimeSpan.FromDays(1));
        await scheduler.RunOnceAsync(default);
        await host.Factory.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(default);
        Assert.That(host.Calls("/api/chat.postMessage"), Has.Count.EqualTo(1), "no second DM after confirming");
    }
}
