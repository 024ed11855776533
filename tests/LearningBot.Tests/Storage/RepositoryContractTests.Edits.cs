using LearningBot.Core.Away;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Learnings;

namespace LearningBot.Tests.Storage;

/// <summary>The contract for edits (learnings and shared answers, with the search index) and away periods.</summary>
public abstract partial class RepositoryContractTests
{
    // ---- Edits of learnings ----

    [Test]
    public async Task A_learning_is_read_by_id_and_by_its_source_message_only_in_its_team()
    {
        var entry = Learning(TeamA, "ann", "from a DM", Monday) with { SourceMessage = "slack:D1:1700000001.000200" };
        await Store.Learnings.AddAsync(entry, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "no source", Monday.AddMinutes(1)), default);

        var byId = await Store.Learnings.GetAsync(TeamA, entry.Id, default);
        var bySource = await Store.Learnings.FindBySourceAsync(TeamA, "slack:D1:1700000001.000200", default);

        Assert.That(byId?.Text, Is.EqualTo("from a DM"));
        Assert.That(byId!.SourceMessage, Is.EqualTo("slack:D1:1700000001.000200"));
        Assert.That(byId.EditedAt, Is.Null);
        Assert.That(bySource?.Id, Is.EqualTo(entry.Id));
        Assert.That(await Store.Learnings.FindBySourceAsync(TeamA, "slack:D1:1700000009.000000", default), Is.Null);
        Assert.That(await Store.Learnings.GetAsync(TeamB, entry.Id, default), Is.Null, "another team never reads it");
        Assert.That(await Store.Learnings.FindBySourceAsync(TeamB, "slack:D1:1700000001.000200", default), Is.Null);
    }

    [Test]
    public async Task An_update_changes_text_tags_minutes_privacy_and_edit_time_and_keeps_the_rest()
    {
        var entry = Learning(TeamA, "ann", "first words", Monday, tags: ["old"]) with { SourceMessage = "msteams:a:1", OccurrenceId = "occ-1" };
        await Store.Learnings.AddAsync(entry, default);

        var edited = Monday.AddHours(2);
        var updated = await Store.Learnings.UpdateAsync(entry with
        {
            Text = "second words", Tags = ["new"], Minutes = 45, IsPrivate = true, EditedAt = edited,
            UserId = "mallory", CreatedAt = Monday.AddDays(3), // not changeable: ignored
        }, default);
        var read = await Store.Learnings.GetAsync(TeamA, entry.Id, default);
        var missing = await Store.Learnings.UpdateAsync(Learning(TeamA, "ann", "never stored", Monday), default);
        var otherTeam = await Store.Learnings.UpdateAsync(entry with { TeamId = TeamB, Text = "hijack" }, default);

        Assert.That(updated, Is.Not.Null);
        foreach (var e in new[] { updated!, read! })
        {
            Assert.That((e.Text, e.Minutes, e.IsPrivate, e.EditedAt), Is.EqualTo(("second words", (int?)45, true, (DateTimeOffset?)edited)));
            Assert.That(e.Tags, Is.EqualTo(new[] { "new" }));
            Assert.That((e.UserId, e.CreatedAt, e.SourceMessage, e.OccurrenceId, e.IdempotencyKey),
                Is.EqualTo(("ann", Monday, (string?)"msteams:a:1", (string?)"occ-1", entry.IdempotencyKey)));
        }

        Assert.That(missing, Is.Null);
        Assert.That(otherTeam, Is.Null);
        Assert.That((await Store.Learnings.GetAsync(TeamA, entry.Id, default))!.Text, Is.EqualTo("second words"));
    }

    [Test]
    public async Task A_deleted_learning_is_gone_from_lists_marks_and_lookups_and_a_second_delete_reports_nothing()
    {
        var entry = Learning(TeamA, "ann", "to delete", Monday) with { SourceMessage = "slack:D1:1.1" };
        var kept = Learning(TeamA, "ann", "to keep", Monday.AddMinutes(1));
        await Store.Learnings.AddAsync(entry, default);
        await Store.Learnings.AddAsync(kept, default);

        var otherTeam = await Store.Learnings.DeleteAsync(TeamB, entry.Id, default);
        var first = await Store.Learnings.DeleteAsync(TeamA, entry.Id, default);
        var second = await Store.Learnings.DeleteAsync(TeamA, entry.Id, default);

        Assert.That((otherTeam, first, second), Is.EqualTo((false, true, false)));
        Assert.That((await Store.Learnings.ListAsync(new LearningQuery(TeamA, "ann", null, 10) { IncludePrivate = true }, default)).Select(e => e.Text),
            Is.EqualTo(new[] { "to keep" }));
        Assert.That(await Store.Learnings.TallyAsync(TeamA, "ann", Monday.AddDays(-1), default), Is.EqualTo(new LearningTally(1, 0, 15)));
        Assert.That(await Store.Learnings.GetAsync(TeamA, entry.Id, default), Is.Null);
        Assert.That(await Store.Learnings.FindBySourceAsync(TeamA, "slack:D1:1.1", default), Is.Null);
    }

    [Test]
    public virtual async Task An_edited_learning_is_found_by_its_new_words_only_and_a_deleted_one_not_at_all()
    {
        var entry = Learning(TeamA, "ann", "flamingo migrations need a lock", Monday);
        var gone = Learning(TeamA, "bo", "quokka caching hides latency", Monday);
        await Store.Learnings.AddAsync(entry, default);
        await Store.Learnings.AddAsync(gone, default);
        await Store.Learnings.AddAsync(Learning(TeamB, "cy", "pelican rollouts", Monday), default);

        await Store.Learnings.UpdateAsync(entry with { Text = "pelican rollouts need a canary", EditedAt = Monday.AddHours(1) }, default);
        await Store.Learnings.DeleteAsync(TeamA, gone.Id, default);
        Task<IReadOnlyList<SearchHit>> Find(string words) => Store.Search.SearchAsync(new SearchQuery(TeamA, words, [SearchKind.Learning], 5), default);

        Assert.That(await Find("flamingo"), Is.Empty, "the old words are gone from the index");
        Assert.That((await Find("pelican")).Select(h => h.Id), Is.EqualTo(new[] { entry.Id }), "once, and never the other team's");
        Assert.That(await Find("quokka"), Is.Empty);

        // Made private by an edit: out of search, like any private entry.
        await Store.Learnings.UpdateAsync(entry with { Text = "pelican rollouts need a canary", IsPrivate = true, EditedAt = Monday.AddHours(2) }, default);
        Assert.That(await Find("pelican"), Is.Empty);
    }

    // ---- Edits of shared answers ----

    [Test]
    public async Task An_updated_shared_answer_keeps_author_date_and_votes_and_a_deleted_one_takes_its_votes()
    {
        var post = Post(TeamA, "ann", "How to rotate keys?", "Run make rotate-keys", Monday);
        await Store.Knowledge.AddAsync(post, default);
        await Store.Knowledge.MarkHelpfulAsync(TeamA, post.Id, "bo", default);

        var updated = await Store.Knowledge.UpdateAsync(post with { Question = "How do I rotate staging keys?", Answer = "make rotate-keys ENV=staging",
            Tags = ["ops", "staging"], AuthorId = "mallory" }, default);
        var read = await Store.Knowledge.GetAsync(TeamA, post.Id, default);
        var otherTeam = await Store.Knowledge.UpdateAsync(post with { TeamId = TeamB }, default);

        foreach (var p in new[] { updated!, read! })
        {
            Assert.That((p.Question, p.Answer, p.AuthorId, p.CreatedAt, p.HelpfulCount),
                Is.EqualTo(("How do I rotate staging keys?", "make rotate-keys ENV=staging", "ann", Monday, 1)));
            Assert.That(p.Tags, Is.EqualTo(new[] { "ops", "staging" }));
        }

        Assert.That(otherTeam, Is.Null);
        Assert.That(await Store.Knowledge.DeleteAsync(TeamB, post.Id, default), Is.False);
        Assert.That(await Store.Knowledge.DeleteAsync(TeamA, post.Id, default), Is.True);
        Assert.That(await Store.Knowledge.DeleteAsync(TeamA, post.Id, default), Is.False);
        Assert.That(await Store.Knowledge.GetAsync(TeamA, post.Id, default), Is.Null);
        Assert.That(await Store.Knowledge.MarkHelpfulAsync(TeamA, post.Id, "cy", default), Is.Null);
        Assert.That(await Store.Knowledge.ListMostHelpfulAsync(TeamA, 5, default), Is.Empty);
    }

    [Test]
    public virtual async Task An_edited_shared_answer_is_found_by_its_new_words_at_once_and_a_deleted_one_not_at_all()
    {
        var post = Post(TeamA, "ann", "Where is the flamingo runbook?", "In the wiki", Monday);
        var gone = Post(TeamA, "bo", "Quokka dashboards?", "Ask ops", Monday);
        await Store.Knowledge.AddAsync(post, default);
        await Store.Knowledge.AddAsync(gone, default);

        await Store.Knowledge.UpdateAsync(post with { Question = "Where is the pelican runbook?", Answer = "In the ops repo" }, default);
        await Store.Knowledge.DeleteAsync(TeamA, gone.Id, default);
        Task<IReadOnlyList<SearchHit>> Find(string words) => Store.Search.SearchAsync(new SearchQuery(TeamA, words, [SearchKind.Knowledge], 5), default);

        Assert.That(await Find("flamingo"), Is.Empty);
        var hits = await Find("pelican runbook");
        Assert.That(hits.Select(h => (h.Id, h.Title)), Is.EqualTo(new[] { (post.Id, "Where is the pelican runbook?") }));
        Assert.That(await Find("quokka"), Is.Empty);
    }

    // ---- Away ----

    [Test]
    public async Task An_away_period_is_kept_per_person_replaced_by_a_new_one_and_listed_while_it_matters()
    {
        var ann = new AwayPeriod(TeamA, "ann", Monday, Monday.AddDays(10), new DateOnly(2026, 12, 2));
        await Store.Away.SaveAsync(ann, default);
        await Store.Away.SaveAsync(new AwayPeriod(TeamA, "bo", Monday.AddDays(-20), Monday.AddDays(-10), new DateOnly(2026, 11, 12)), default);
        await Store.Away.SaveAsync(new AwayPeriod(TeamB, "ann", Monday, Monday.AddDays(99), new DateOnly(2027, 3, 1)), default);

        Assert.That(await Store.Away.GetAsync(TeamA, "ann", default), Is.EqualTo(ann));
        Assert.That(await Store.Away.GetAsync(TeamA, "cy", default), Is.Null);
        Assert.That((await Store.Away.ListAsync(TeamA, Monday, default)).Select(p => p.UserId), Is.EqualTo(new[] { "ann" }));
        Assert.That((await Store.Away.ListAsync(TeamA, Monday.AddDays(-30), default)).Select(p => p.UserId), Is.EqualTo(new[] { "ann", "bo" }));

        var back = ann with { Until = Monday.AddDays(1), LastDay = new DateOnly(2026, 11, 23) };
        await Store.Away.SaveAsync(back, default);

        Assert.That(await Store.Away.GetAsync(TeamA, "ann", default), Is.EqualTo(back));
        Assert.That((await Store.Away.GetAsync(TeamB, "ann", default))!.LastDay, Is.EqualTo(new DateOnly(2027, 3, 1)), "teams stay apart");
    }
}
