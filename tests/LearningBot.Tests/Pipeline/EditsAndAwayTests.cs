using LearningBot.Core.Replies;

namespace LearningBot.Tests.Pipeline;

/// <summary>
/// <c>learned undo|edit|delete</c>, <c>share edit|delete</c>, <c>away</c> and <c>back</c> through the real pipeline on a real SQLite
/// file, with the clock under the test's control (Wednesday 25 Nov 2026, 10:00 UTC).
/// </summary>
public sealed class EditsAndAwayTests : PipelineTests
{
    private static ActionsBlock Buttons(BotReply reply) => reply.Blocks.OfType<ActionsBlock>().Single();

    private static string LearningId(BotReply reply) => Buttons(reply).Actions.Single(a => a.Label == "Delete").Command.Split(' ')[2];

    private static string PostId(BotReply reply) =>
        PlainTextRenderer.Render(reply).Split("share delete ")[1].Split(new[] { ' ', '\n' }, StringSplitOptions.RemoveEmptyEntries)[0];

    // ---- learned undo / edit / delete ----

    [Test]
    public async Task The_confirmation_has_edit_and_delete_buttons_and_edit_starts_from_the_whole_entry()
    {
        var reply = await Bot.SendAsync("ann", "learned --private how vacuum works #postgres 90m");

        var buttons = Buttons(reply).Actions;
        var id = LearningId(reply);
        Assert.That(buttons.Select(b => (b.Label, b.Command)), Is.EqualTo(new[] { ("Edit", "learned edit " + id), ("Delete", "learned delete " + id) }));
        Assert.That(buttons[0].AsksFor?.InitialText, Is.EqualTo("--private how vacuum works #postgres 1h30m"));
        Assert.That(buttons[1].AsksFor, Is.Null);
        Assert.That(PlainTextRenderer.Render(reply), Does.Contain($"learned edit {id} <new text>"));

        // Sending the prefilled text back unchanged changes nothing that was there.
        var same = await Bot.SendTextAsync("ann", $"learned edit {id} {buttons[0].AsksFor!.InitialText}");
        var list = await Bot.SendTextAsync("ann", "learned list me");
        Assert.That(same, Does.Contain("Updated").And.Contain("how vacuum works").And.Contain("#postgres").And.Contain("1h 30m").And.Contain("private"));
        Assert.That(list, Does.Contain("how vacuum works").And.Contain("1h 30m").And.Contain("private"));
    }

    [Test]
    public async Task Undo_takes_back_only_the_last_entry_and_only_within_a_day()
    {
        await Bot.SendAsync("ann", "learned the first thing");
        await Bot.SendAsync("bo", "learned bo's thing");
        Bot.Clock.Advance(TimeSpan.FromHours(1));
        await Bot.SendAsync("ann", "learned the second thing");

        var undone = await Bot.SendTextAsync("ann", "learned undo");
        var listed = await Bot.SendTextAsync("ann", "learned list me");
        var bos = await Bot.SendTextAsync("bo", "learned list me");

        Assert.That(undone, Does.Contain("Took back").And.Contain("the second thing"));
        Assert.That(listed, Does.Contain("the first thing").And.Not.Contain("the second thing"));
        Assert.That(bos, Does.Contain("bo's thing"), "another person's entry is never undone");

        Bot.Clock.Advance(TimeSpan.FromHours(24));
        var tooLate = await Bot.SendAsync("ann", "learned undo");
        Assert.That(tooLate.Kind, Is.EqualTo(ReplyKind.Error));
        Assert.That(PlainTextRenderer.Render(tooLate), Does.Contain("more than a day ago").And.Contain("the first thing").And.Contain("learned delete "));
        Assert.That(await Bot.SendTextAsync("ann", "learned list me"), Does.Contain("the first thing"));
        Assert.That(await Bot.SendTextAsync("cy", "learned undo"), Does.Contain("nothing to undo"));
    }

    [Test]
    public async Task Only_the_author_edits_or_deletes_a_learning_and_search_follows_at_once()
    {
        var id = LearningId(await Bot.SendAsync("ann", "learned flamingo migrations need a lock #db"));

        var byBo = await Bot.SendAsync("bo", $"learned edit {id} bo was here");
        var deleteByBo = await Bot.SendAsync("bo", $"learned delete {id}");
        var edited = await Bot.SendAsync("ann", $"learned edit {id} pelican migrations need a lock #db 20m");
        var askOld = await Bot.SendTextAsync("cy", "ask flamingo");
        var askNew = await Bot.SendTextAsync("cy", "ask pelican migrations");

        Assert.That(byBo.Kind, Is.EqualTo(ReplyKind.Error));
        Assert.That(PlainTextRenderer.Render(byBo), Does.Contain("Only the person who logged a learning can change it"));
        Assert.That(PlainTextRenderer.Render(deleteByBo), Does.Contain("Only the person who logged a learning can delete it"));
        Assert.That(PlainTextRenderer.Render(edited), Does.Contain("pelican migrations need a lock").And.Contain("20m"));
        Assert.That(askOld, Does.Not.Contain("migrations"));
        Assert.That(askNew, Does.Contain("pelican migrations need a lock"));

        var deleted = await Bot.SendTextAsync("ann", $"learned delete {id}");
        Assert.That(deleted, Does.Contain("Deleted").And.Contain("pelican"));
        Assert.That(await Bot.SendTextAsync("cy", "ask pelican migrations"), Does.Not.Contain("pelican migrations need a lock"));
        Assert.That(await Bot.SendTextAsync("ann", $"learned delete {id}"), Does.Contain("can't find that learning"));
        Assert.That(await Bot.SendTextAsync("ann", $"learned edit {id}"), Does.Contain("What should it say now"));
    }

    [Test]
    public async Task Edit_and_delete_words_without_an_id_are_still_learnings()
    {
        var edit = await Bot.SendAsync("ann", "learned edit distance counts swaps as one");
        var delete = await Bot.SendAsync("ann", "learned delete cascades need an index");
        var undo = await Bot.SendAsync("ann", "learned undo in git is reflog");
        var share = await Bot.SendAsync("ann", "share edit: how do I amend a commit? :: git commit --amend");

        Assert.That(PlainTextRenderer.Render(edit), Does.Contain("Logged").And.Contain("edit distance counts swaps as one"));
        Assert.That(PlainTextRenderer.Render(delete), Does.Contain("Logged").And.Contain("delete cascades need an index"));
        Assert.That(PlainTextRenderer.Render(undo), Does.Contain("Logged").And.Contain("undo in git is reflog"));
        Assert.That(PlainTextRenderer.Render(share), Does.Contain("Shared answer saved").And.Contain("edit: how do I amend a commit?"));
    }

    // ---- share edit / delete ----

    [Test]
    public async Task A_shared_answer_is_edited_by_its_sharer_or_an_admin_only_and_ask_finds_the_new_words_at_once()
    {
        var id = PostId(await Bot.SendAsync("ann", "share Where is the flamingo runbook? :: In the wiki #ops"));

        var byBo = await Bot.SendAsync("bo", $"share edit {id} Where is the runbook? :: nowhere");
        var byAnn = await Bot.SendTextAsync("ann", $"share edit {id} Where is the pelican runbook? :: In the ops repo, docs/pelican.md #ops #runbooks");
        var askOld = await Bot.SendTextAsync("cy", "ask flamingo");
        var askNew = await Bot.SendTextAsync("cy", "ask pelican runbook");
        var byAdmin = await Bot.SendTextAsync("lead", $"share edit {id} Where is the pelican runbook? :: docs/pelican.md in ops", admin: true);
        var shown = await Bot.SendTextAsync("ann", "show " + id);

        Assert.That(byBo.Kind, Is.EqualTo(ReplyKind.Error));
        Assert.That(PlainTextRenderer.Render(byBo), Does.Contain("Only the person who shared an answer, or a team admin"));
        Assert.That(byAnn, Does.Contain("Shared answer updated").And.Contain("#ops #runbooks"));
        Assert.That(askOld, Does.Not.Contain("runbook?"));
        Assert.That(askNew, Does.Contain("Where is the pelican runbook?").And.Contain("docs/pelican.md"));
        Assert.That(byAdmin, Does.Contain("Shared answer updated"));
        Assert.That(shown, Does.Contain("docs/pelican.md in ops").And.Contain("share delete " + id));
        Assert.That(await Bot.SendTextAsync("bo", "show " + id), Does.Not.Contain("share delete"), "only those who may change it see how");

        Assert.That(await Bot.SendTextAsync("bo", $"share delete {id}"), Does.Contain("Only the person who shared an answer"));
        Assert.That(await Bot.SendTextAsync("ann", $"share delete {id}"), Does.Contain("Deleted the shared answer"));
        Assert.That(await Bot.SendTextAsync("cy", "ask pelican runbook"), Does.Not.Contain("Where is the pelican runbook?"));
        Assert.That(await Bot.SendTextAsync("ann", $"share delete {id}"), Does.Contain("can't find a shared answer"));
        Assert.That(await Bot.SendTextAsync("ann", $"share edit {id} q :: "), Does.Contain("The answer part is empty").And.Contain("share edit <id>"));
    }

    // ---- away / back ----

    [Test]
    public async Task Away_until_a_date_shows_in_me_ends_by_itself_and_back_ends_it_early()
    {
        var away = await Bot.SendTextAsync("ann", "away until 2026-12-24");
        var me = await Bot.SendTextAsync("ann", "me");

        Assert.That(away, Does.Contain("Away until Thu 24 Dec 2026").And.Contain("No nudges"));
        Assert.That(me, Does.Contain("Away until 24 Dec 2026"));

        Bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 24, 23, 59, 0, TimeSpan.Zero));
        Assert.That(await Bot.SendTextAsync("ann", "me"), Does.Contain("Away until"), "the last day is still away");
        Bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 25, 0, 0, 0, TimeSpan.Zero));
        Assert.That(await Bot.SendTextAsync("ann", "me"), Does.Not.Contain("Away until"), "it ends by itself");
        Assert.That(await Bot.SendTextAsync("ann", "back"), Does.Contain("weren't marked away"));

        await Bot.SendAsync("ann", "away for 2 weeks");
        Assert.That(await Bot.SendTextAsync("ann", "me"), Does.Contain("Away until 7 Jan 2027"));
        Assert.That(await Bot.SendTextAsync("ann", "back"), Does.Contain("Welcome back, Ann"));
        Assert.That(await Bot.SendTextAsync("ann", "me"), Does.Not.Contain("Away until"));
    }

    [TestCase("away until 2026-11-24", "has already passed")]
    [TestCase("away until 2027-11-27", "more than a year ahead")]
    [TestCase("away until 24/12/2026", "isn't a date I can read")]
    [TestCase("away until", "Until when?")]
    [TestCase("away", "Until when are you away?")]
    [TestCase("away for 0 days", "zero days")]
    [TestCase("away for ever", "Say until which day")]
    [TestCase("back to work", "Just say \"back\"")]
    public async Task Bad_away_input_gets_a_friendly_error_and_changes_nothing(string text, string problem)
    {
        var reply = await Bot.SendAsync("ann", text);

        Assert.That(reply.Kind, Is.EqualTo(ReplyKind.Error));
        Assert.That(PlainTextRenderer.Render(reply), Does.Contain(problem).And.Contain("The right form:"));
        Assert.That(await Bot.SendTextAsync("ann", "me"), Does.Not.Contain("Away until"));
    }

    [Test]
    public async Task The_last_day_a_year_ahead_is_accepted()
    {
        Assert.That(await Bot.SendTextAsync("ann", "away until 2027-11-26"), Does.Contain("Away until Fri 26 Nov 2027"));
    }

    [Test]
    public async Task Someone_away_who_logged_nothing_is_left_out_of_insights_participation_but_not_one_who_did()
    {
        foreach (var person in new[] { "ann", "bo", "cy", "dee" })
        {
            await Bot.SendAsync(person, "help");
        }

        await Bot.SendAsync("ann", "learned a thing");
        var before = await Bot.SendTextAsync("ann", "insights");
        await Bot.SendAsync("bo", "away until 2026-12-04");
        var withBoAway = await Bot.SendTextAsync("ann", "insights");
        await Bot.SendAsync("dee", "away until 2026-12-04");
        await Bot.SendAsync("dee", "learned while away");
        var deeTookPart = await Bot.SendTextAsync("ann", "insights");

        Assert.That(before, Does.Contain("1 from 1 person (25% of 4)"));
        Assert.That(withBoAway, Does.Contain("1 from 1 person (33% of 3; 1 away)"));
        Assert.That(deeTookPart, Does.Contain("2 from 2 people (67% of 3; 1 away)"));
    }
}
