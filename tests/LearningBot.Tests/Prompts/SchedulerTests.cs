using LearningBot.Core.Commands;
using LearningBot.Core.Conversations;
using LearningBot.Core.Outbox;
using LearningBot.Core.Prompts;
using LearningBot.Core.Replies;
using LearningBot.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Prompts;

/// <summary>
/// The scheduler, dispatcher and prompt/nudge commands end to end, on each storage engine: SQLite, and
/// Cosmos DB (the local test server, a database per test) registered over it as the web host would.
/// </summary>
[TestFixture("Sqlite")]
[TestFixture("Cosmos")]
public sealed partial class SchedulerTests(string engine)
{
    private readonly List<string> _cosmosDatabases = [];

    private static readonly StoredConversation Channel = new("test:acme:C1", "test", "acme", ConversationKind.Channel, null, "{}", true,
        DateTimeOffset.UnixEpoch);

    private static readonly StoredConversation AnnDm = new("test:acme:D-ann", "test", "acme", ConversationKind.Personal, "ann", "{}", true,
        DateTimeOffset.UnixEpoch);

    private RecordingMessenger _platform = null!;
    private PipelineHarness _bot = null!;

    [SetUp]
    public async Task Start()
    {
        _platform = new RecordingMessenger();
        _bot = await StartHarnessAsync(services => services.AddSingleton<IProactiveMessenger>(_platform), shared: null);
    }

    [TearDown]
    public async Task Stop()
    {
        if (_bot is null)
        {
            return; // set-up was ignored (no Cosmos server)
        }

        await _bot.DisposeAsync();
        _bot = null!;
        if (_cosmosDatabases.Count > 0)
        {
            var target = Storage.CosmosTestTarget.FindOrIgnore();
            foreach (var database in _cosmosDatabases.Distinct())
            {
                using var store = target.CreateStore(target.Options(database, LearningBot.Storage.Cosmos.CosmosSearchMode.Contains));
                await store.DeleteDatabaseAsync(default);
            }

            _cosmosDatabases.Clear();
        }
    }

    /// <param name="shared">Two harnesses given the same value share one store (a SQLite file path, or the Cosmos database name).</param>
    private Task<PipelineHarness> StartHarnessAsync(Action<IServiceCollection> configure, string? shared)
    {
        if (engine != "Cosmos")
        {
            return PipelineHarness.StartAsync(configure, shared);
        }

        var target = Storage.CosmosTestTarget.FindOrIgnore();
        var database = shared is null ? $"lbpipe-{Guid.NewGuid():N}"[..20] : "lbpipe-" + LearningBot.Core.Outbox.StableId.Of(shared)[..13];
        _cosmosDatabases.Add(database);
        var options = target.Options(database, LearningBot.Storage.Cosmos.CosmosSearchMode.Contains);
        return PipelineHarness.StartAsync(services =>
        {
            configure(services);
            // Registered after the harness's SQLite storage, so every repository resolves to Cosmos.
            LearningBot.Storage.Cosmos.ServiceCollectionExtensions.AddCosmosStorage(services, options);
            services.AddSingleton(target.CreateStore(options));
        });
    }

    private PromptScheduler Scheduler => _bot.Services.GetRequiredService<PromptScheduler>();

    private OutboxDispatcher Dispatcher => _bot.Services.GetRequiredService<OutboxDispatcher>();

    private IPromptRepository Prompts => _bot.Services.GetRequiredService<IPromptRepository>();

    /// <summary>Moves the clock to an instant and lets the scheduler and dispatcher do their work, as the host loop would.</summary>
    private async Task<SchedulerRun> RunAtAsync(DateTimeOffset instant)
    {
        _bot.Clock.SetUtcNow(instant);
        var run = await Scheduler.RunOnceAsync(default);
        await Dispatcher.DispatchOnceAsync(default);
        return run;
    }

    private Task<BotReply> AdminAsync(string text) => _bot.SendAsync("lead", text, admin: true, conversation: Channel);

    // Wednesday 25 Nov 2026 10:00 UTC is "now" when each test starts; Thursday 26 Nov 09:30 Berlin = 08:30 UTC.
    private static readonly DateTimeOffset Thursday0830Utc = new(2026, 11, 26, 8, 30, 0, TimeSpan.Zero);

    [Test]
    public async Task Prompt_set_is_for_admins_in_a_channel()
    {
        var byMember = await _bot.SendAsync("ann", "prompt set mon,thu 09:30 Europe/Berlin", conversation: Channel);
        var inDm = await _bot.SendAsync("lead", "prompt set mon,thu 09:30", admin: true, conversation: AnnDm);
        var byAdmin = await AdminAsync("prompt set mon,thu 09:30 Europe/Berlin");
        var shown = PlainTextRenderer.Render(await _bot.SendAsync("ann", "prompt show", conversation: Channel));

        Assert.That(PlainTextRenderer.Render(byMember), Does.Contain("Only team admins"));
        Assert.That(PlainTextRenderer.Render(inDm), Does.Contain("live in a channel"));
        Assert.That(byAdmin.Audience, Is.EqualTo(ReplyAudience.Channel));
        Assert.That(shown, Does.Contain("When: Mon, Thu at 09:30 (Europe/Berlin)"));
        Assert.That(shown, Does.Contain("Question: " + PromptSchedule.DefaultQuestion));
        Assert.That(shown, Does.Contain("Next: Thu 26 Nov 09:30"));
        Assert.That((await Prompts.GetScheduleAsync(Channel.TeamId, Channel.Key, default))!.NextDueAt, Is.EqualTo(Thursday0830Utc));
    }

    [Test]
    public async Task The_prompt_is_posted_once_answers_are_collected_and_a_digest_thanks_everyone_in_the_thread()
    {
        await AdminAsync("prompt set mon,thu 09:30 Europe/Berlin \"What did you learn this week?\"");

        var early = await RunAtAsync(Thursday0830Utc.AddMinutes(-1));
        var due = await RunAtAsync(Thursday0830Utc);
        var again = await RunAtAsync(Thursday0830Utc.AddMinutes(1));

        Assert.That(early.Posted + again.Posted, Is.EqualTo(0));
        Assert.That(due.Posted, Is.EqualTo(1));
        var post = _platform.Sent.Single();
        Assert.That(post.ConversationKey, Is.EqualTo(Channel.Key));
        Assert.That(PlainTextRenderer.Render(post.Reply), Does.Contain("What did you learn this week?"));

        var recorder = _bot.Services.GetRequiredService<PromptAnswerRecorder>();
        Task<LearningBot.Core.Learnings.LearningEntry?> Answer(string user, string text, string key) => recorder.RecordAsync(
            new IncomingMessage("acme", user, char.ToUpperInvariant(user[0]) + user[1..], text, key), Channel.Key, post.MessageId, default);
        var fromAnn = await Answer("ann", "feature flags beat long-lived branches #delivery 20m", "r1");
        _bot.Clock.Advance(TimeSpan.FromMinutes(1));
        await Answer("bo", "how our tracing sampler works #observability", "r2");
        await Answer("ann", "feature flags beat long-lived branches #delivery 20m", "r1"); // redelivered
        var unrelated = await recorder.RecordAsync(new IncomingMessage("acme", "cy", "Cy", "hi", "r3"), Channel.Key, "other-thread", default);

        Assert.That(fromAnn!.Tags, Is.EqualTo(new[] { "delivery" }));
        Assert.That(fromAnn.Minutes, Is.EqualTo(20));
        Assert.That(unrelated, Is.Null);

        // Next meeting is Monday 30 Nov 09:30 Berlin; the digest goes out 10 minutes before it or 24 hours after the prompt.
        var beforeClose = await RunAtAsync(Thursday0830Utc.AddHours(24).AddMinutes(-1));
        var atClose = await RunAtAsync(Thursday0830Utc.AddHours(24));

        Assert.That(beforeClose.Closed, Is.EqualTo(0));
        Assert.That(atClose.Closed, Is.EqualTo(1));
        var digest = _platform.Sent.Last();
        var text = PlainTextRenderer.Render(digest.Reply);
        Assert.That(digest.ThreadId, Is.EqualTo(post.MessageId));
        Assert.That(text, Does.Contain("Learning minute: 2 answers from 2 people"));
        Assert.That(text, Does.Contain("#delivery (1)"));
        Assert.That(text, Does.Contain("@Ann: feature flags beat long-lived branches"));
        Assert.That(text, Does.Contain("Thank you @Ann and @Bo for sharing!"));
        Assert.That(_platform.Sent, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_private_answer_in_the_prompt_thread_stays_out_of_the_digest_and_the_dashboard()
    {
        await AdminAsync("prompt set thu 09:30 Europe/Berlin");
        await RunAtAsync(Thursday0830Utc);
        var post = _platform.Sent.Single();
        var recorder = _bot.Services.GetRequiredService<PromptAnswerRecorder>();
        Task<LearningBot.Core.Learnings.LearningEntry?> Answer(string user, string text, string key) => recorder.RecordAsync(
            new IncomingMessage("acme", user, char.ToUpperInvariant(user[0]) + user[1..], text, key), Channel.Key, post.MessageId, default);

        var privateAnswer = await Answer("ann", "--private quokka husbandry rota #zebrafish 47m", "r1");
        await Answer("bo", "how our tracing sampler works #observability 20m", "r2");
        await _bot.SendAsync("cy", "learned --private capybara grooming #wombat 33m"); // private, but not an answer
        await RunAtAsync(Thursday0830Utc.AddHours(24));

        var digest = PlainTextRenderer.Render(_platform.Sent.Last().Reply);
        var dashboard = await new LearningBot.Web.Dashboard.DashboardData(
            _bot.Services.GetRequiredService<LearningBot.Core.Insights.TeamActivityReader>(),
            _bot.Services.GetRequiredService<LearningBot.Core.Settings.ITeamSettingsRepository>(),
            _bot.Services.GetRequiredService<LearningBot.Core.Members.IMemberRepository>(), _bot.Clock).BuildAsync("acme", names: true, default);
        var week = dashboard.Weeks.Single(w => w.Week == "2026-11-23");

        Assert.That(privateAnswer!.IsPrivate, Is.True, "--private works in the thread as in the command");
        Assert.That(privateAnswer.Text, Is.EqualTo("quokka husbandry rota"));
        Assert.That(digest, Does.Contain("Learning minute: 1 answer from 1 person"));
        Assert.That(digest, Does.Contain("@Bo: how our tracing sampler works"));
        Assert.That(digest, Does.Not.Contain("quokka").And.Not.Contain("zebrafish").And.Not.Contain("@Ann").And.Not.Contain("capybara"));
        Assert.That(week.Learnings, Is.EqualTo(3), "the anonymous total counts every learning");
        Assert.That(week.PromptAnswers, Is.EqualTo(1));
        Assert.That(week.MinutesLogged, Is.EqualTo(20));
        Assert.That(dashboard.TopTagsThisMonth.Select(t => t.Tag), Is.EqualTo(new[] { "observability" }));
        Assert.That(dashboard.TopTagsThisMonth.Single().WhoKnows, Is.EqualTo("Bo"));
    }

    [Test]
    public async Task An_occurrence_without_answers_gets_a_gentle_note()
    {
        await AdminAsync("prompt set thu 09:30 Europe/Berlin");
        await RunAtAsync(Thursday0830Utc);

        await RunAtAsync(Thursday0830Utc.AddHours(24));

        var note = PlainTextRenderer.Render(_platform.Sent.Last().Reply);
        Assert.That(note, Does.Contain("quiet one this time"));
        Assert.That(note, Does.Not.Contain("nobody").IgnoreCase);
    }

    [Test]
    public async Task After_downtime_an_occurrence_within_the_grace_window_still_posts_and_older_ones_are_missed()
    {
        await AdminAsync("prompt set daily 09:30 Europe/Berlin");

        // Down from Wednesday until Friday 08:40 UTC: Thursday's is 24 h late (missed), Friday's 10 minutes late (posted).
        var run = await RunAtAsync(Thursday0830Utc.AddDays(1).AddMinutes(10));

        Assert.That(run.Missed, Is.EqualTo(1));
        Assert.That(run.Posted, Is.EqualTo(1));
        Assert.That(_platform.Sent, Has.Count.EqualTo(1));
        var occurrences = await Prompts.ListOccurrencesAsync(Channel.Key, 10, default);
        Assert.That(occurrences.Select(o => (o.ScheduledAt, o.State)), Is.EqualTo(new[]
        {
            (Thursday0830Utc.AddDays(1), OccurrenceState.Posted),
            (Thursday0830Utc, OccurrenceState.Missed),
        }));
    }

    [Test]
    public async Task A_late_start_beyond_the_grace_window_posts_nothing()
    {
        await AdminAsync("prompt set thu 09:30 Europe/Berlin");

        var run = await RunAtAsync(Thursday0830Utc.AddMinutes(16));

        Assert.That(run.Missed, Is.EqualTo(1));
        Assert.That(_platform.Sent, Is.Empty);
    }

    [Test]
    public async Task Pause_skip_next_resume_and_off()
    {
        await AdminAsync("prompt set daily 09:30 Europe/Berlin");
        await AdminAsync("prompt skip next");
        var skipped = await RunAtAsync(Thursday0830Utc);
        var posted = await RunAtAsync(Thursday0830Utc.AddDays(1));
        await AdminAsync("prompt pause");
        var paused = await RunAtAsync(Thursday0830Utc.AddDays(2));
        await AdminAsync("prompt resume");
        var resumed = await RunAtAsync(Thursday0830Utc.AddDays(3));
        var byMember = await _bot.SendAsync("ann", "prompt off", conversation: Channel);
        await AdminAsync("prompt off");
        var off = await RunAtAsync(Thursday0830Utc.AddDays(4));

        Assert.That((skipped.Skipped, skipped.Posted), Is.EqualTo((1, 0)));
        Assert.That(posted.Posted, Is.EqualTo(1));
        Assert.That((paused.Skipped, paused.Posted), Is.EqualTo((1, 0)));
        Assert.That(resumed.Posted, Is.EqualTo(1));
        Assert.That(PlainTextRenderer.Render(byMember), Does.Contain("Only team admins"));
        Assert.That(off.Posted + off.Skipped + off.Missed, Is.EqualTo(0));
        Assert.That(_platform.Sent.Count(s => s.Reply.Kind == ReplyKind.Prompt), Is.EqualTo(2));
    }

    [Test]
    public async Task After_skip_next_the_skipped_time_is_not_shown_as_next()
    {
        await AdminAsync("prompt set mon,thu 09:30 Europe/Berlin");
        var before = PlainTextRenderer.Render(await AdminAsync("prompt show"));

        var skip = PlainTextRenderer.Render(await AdminAsync("prompt skip next"));
        var show = PlainTextRenderer.Render(await AdminAsync("prompt show"));

        var nextBefore = Line(before, "Next:");
        Assert.That(nextBefore, Is.Not.Empty);
        foreach (var text in new[] { skip, show })
        {
            Assert.That(Line(text, "Next:"), Is.Not.EqualTo(nextBefore), text);
            Assert.That(Line(text, "Skipped:"), Is.EqualTo(nextBefore.Replace("Next:", "Skipped:")), text);
        }

        static string Line(string text, string label) =>
            text.Split('\n').Select(l => l.Trim().TrimStart('•', ' ')).FirstOrDefault(l => l.StartsWith(label, StringComparison.Ordinal)) ?? "";
    }

    [Test]
    public async Task Prompt_now_posts_immediately()
    {
        await AdminAsync("prompt set thu 09:30 Europe/Berlin");

        var reply = await AdminAsync("prompt now");
        await Dispatcher.DispatchOnceAsync(default);

        Assert.That(PlainTextRenderer.Render(reply), Does.Contain("Posting the prompt now"));
        Assert.That(_platform.Sent, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Two_scheduler_instances_over_one_store_post_each_occurrence_once()
    {
        await using var directory = new AsyncTempDirectory();
        var path = directory.File("shared.db");
        var platformA = new RecordingMessenger();
        var platformB = new RecordingMessenger();
        await using var instanceA = await StartHarnessAsync(s => s.AddSingleton<IProactiveMessenger>(platformA), path);
        await using var instanceB = await StartHarnessAsync(s => s.AddSingleton<IProactiveMessenger>(platformB), path);
        for (var channel = 0; channel < 20; channel++)
        {
            var conversation = Channel with { Key = $"test:acme:C{channel}" };
            await instanceA.SendAsync("lead", "prompt set daily 09:30 Europe/Berlin", admin: true, conversation: conversation);
        }

        for (var day = 0; day < 3; day++)
        {
            var at = Thursday0830Utc.AddDays(day);
            instanceA.Clock.SetUtcNow(at);
            instanceB.Clock.SetUtcNow(at);
            await Task.WhenAll(
                instanceA.Services.GetRequiredService<PromptScheduler>().RunOnceAsync(default),
                instanceB.Services.GetRequiredService<PromptScheduler>().RunOnceAsync(default));
            // Each round sends one message per channel (the rate limit), so drain the outbox second by second.
            for (var second = 1; second <= 10; second++)
            {
                await Task.WhenAll(
                    instanceA.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(default),
                    instanceB.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync(default));
                instanceA.Clock.SetUtcNow(at.AddSeconds(second));
                instanceB.Clock.SetUtcNow(at.AddSeconds(second));
            }
        }

        Assert.That(await instanceA.Services.GetRequiredService<IOutbox>().CountPendingAsync(default), Is.EqualTo(0));

        var posts = platformA.Sent.Concat(platformB.Sent).Where(s => s.Reply.Kind == ReplyKind.Prompt).ToList();
        Assert.That(posts, Has.Count.EqualTo(60));
        Assert.That(posts.Select(p => p.ConversationKey).Distinct().Count(), Is.EqualTo(20));
        Assert.That(posts.GroupBy(p => p.ConversationKey).All(g => g.Count() == 3));
    }

    [Test]
    public async Task Full_batches_say_more_may_be_due_until_every_due_prompt_is_claimed_and_sent_once()
    {
        var platform = new RecordingMessenger();
        await using var bot = await PipelineHarness.StartAsync(s => s
            .AddSingleton<IProactiveMessenger>(platform)
            .Configure<SchedulerOptions>(o => o.BatchSize = 3));
        for (var channel = 0; channel < 7; channel++)
        {
            await bot.SendAsync("lead", "prompt set thu 09:30 Europe/Berlin", admin: true, conversation: Channel with { Key = $"test:acme:C{channel}" });
        }

        bot.Clock.SetUtcNow(Thursday0830Utc);
        var scheduler = bot.Services.GetRequiredService<PromptScheduler>();
        var dispatcher = bot.Services.GetRequiredService<OutboxDispatcher>();
        var runs = new List<(SchedulerRun Run, DispatchRound Round)>();
        bool more;
        do
        {
            // What the host does within one tick (SchedulerHostedService).
            var run = await scheduler.RunOnceAsync(default);
            var round = await dispatcher.DispatchRoundAsync(default);
            runs.Add((run, round));
            more = run.MoreMayBeDue || round.MoreMayBeDue;
        }
        while (more && runs.Count < 10);

        Assert.That(runs.Select(r => (r.Run.Posted, r.Run.MoreMayBeDue, r.Round.Leased, r.Round.MoreMayBeDue)),
            Is.EqualTo(new[] { (3, true, 3, true), (3, true, 3, true), (1, false, 1, false) }));
        Assert.That(platform.Sent.Select(s => s.ConversationKey).Order(), Is.EqualTo(Enumerable.Range(0, 7).Select(c => $"test:acme:C{c}")));
        Assert.That(await bot.Services.GetRequiredService<IOutbox>().CountPendingAsync(default), Is.EqualTo(0));
    }

    [Test]
    public async Task During_a_platform_outage_messages_wait_in_the_outbox_and_are_delivered_once_it_is_back()
    {
        await AdminAsync("prompt set thu 09:30 Europe/Berlin");
        _platform.Outage = new ProactiveSendOutcome(ProactiveSendResult.Failed, RetryAfter: TimeSpan.FromSeconds(30));

        await RunAtAsync(Thursday0830Utc);
        await RunAtAsync(Thursday0830Utc.AddSeconds(10)); // still inside Retry-After: not even attempted
        var outbox = _bot.Services.GetRequiredService<IOutbox>();
        Assert.That(await outbox.CountPendingAsync(default), Is.EqualTo(1));

        _platform.Outage = null;
        await RunAtAsync(Thursday0830Utc.AddSeconds(31));
        await RunAtAsync(Thursday0830Utc.AddMinutes(5));

        Assert.That(_platform.Sent, Has.Count.EqualTo(1));
        Assert.That(await outbox.CountPendingAsync(default), Is.EqualTo(0));
        var occurrence = (await Prompts.ListOccurrencesAsync(Channel.Key, 1, default)).Single();
        Assert.That(occurrence.State, Is.EqualTo(OccurrenceState.Posted));
        Assert.That(occurrence.PostedMessageId, Is.EqualTo(_platform.Sent.Single().MessageId));
    }

    [Test]
    public async Task A_conversation_the_bot_was_removed_from_is_given_up()
    {
        await AdminAsync("prompt set thu 09:30 Europe/Berlin");
        _platform.Outage = new ProactiveSendOutcome(ProactiveSendResult.Gone);

        await RunAtAsync(Thursday0830Utc);

        var conversation = await _bot.Services.GetRequiredService<IConversationRepository>().GetAsync(Channel.Key, default);
        Assert.That(conversation!.IsActive, Is.False);
        Assert.That(await _bot.Services.GetRequiredService<IOutbox>().CountPendingAsync(default), Is.EqualTo(0));
    }

    [Test]
    public async Task Messages_to_one_conversation_are_spaced_to_respect_its_rate_limit()
    {
        var outbox = _bot.Services.GetRequiredService<IOutbox>();
        await _bot.Services.GetRequiredService<IConversationRepository>().SaveAsync(Channel, default);
        var now = _bot.Clock.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            await outbox.EnqueueAsync(new OutboxMessage($"m{i}", "acme", Channel.Key, OutboxPurpose.PromptDigest, null,
                PromptMessages.Question($"q{i}"), now.AddMilliseconds(i)), default);
        }

        var first = await Dispatcher.DispatchOnceAsync(default);
        var sameSecond = await Dispatcher.DispatchOnceAsync(default);
        _bot.Clock.Advance(TimeSpan.FromSeconds(1));
        var nextSecond = await Dispatcher.DispatchOnceAsync(default);

        Assert.That((first, sameSecond, nextSecond), Is.EqualTo((1, 0, 1)));
        Assert.That(PlainTextRenderer.Render(_platform.Sent.First().Reply), Does.Contain("q0"));
    }

    [Test]
    public async Task Nudges_go_to_opted_in_people_once_a_week_in_their_time_zone()
    {
        var onReply = PlainTextRenderer.Render(await _bot.SendAsync("ann", "nudge on fri 15:00", conversation: AnnDm));
        await _bot.SendAsync("bo", "nudge on");
        await _bot.SendAsync("cy", "nudge on", conversation: AnnDm with { Key = "test:acme:D-cy", UserId = "cy" });
        await _bot.SendAsync("cy", "nudge off");

        // The team's zone is UTC: Friday 27 Nov 15:00 UTC.
        var friday = new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero);
        var run = await RunAtAsync(friday);
        var later = await RunAtAsync(friday.AddHours(1));

        Assert.That(onReply, Does.Contain("Fri at 15:00 (UTC)"));
        Assert.That(run.Nudged, Is.EqualTo(1)); // bo has no DM conversation yet; cy opted out
        Assert.That(later.Nudged, Is.EqualTo(0));
        var dm = _platform.Sent.Single();
        Assert.That(dm.ConversationKey, Is.EqualTo(AnnDm.Key));
        Assert.That(PlainTextRenderer.Render(dm.Reply), Does.StartWith("Hi Ann 👋 What did you learn this week?"));

        var nextFriday = await RunAtAsync(friday.AddDays(7));
        Assert.That(nextFriday.Nudged, Is.EqualTo(1));
    }

    [Test]
    public async Task Nobody_is_nudged_while_away_and_nudges_resume_after_the_last_day_or_back()
    {
        await _bot.SendAsync("ann", "nudge on fri 15:00", conversation: AnnDm);
        await _bot.SendAsync("cy", "nudge on fri 15:00", conversation: AnnDm with { Key = "test:acme:D-cy", UserId = "cy" });
        await _bot.SendAsync("ann", "away until 2026-12-04"); // Wednesday 25 Nov: away over two Fridays
        await _bot.SendAsync("cy", "away until 2026-12-31");

        var friday = new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero);
        var whileAway = await RunAtAsync(friday);
        var lastDay = await RunAtAsync(friday.AddDays(7));
        _bot.Clock.SetUtcNow(friday.AddDays(13));
        await _bot.SendAsync("cy", "back");
        var afterwards = await RunAtAsync(friday.AddDays(14));

        Assert.That(whileAway.Nudged, Is.EqualTo(0));
        Assert.That(lastDay.Nudged, Is.EqualTo(0), "Friday 4 Dec is still a day away");
        Assert.That(afterwards.Nudged, Is.EqualTo(2), "ann's time ended by itself; cy said back");
        Assert.That(_platform.Sent.Select(s => s.ConversationKey), Is.EquivalentTo(new[] { AnnDm.Key, "test:acme:D-cy" }));
    }

    [Test]
    public async Task A_member_time_zone_moves_the_nudge()
    {
        await _bot.Services.GetRequiredService<CommandPipeline>().HandleAsync(
            new IncomingMessage("acme", "ann", "Ann", "nudge on fri 15:00", "k1") { UserTimeZoneId = "Asia/Kolkata", Conversation = AnnDm },
            default);

        var atUtc1500 = await RunAtAsync(new DateTimeOffset(2026, 11, 27, 9, 29, 0, TimeSpan.Zero));
        var atKolkata1500 = await RunAtAsync(new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero));

        Assert.That(atUtc1500.Nudged, Is.EqualTo(0));
        Assert.That(atKolkata1500.Nudged, Is.EqualTo(1));
    }

    [Test]
    public void Outbox_replies_round_trip_through_json()
    {
        var reply = PromptMessages.Digest(
            [new LearningBot.Core.Learnings.LearningEntry("1", "acme", "ann", "x <b>y</b>", ["t"], 5, DateTimeOffset.UnixEpoch, "k")],
            new Dictionary<string, string> { ["ann"] = "Ann" });

        var json = ReplyJson.Serialize(reply);
        var back = ReplyJson.Deserialize(json);

        Assert.That(PlainTextRenderer.Render(back), Is.EqualTo(PlainTextRenderer.Render(reply)));
        Assert.That(back.Blocks.OfType<NoteBlock>().Single().Text.Spans.OfType<MentionSpan>().Single(), Is.EqualTo(new MentionSpan("ann", "Ann")));
    }
}

/// <summary>A temp folder usable with <c>await using</c>.</summary>
public sealed class AsyncTempDirectory : IAsyncDisposable
{
    private readonly TempDirectory _inner = new();

    public string File(string name) => _inner.File(name);

    public ValueTask DisposeAsync()
    {
        _inner.Dispose();
        return ValueTask.CompletedTask;
    }
}
