using LearningBot.Core.Replies;

namespace LearningBot.Tests.Pipeline;

public sealed class KnowledgeCommandTests : PipelineTests
{

    [Test]
    public async Task Share_posts_the_answer_to_the_channel()
    {
        var reply = await Bot.SendAsync("ann", "share How do I rotate staging keys? :: Run make rotate-keys in the ops repo #ops");
        var text = PlainTextRenderer.Render(reply);

        Assert.That(reply.Audience, Is.EqualTo(ReplyAudience.Channel));
        Assert.That(text, Does.Contain("How do I rotate staging keys?"));
        Assert.That(text, Does.Contain("Run make rotate-keys in the ops repo"));
        Assert.That(text, Does.Contain("Shared by @Ann · #ops"));
    }

    [Test]
    public async Task Ask_returns_the_top_three_with_author_date_excerpt_and_a_helped_button()
    {
        await Bot.SendAsync("ann", "share How do I rotate staging keys? :: Run make rotate-keys in the ops repo #ops");
        await Bot.SendAsync("bo", "learned that staging keys rotate every 90 days #security");
        await Bot.SendAsync("cy", "learned rotating keys in prod needs a change ticket");
        await Bot.SendAsync("dee", "learned key rotation scripts live in ops/keys");
        await Bot.SendAsync("eve", "learned how to bake sourdough");

        var reply = await Bot.SendAsync("fay", "ask how do I rotate the staging keys?");
        var text = PlainTextRenderer.Render(reply);
        var results = reply.Blocks.OfType<ListBlock>().Single().Items;

        Assert.That(reply.Kind, Is.EqualTo(ReplyKind.SearchResults));
        Assert.That(results, Has.Count.EqualTo(3));
        Assert.That(results[0].Text.ToPlainText(), Does.StartWith("How do I rotate staging keys? — Run make rotate-keys"));
        Assert.That(results[0].Meta, Is.EqualTo("Shared answer by Ann · 25 Nov 2026 · confirmed 25 Nov 2026"));
        Assert.That(text, Does.Not.Contain("sourdough"));
        var actions = reply.Blocks.OfType<ActionsBlock>().Single().Actions;
        var open = actions.Single(a => a.Command.StartsWith("show ", StringComparison.Ordinal));
        var button = actions.Single(a => a.Command.StartsWith("helped ", StringComparison.Ordinal));
        Assert.That(open.Label, Does.StartWith("Open: How do I rotate staging"));
        Assert.That(open.Command[5..], Is.EqualTo(button.Command[7..].Split(' ')[0]), "both buttons are for the same answer");
        Assert.That(actions.Single(a => a.Label == "Not it").Command, Is.EqualTo("notit " + button.Command[7..]), "same answer, same question");

        var opened = await Bot.SendTextAsync("fay", open.Command);
        Assert.That(opened, Does.StartWith("How do I rotate staging keys?\nRun make rotate-keys in the ops repo"));
        Assert.That(opened, Does.Contain("Shared by @Ann · 25 Nov 2026 · #ops · helped 0 people"));
        Assert.That(await Bot.SendTextAsync("fay", "show 0000000000"), Does.Contain("couldn't find that shared answer"));

        var helped = await Bot.SendTextAsync("fay", button.Command);
        var helpedAgain = await Bot.SendTextAsync("fay", button.Command);
        var helpedByAnother = await Bot.SendTextAsync("gus", button.Command);
        Assert.That(helped, Does.Contain("has now helped 1 person"));
        Assert.That(helpedAgain, Does.Contain("has now helped 1 person"));
        Assert.That(helpedByAnother, Does.Contain("has now helped 2 people"));
    }

    [Test]
    public async Task Ask_finds_stemmed_words()
    {
        await Bot.SendAsync("ann", "learned the network team owns the VPN");

        var text = await Bot.SendTextAsync("bo", "ask networking");

        Assert.That(text, Does.Contain("the network team owns the VPN"));
    }

    [Test]
    public async Task A_question_asked_twice_before_without_an_answer_suggests_writing_it_down()
    {
        var first = await Bot.SendTextAsync("ann", "ask where is the on-call runbook");
        var second = await Bot.SendTextAsync("bo", "ask where's the on-call runbook?");
        var third = await Bot.SendTextAsync("cy", "ask on-call runbook where is it");

        Assert.That(first, Does.Contain("Nothing written down about that yet"));
        Assert.That(first, Does.Not.Contain("share <question> :: <answer>"));
        Assert.That(second, Does.Not.Contain("share <question> :: <answer>"));
        Assert.That(third, Does.Contain("has come up 3 times without a written answer"));
        // Three different wordings: none is "most often" used; the latest is quoted.
        Assert.That(third, Does.Contain("(most recently as \"on-call runbook where is it\")"), third);
        Assert.That(third, Does.Contain("share <question> :: <answer>"));

        await Bot.SendAsync("dee", "share Where is the on-call runbook? :: In the ops wiki under On-call");
        var answered = await Bot.SendTextAsync("eve", "ask where is the on-call runbook");
        Assert.That(answered, Does.Contain("In the ops wiki"));
        Assert.That(answered, Does.Not.Contain("without a written answer"));
    }

    [Test]
    public async Task Ask_never_returns_another_teams_posts()
    {
        await Bot.SendAsync("mallory", "share Production database password rotation :: see vault path secret/db", team: "globex");
        await Bot.SendAsync("mallory", "learned the production database failover drill", team: "globex");

        var text = await Bot.SendTextAsync("ann", "ask production database", team: "acme");

        Assert.That(text, Does.Contain("Nothing written down about that yet"));
        Assert.That(text, Does.Not.Contain("vault"));
        Assert.That(text, Does.Not.Contain("failover"));
    }

    [Test]
    public async Task Who_knows_ranks_people_by_what_they_shared_learned_and_were_thanked_for()
    {
        await Bot.SendAsync("ann", "learned terraform state locking");
        await Bot.SendAsync("bo", "share How do we import terraform resources? :: terraform import with the module address");
        await Bot.SendAsync("bo", "learned terraform workspaces are per environment");
        await Bot.SendAsync("ann", "kudos <@cy> for untangling the terraform state");
        await Bot.SendAsync("dee", "learned kubernetes basics");

        var text = await Bot.SendTextAsync("eve", "who knows terraform?");

        var lines = text.Split('\n');
        Assert.That(lines[0], Is.EqualTo("Who knows terraform?"));
        Assert.That(lines[1], Is.EqualTo("• @Bo (shared 1 answer, learned 1 thing)"));
        Assert.That(text, Does.Contain("@Ann (learned 1 thing)"));
        Assert.That(text, Does.Contain("@Cy (thanked 1 time)"));
        Assert.That(text, Does.Not.Contain("Dee"));
    }

    [Test]
    public async Task Who_knows_an_unknown_topic_invites_sharing()
    {
        var text = await Bot.SendTextAsync("ann", "who knows cobol");

        Assert.That(text, Does.Contain("Nobody has written about that yet"));
        Assert.That(text, Does.Contain("#cobol"));
    }
}
