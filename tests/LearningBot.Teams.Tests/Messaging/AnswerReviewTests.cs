using System.Text.Json.Nodes;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Messaging;

/// <summary>
/// Issue 16 in Teams through the real host: the review DM goes proactively to the owner's 1:1 chat as an Adaptive Card with three
/// buttons, once; clicking "Still right" (Action.Execute) confirms the answer.
/// </summary>
public sealed class AnswerReviewTests : TeamsTestBase
{
    [Test]
    public async Task The_owner_gets_one_review_card_in_their_chat_and_still_right_confirms_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        await using var host = Host.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Scheduler:Enabled", "false");
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock));
        });
        async Task<string> Post(string activity)
        {
            using var response = await host.Server.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/messages")
            {
                Content = new StringContent(activity, System.Text.Encoding.UTF8, "application/json"),
            });
            var body = await response.Content.ReadAsStringAsync();
            Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
            return body;
        }

        await Post(Teams.PersonalMessage("1732600000401", Ann, "share How do we rotate the staging keys? :: make rotate-keys in the ops repo #ops"));
        clock.Advance(TimeSpan.FromDays(181));
        var scheduler = host.Services.GetRequiredService<PromptScheduler>();
        var runs = await Task.WhenAll(scheduler.RunOnceAsync(default), scheduler.RunOnceAsync(default));
        await host.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(default);

        Assert.That(runs.Sum(r => r.ReviewsQueued), Is.EqualTo(1));
        var review = Connector.SentActivities.Where(a => a.Body!.ToJsonString().Contains("Is this answer still right?", StringComparison.Ordinal)).ToList();
        Assert.That(review, Has.Count.EqualTo(1));
        Assert.That(review[0].Path, Is.EqualTo($"/teams/v3/conversations/{Ann.PersonalConversationId}/activities"));
        var card = review[0].Card!;
        var actions = card.ToJsonString();
        Assert.That(actions, Does.Contain("Still right").And.Contain("Retire").And.Contain("review ok "));
        await NodeChecks.AssertValidCardsAsync([card]);
        var postId = System.Text.RegularExpressions.Regex.Match(actions, "review ok ([0-9a-f]{32})").Groups[1].Value;

        var clicked = JsonNode.Parse(await Post(Teams.CardAction("1732600000402", Ann, "review ok " + postId, replyToId: "1732600000401")))!;
        Assert.That(clicked["value"]!.ToJsonString(), Does.Contain("confirmed as still right"));
        var byBo = JsonNode.Parse(await Post(Teams.CardAction("1732600000403", Bo, "review retire " + postId, replyToId: "1732600000401")))!;
        Assert.That(byBo["value"]!.ToJsonString(), Does.Contain("Only the answer"));
    }
}
