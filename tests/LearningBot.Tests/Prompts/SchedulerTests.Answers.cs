using LearningBot.Core.Conversations;
using LearningBot.Core.Prompts;
using LearningBot.Core.Replies;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Prompts;

/// <summary>Issue 16: answers that stay true, ask-me, and the prompt reminder, through the pipeline, scheduler and dispatcher on each engine.</summary>
public sealed partial class SchedulerTests
{
    private static readonly StoredConversation BoDm = new("test:acme:D-bo", "test", "acme", ConversationKind.Personal, "bo", "{}", true,
        DateTimeOffset.UnixEpoch);

    private async Task<string> ShareAsync(string user, string text)
    {
        var reply = await _bot.SendAsync(user, text);
        Assert.That(reply.Kind, Is.EqualTo(ReplyKind.Confirmation), PlainTextRenderer.Render(reply));
        var ask = await _bot.SendAsync("zed", "ask " + text[6..text.IndexOf("::", StringComparison.Ordinal)]);
        return ask.Blocks.OfType<ActionsBlock>().First().Actions.First(a => a.Command.StartsWith("show ", StringComparison.Ordinal)).Command[5..];
    }

    [Test]
    public async Task A_due_answer_sends_its_owner_one_review_dm_and_still_right_moves_the_next_review()
    {
        await _bot.Services.GetRequiredService<IConversationRepository>().SaveAsync(AnnDm, default);
        var start = _bot.Clock.GetUtcNow();
        var id = await ShareAsync("ann", "share How do we rotate the staging keys? :: make rotate-keys in the ops repo #ops");
        var fresh = PlainTextRenderer.Render(await _bot.SendAsync("bo", "ask how do we rotate the staging keys"));

        var early = await RunAtAsync(start.AddDays(180).AddMinutes(-1));
        _bot.Clock.SetUtcNow(start.AddDays(180).AddMinutes(1));
        // Two runs at the same moment, as two replicas would: one DM.
        var runs = await Task.WhenAll(Scheduler.RunOnceAsync(default), Scheduler.RunOnceAsync(default));
        await Dispatcher.DispatchOnceAsync(default);
        var later = await RunAtAsync(start.AddDays(181));
        var overdue = PlainTextRenderer.Render(await _bot.SendAsync("bo", "ask how do we rotate the staging keys"));

        Assert.That(fresh, Does.Contain("confirmed 25 Nov 2026").And.Not.Contain("may be out of date"));
        Assert.That(early.ReviewsQueued, Is.Zero);
        Assert.That(runs.Sum(r => r.ReviewsQueued) + later.ReviewsQueued, Is.EqualTo(1));
        var dm = _platform.Sent.Single();
        Assert.That(dm.ConversationKey, Is.EqualTo(AnnDm.Key));
        Assert.That(PlainTextRenderer.Render(dm.Reply), Does.Contain("Is this answer still right?").And.Contain("How do we rotate the staging keys?"));
        Assert.That(dm.Reply.Blocks.OfType<ActionsBlock>().Single().Actions.Select(a => (a.Label, a.Command)),
            Is.EqualTo(new[] { ("Still right", "review ok " + id), ("Edit", "review edit " + id), ("Retire", "review retire " + id) }));
        Assert.That(overdue, Does.Contain("may be out of date"));

        var byOther = PlainTextRenderer.Render(await _bot.SendAsync("bo", "review ok " + id));
        var confirmed = PlainTextRenderer.Render(await _bot.SendAsync("ann", "review ok " + id));
        var shown = PlainTextRenderer.Render(await _bot.SendAsync("bo", "show " + id));
        var edit = PlainTextRenderer.Render(await _bot.SendAsync("ann", "review edit " + id));

        Assert.That(byOther, Does.Contain("Only the answer's owner (@Ann) or a team admin"));
        Assert.That(confirmed, Does.Contain("confirmed as still right").And.Contain("Next review on 21 Nov 2027"));
        Assert.That(shown, Does.Contain("confirmed 25 May 2027").And.Not.Contain("may be out of date"));
        Assert.That(edit, Does.Contain($"share edit {id} How do we rotate the staging keys? :: make rotate-keys in the ops repo"));
        Assert.That((await RunAtAsync(start.AddDays(300))).ReviewsQueued, Is.Zero, "confirmed: not due before the new date");
        Assert.That((await RunAtAsync(start.AddDays(181 + 180))).ReviewsQueued, Is.EqualTo(1), "due again at the new date");
    }

    [Test]
    public async Task Retire_takes_an_answer_out_of_search_and_share_owner_hands_the_reviews_over()
    {
        await _bot.Services.GetRequiredService<IConversationRepository>().SaveAsync(BoDm, default);
        var keys = await ShareAsync("ann", "share How do we rotate the staging keys? :: make rotate-keys #ops");
        var vpn = await ShareAsync("ann", "share Where is the VPN config? :: in the wiki under network #it");

        var notOwner = PlainTextRenderer.Render(await _bot.SendAsync("cy", $"share owner {vpn} <@bo>"));
        var handed = await _bot.SendAsync("ann", $"share owner {vpn} <@bo>");
        var badForm = PlainTextRenderer.Render(await _bot.SendAsync("ann", $"share owner {vpn} bo"));
        var retired = PlainTextRenderer.Render(await _bot.SendAsync("ann", "review retire " + keys));
        var search = PlainTextRenderer.Render(await _bot.SendAsync("cy", "ask rotate staging keys"));
        var shown = PlainTextRenderer.Render(await _bot.SendAsync("ann", "show " + keys));
        var review = await RunAtAsync(_bot.Clock.GetUtcNow().AddDays(181));

        Assert.That(notOwner, Does.Contain("Only the answer's owner"));
        Assert.That(PlainTextRenderer.Render(handed), Does.Contain("@Bo now owns Where is the VPN config?"));
        Assert.That(handed.DirectMessages.Single().RecipientId, Is.EqualTo("bo"));
        Assert.That(badForm, Does.Contain("Name exactly one person"));
        Assert.That(retired, Does.Contain("no longer shows up in search"));
        Assert.That(search, Does.Not.Contain("make rotate-keys"));
        Assert.That(shown, Does.Contain("retired 25 Nov 2026"));
        Assert.That(review.ReviewsQueued, Is.EqualTo(1), "the retired answer is never reviewed; the handed-over one goes to its new owner");
        Assert.That(_platform.Sent.Single().ConversationKey, Is.EqualTo(BoDm.Key));
        Assert.That(PlainTextRenderer.Render(_platform.Sent.Single().Reply), Does.Contain("Where is the VPN config?"));
    }

    [Test]
    public async Task A_question_asked_three_times_names_who_knows_and_sends_it_once_to_them_if_they_opted_in()
    {
        await _bot.Services.GetRequiredService<IConversationRepository>().SaveAsync(BoDm, default);
        await _bot.SendAsync("bo", "learned vault audit logs go to splunk #vault");
        await _bot.SendAsync("bo", "learned vault policies live in terraform #vault");
        await _bot.SendAsync("cy", "learned the admin ui for our secrets lives at vault.internal, worth a bookmark");
        const string Question = "ask how do we rotate vault tokens on staging clusters";

        var first = PlainTextRenderer.Render(await _bot.SendAsync("ann", Question));
        var second = PlainTextRenderer.Render(await _bot.SendAsync("dee", Question));
        var thirdOptedOut = PlainTextRenderer.Render(await _bot.SendAsync("eve", Question));
        var optIn = PlainTextRenderer.Render(await _bot.SendAsync("bo", "settings ask-me on"));
        var me = PlainTextRenderer.Render(await _bot.SendAsync("bo", "me"));
        var fourth = PlainTextRenderer.Render(await _bot.SendAsync("fay", Question, key: "ask-4"));
        var redelivered = PlainTextRenderer.Render(await _bot.SendAsync("fay", Question, key: "ask-4"));
        var fifth = PlainTextRenderer.Render(await _bot.SendAsync("gus", Question));
        await Dispatcher.DispatchOnceAsync(default);

        Assert.That(first + second, Does.Not.Contain("may know"));
        Assert.That(thirdOptedOut, Does.Contain("@Bo may know").And.Contain("Ask them"));
        Assert.That(optIn, Does.Contain("ask-me is on"));
        Assert.That(me, Does.Contain("Ask me: on"));
        Assert.That(fourth, Does.Contain("@Bo may know").And.Contain("I've sent them the question."));
        Assert.That(redelivered, Does.Not.Contain("I've sent them"));
        Assert.That(fifth, Does.Contain("I sent them this question earlier."));
        var dm = _platform.Sent.Single();
        Assert.That(dm.ConversationKey, Is.EqualTo(BoDm.Key));
        var text = PlainTextRenderer.Render(dm.Reply);
        Assert.That(text, Does.Contain("how do we rotate vault tokens on staging clusters"));
        Assert.That(text, Does.Not.Contain("Ann").And.Not.Contain("Fay"), "the DM names none of the askers");
    }

    [Test]
    public async Task Someone_away_is_neither_named_nor_sent_the_question_and_the_next_who_knows_is()
    {
        await _bot.Services.GetRequiredService<IConversationRepository>().SaveAsync(BoDm, default);
        await _bot.SendAsync("bo", "learned vault audit logs go to splunk #vault");
        await _bot.SendAsync("bo", "learned vault policies live in terraform #vault");
        await _bot.SendAsync("bo", "settings ask-me on");
        await _bot.SendAsync("cy", "learned the admin ui for our secrets lives at vault.internal, worth a bookmark");
        var away = PlainTextRenderer.Render(await _bot.SendAsync("bo", "away until 2026-12-31"));
        const string Question = "ask how do we rotate vault tokens on staging clusters";

        await _bot.SendAsync("ann", Question);
        await _bot.SendAsync("dee", Question);
        var third = PlainTextRenderer.Render(await _bot.SendAsync("eve", Question));
        await Dispatcher.DispatchOnceAsync(default);

        Assert.That(away, Does.Contain("31"), away);
        Assert.That(third, Does.Contain("3 times").And.Not.Contain("@Bo may know").And.Contain("@Cy may know"), third);
        Assert.That(_platform.Sent, Is.Empty, "Bo opted in but is away; Cy did not opt in");
    }

    [Test]
    public async Task The_expert_is_never_sent_a_question_they_asked_themselves()
    {
        await _bot.Services.GetRequiredService<IConversationRepository>().SaveAsync(BoDm, default);
        await _bot.SendAsync("bo", "learned vault audit logs go to splunk #vault");
        await _bot.SendAsync("bo", "settings ask-me on");
        const string Question = "ask how do we rotate vault tokens on staging clusters";

        await _bot.SendAsync("ann", Question);
        await _bot.SendAsync("bo", Question);
        var third = PlainTextRenderer.Render(await _bot.SendAsync("cy", Question));
        await Dispatcher.DispatchOnceAsync(default);

        Assert.That(third, Does.Contain("3 times").And.Not.Contain("@Bo may know"));
        Assert.That(_platform.Sent, Is.Empty);
    }

    [Test]
    public async Task Prompt_remind_posts_one_reminder_in_the_thread_an_hour_before_the_digest_naming_nobody()
    {
        await AdminAsync("prompt set thu 09:30 Europe/Berlin");
        var byMember = PlainTextRenderer.Render(await _bot.SendAsync("ann", "prompt remind on", conversation: Channel));
        var on = PlainTextRenderer.Render(await AdminAsync("prompt remind on"));
        await RunAtAsync(Thursday0830Utc);
        var post = _platform.Sent.Single();
        await _bot.Services.GetRequiredService<PromptAnswerRecorder>().RecordAsync(
            new LearningBot.Core.Commands.IncomingMessage("acme", "bo", "Bo", "tracing samplers #observability", "r1"), Channel.Key, post.MessageId, default);

        // The digest is due 24 hours after the prompt (next Thursday is further away): the reminder an hour before.
        var early = await RunAtAsync(Thursday0830Utc.AddHours(23).AddMinutes(-1));
        _bot.Clock.SetUtcNow(Thursday0830Utc.AddHours(23));
        var runs = await Task.WhenAll(Scheduler.RunOnceAsync(default), Scheduler.RunOnceAsync(default));
        await Dispatcher.DispatchOnceAsync(default);
        var later = await RunAtAsync(Thursday0830Utc.AddHours(23).AddMinutes(30));
        await RunAtAsync(Thursday0830Utc.AddHours(24));

        Assert.That(byMember, Does.Contain("Only team admins"));
        Assert.That(on, Does.Contain("Reminder: one in the thread an hour before the digest"));
        Assert.That(early.Reminded + later.Reminded, Is.Zero);
        Assert.That(runs.Sum(r => r.Reminded), Is.EqualTo(1));
        var sent = _platform.Sent.ToList();
        Assert.That(sent, Has.Count.EqualTo(3), "prompt, one reminder, digest");
        var reminder = sent[1];
        Assert.That((reminder.ConversationKey, reminder.ThreadId), Is.EqualTo((Channel.Key, post.MessageId)));
        var text = PlainTextRenderer.Render(reminder.Reply);
        Assert.That(text, Does.Contain("About an hour left").And.Contain("09:30"));
        Assert.That(text, Does.Not.Contain("@"), "names nobody");
        Assert.That(PlainTextRenderer.Render(sent[2].Reply), Does.Contain("Learning minute"));
    }

    [Test]
    public async Task Without_prompt_remind_there_is_no_reminder()
    {
        await AdminAsync("prompt set thu 09:30 Europe/Berlin");
        await RunAtAsync(Thursday0830Utc);
        var reminded = await RunAtAsync(Thursday0830Utc.AddHours(23));

        Assert.That(reminded.Reminded, Is.Zero);
        Assert.That(_platform.Sent, Has.Count.EqualTo(1));
    }
}
