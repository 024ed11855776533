using System.Text.Json.Nodes;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Messaging;

/// <summary>Every reply kind as an Adaptive Card, card actions, and private messages through stored 1:1 chats.</summary>
[TestFixture]
public sealed class CardTests : TeamsTestBase
{
    [Test]
    public async Task Search_results_carry_a_this_helped_action_and_clicking_it_updates_the_card_in_place()
    {
        await PostOkAsync(Teams.ChannelMessage("1732600000301", Bo, "share How do I rotate the staging keys? :: Run make rotate-keys from the ops repo #ops"));
        await PostOkAsync(Teams.ChannelMessage("1732600000302", Ann, "ask how do I rotate staging keys"));

        var results = Connector.SentActivities.Last().Card!;
        var action = results.ToJsonString().Contains("Action.Execute", StringComparison.Ordinal)
            ? FindActions(results).First(a => a["data"]!["command"]!.GetValue<string>().StartsWith("helped ", StringComparison.Ordinal))
            : throw new AssertionException("no Action.Execute in " + results.ToJsonString());
        Assert.That(action["verb"]!.GetValue<string>(), Is.EqualTo("learningbot.command"));
        var command = action["data"]!["command"]!.GetValue<string>();
        Assert.That(command, Does.Match("^helped [0-9a-f]+ [0-9a-f]+$"), "the post, and the question it was shown for");

        var body = await PostOkAsync(Teams.CardAction("1732600000303", Ann, command, replyToId: "1732600000302"));

        var invokeResponse = JsonNode.Parse(body)!;
        Assert.That(invokeResponse["statusCode"]!.GetValue<int>(), Is.EqualTo(200));
        Assert.That(invokeResponse["type"]!.GetValue<string>(), Is.EqualTo("application/vnd.microsoft.card.adaptive"));
        var updated = invokeResponse["value"]!.AsObject();
        Assert.That(updated.ToJsonString(), Does.Contain("Glad it helped").And.Contain("has now helped 1 person"));

        // A second click (or a retried invoke) counts the same person once.
        body = await PostOkAsync(Teams.CardAction("1732600000304", Ann, command, replyToId: "1732600000302"));
        Assert.That(body, Does.Contain("has now helped 1 person"));
        await NodeChecks.AssertValidCardsAsync(Connector.SentActivities.Select(a => a.Card!).Append(updated));
    }

    [Test]
    public async Task An_action_submit_click_updates_the_clicked_card_through_the_connector()
    {
        await PostOkAsync(Teams.ChannelMessage("1732600000311", Bo, "share Where are the runbooks? :: In the ops wiki #ops"));
        await PostOkAsync(Teams.ChannelMessage("1732600000312", Ann, "ask runbooks"));
        var command = FindActions(Connector.SentActivities.Last().Card!).Select(a => a["data"]!["command"]!.GetValue<string>())
            .First(c => c.StartsWith("helped ", StringComparison.Ordinal));

        await PostOkAsync(Teams.CardSubmit("1732600000313", Ann, command, replyToId: "sent-card-1"));

        var update = Connector.UpdatedActivities.Single();
        Assert.That(update.Path, Is.EqualTo($"/teams/v3/conversations/{ChannelConversationId}/activities/sent-card-1"));
        Assert.That(update.Card!.Text(), Does.Contain("Glad it helped"));
        await NodeChecks.AssertValidCardsAsync([update.Card!]);
    }

    [Test]
    public async Task A_button_that_is_not_ours_gets_a_400_invoke_response()
    {
        var invoke = JsonNode.Parse(Teams.CardAction("1732600000305", Ann, "helped 1", "x"))!;
        invoke["value"]!["action"]!["verb"] = "somethingElse";

        var body = await PostOkAsync(invoke.ToJsonString());

        Assert.That(JsonNode.Parse(body)!["statusCode"]!.GetValue<int>(), Is.EqualTo(400));
    }

    [Test]
    public async Task Help_learnings_kudos_leaderboard_digest_and_errors_all_render_as_valid_cards()
    {
        string[] commands =
        [
            "help",
            "learned how to read EXPLAIN plans #postgres 30m",
            "learned list team week",
            "kudos <at>Bo Chen</at> for the *great* [review](http://x) #mentoring",
            "kudos top month",
            "digest",
            "settings",
            "share Where are the runbooks? :: In the ops wiki #ops",
            "ask runbooks",
            "who knows ops",
            "frobnicate",
        ];
        var id = 1732600000400L;
        foreach (var command in commands)
        {
            await PostOkAsync(Teams.ChannelMessage((id++).ToString(), Ann, command, command.Contains("Bo Chen", StringComparison.Ordinal) ? [Bo] : []));
        }

        var cards = Connector.SentActivities.Select(a => a.Card!).ToList();
        Assert.That(cards, Has.Count.EqualTo(commands.Length));
        Assert.That(Connector.SentActivities.All(a => a.Body!["summary"]!.GetValue<string>().Length > 0), "each message has a plain-text summary");
        Assert.That(cards.All(c => c["fallbackText"]!.GetValue<string>().Length > 0), "each card has a plain-text fallback");
        // User text outside mentions goes into TextRuns, which Teams never reads as markdown.
        var reason = FindAll(cards[3], "TextRun").Single(r => r["text"]!.GetValue<string>().Contains("great", StringComparison.Ordinal));
        Assert.That(reason["text"]!.GetValue<string>(), Is.EqualTo("the *great* [review](http://x)"));
        await NodeChecks.AssertValidCardsAsync(cards);
    }

    [Test]
    public async Task Kudos_notify_the_receiver_in_their_stored_one_to_one_chat_and_skip_people_without_one()
    {
        await PostOkAsync(Teams.PersonalMessage("1732600000501", Bo, "help")); // Bo's 1:1 chat with the bot is now known
        var cy = new Person("29:1CyTeamsUserId", "Cy Diaz", "dddddddd-4444-4444-8444-dddddddddddd");
        Connector.Members[cy.Id] = (cy.AadObjectId, cy.Name);

        await PostOkAsync(Teams.ChannelMessage("1732600000502", Ann, "kudos <at>Bo Chen</at> <at>Cy Diaz</at> for the release", Bo, cy));

        var sent = Connector.SentActivities;
        Assert.That(sent, Has.Count.EqualTo(3), "help reply, channel kudos card, Bo's private notice (none for Cy)");
        var direct = sent[2];
        Assert.That(direct.Path, Is.EqualTo($"/teams/v3/conversations/{Bo.PersonalConversationId}/activities"));
        Assert.That(direct.Card!.ToJsonString(), Does.Contain("gave you kudos for"));
        await NodeChecks.AssertValidCardsAsync(sent.Select(a => a.Card!));
    }

    private static IEnumerable<JsonObject> FindActions(JsonNode node) => FindAll(node, "Action.Execute");

    internal static IEnumerable<JsonObject> FindAll(JsonNode node, string type) => node switch
    {
        JsonObject o when o["type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && o["type"]!.GetValue<string>() == type => [o],
        JsonObject o => o.SelectMany(p => p.Value is null ? [] : FindAll(p.Value, type)),
        JsonArray a => a.SelectMany(n => n is null ? [] : FindAll(n, type)),
        _ => [],
    };
}
