using System.Text.Json.Nodes;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.MessageExtensions;

[TestFixture]
public sealed class MessageExtensionTests : TeamsTestBase
{
    [Test]
    public async Task Search_returns_shared_answers_as_cards_with_previews()
    {
        await PostOkAsync(Teams.ChannelMessage("1732600000601", Bo, "share How do I rotate the staging keys? :: Run make rotate-keys from the ops repo #ops"));
        await PostOkAsync(Teams.ChannelMessage("1732600000602", Bo, "share Where is the on-call rota? :: In the ops wiki #ops"));

        var response = JsonNode.Parse(await PostOkAsync(Teams.ExtensionQuery("q:1", Ann, "rotate staging keys")))!;

        var result = response["composeExtension"]!;
        Assert.That(result["type"]!.GetValue<string>(), Is.EqualTo("result"));
        var attachments = result["attachments"]!.AsArray();
        Assert.That(attachments, Has.Count.EqualTo(1));
        var card = attachments[0]!["content"]!.AsObject();
        Assert.That(attachments[0]!["contentType"]!.GetValue<string>(), Is.EqualTo("application/vnd.microsoft.card.adaptive"));
        Assert.That(card.ToJsonString(), Does.Contain("Run make rotate-keys from the ops repo").And.Contain("helped "));
        Assert.That(attachments[0]!["preview"]!["content"]!["title"]!.GetValue<string>(), Is.EqualTo("How do I rotate the staging keys?"));
        await NodeChecks.AssertValidCardsAsync([card]);
    }

    [Test]
    public async Task Search_with_no_match_or_no_words_answers_with_a_message()
    {
        var none = JsonNode.Parse(await PostOkAsync(Teams.ExtensionQuery("q:2", Ann, "kubernetes")))!;
        var empty = JsonNode.Parse(await PostOkAsync(Teams.ExtensionQuery("q:3", Ann, "  ")))!;

        Assert.That(none["composeExtension"]!["type"]!.GetValue<string>(), Is.EqualTo("message"));
        Assert.That(none["composeExtension"]!["text"]!.GetValue<string>(), Does.Contain("Nothing shared about"));
        Assert.That(empty["composeExtension"]!["text"]!.GetValue<string>(), Does.Contain("Type a few words"));
    }

    [Test]
    public async Task Save_as_shared_answer_stores_the_message_once_and_search_finds_it()
    {
        const string html = "<p>Run <b>make rotate-keys</b> &amp; wait for the <at>Bo Chen</at> approval.</p><p>Then restart.</p>";

        var saved = JsonNode.Parse(await PostOkAsync(Teams.ExtensionSave("s:1", Ann, "1732600000700", html, "How do I rotate keys?", "ops, #security")))!;
        var again = JsonNode.Parse(await PostOkAsync(Teams.ExtensionSave("s:2", Bo, "1732600000700", html, "How do I rotate keys?", "ops")))!;

        Assert.That(saved["task"]!["type"]!.GetValue<string>(), Is.EqualTo("message"));
        Assert.That(saved["task"]!["value"]!.GetValue<string>(), Does.Contain("Shared answer saved").And.Contain("#ops #security"));
        Assert.That(again["task"]!["value"]!.GetValue<string>(), Does.Contain("Already shared").And.Contain("Ann Lee shared this"));

        var search = JsonNode.Parse(await PostOkAsync(Teams.ExtensionQuery("q:4", Bo, "rotate keys")))!;
        var attachments = search["composeExtension"]!["attachments"]!.AsArray();
        Assert.That(attachments, Has.Count.EqualTo(1), "saved once");
        Assert.That(attachments[0]!["content"]!.Text(), Does.Contain("Run make rotate-keys & wait for the Bo Chen approval. Then restart."));
    }

    [Test]
    public async Task Save_without_a_question_asks_for_one_and_stores_nothing()
    {
        var response = JsonNode.Parse(await PostOkAsync(Teams.ExtensionSave("s:3", Ann, "1732600000701", "<p>Some answer</p>", "  ", "")))!;

        Assert.That(response["task"]!["value"]!.GetValue<string>(), Does.Contain("write the question"));
        var search = JsonNode.Parse(await PostOkAsync(Teams.ExtensionQuery("q:5", Bo, "answer")))!;
        Assert.That(search["composeExtension"]!["type"]!.GetValue<string>(), Is.EqualTo("message"));
    }
}
