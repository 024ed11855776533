using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Settings;
using LearningBot.Core.Storage;

namespace LearningBot.Tests.Storage;

/// <summary>
/// What every storage engine must do. Each engine's fixture derives from this class and only says
/// how to create an empty store, so SQLite and Cosmos are held to exactly the same behaviour.
/// </summary>
public abstract partial class RepositoryContractTests
{
    protected static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static int _sequence;

    protected StoreUnderTest Store { get; private set; } = null!;

    /// <summary>Teams unique to each test, so engines that share one database across tests stay independent.</summary>
    protected string TeamA { get; private set; } = null!;

    protected string TeamB { get; private set; } = null!;

    protected abstract Task<StoreUnderTest> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    // Search tests are virtual so an engine's fixture can give them a category (e.g. Cosmos full-text
    // search, which the local Cosmos test server cannot run) without changing what they assert.

    [SetUp]
    public async Task CreateStore()
    {
        var run = Interlocked.Increment(ref _sequence);
        TeamA = $"team-a-{run}-{Guid.NewGuid():N}";
        TeamB = $"team-b-{run}-{Guid.NewGuid():N}";
        Store = await CreateStoreAsync();
    }

    [TearDown]
    public Task DisposeStore() => DisposeStoreAsync();

    protected static string NewId() => Guid.NewGuid().ToString("N");

    protected LearningEntry Learning(string team, string user, string text, DateTimeOffset at, string? key = null, params string[] tags) =>
        new(NewId(), team, user, text, tags, 15, at, key ?? NewId());

    protected KudosGift Gift(string team, string giver, string[] receivers, string reason, DateTimeOffset at, string? key = null) =>
        new(NewId(), team, giver, receivers, reason, "mentoring", at, key ?? NewId());

    protected KnowledgePost Post(string team, string author, string question, string answer, DateTimeOffset at, string? key = null) =>
        new(NewId(), team, author, question, answer, ["ops"], at, key ?? NewId());

    // ---- Learnings ----

    [Test]
    public async Task Learnings_are_listed_newest_first_with_every_field()
    {
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "first", Monday), default);
        var second = Learning(TeamA, "ann", "second", Monday.AddHours(1), tags: ["postgres", "sql"]);
        await Store.Learnings.AddAsync(second, default);

        var listed = await Store.Learnings.ListAsync(new LearningQuery(TeamA, null, null, 10), default);

        Assert.That(listed.Select(e => e.Text), Is.EqualTo(new[] { "second", "first" }));
        Assert.That(listed[0].Id, Is.EqualTo(second.Id));
        Assert.That(listed[0].Tags, Is.EqualTo(new[] { "postgres", "sql" }));
        Assert.That(listed[0].Minutes, Is.EqualTo(15));
        Assert.That(listed[0].CreatedAt, Is.EqualTo(second.CreatedAt));
        Assert.That(listed[0].UserId, Is.EqualTo("ann"));
    }

    [Test]
    public async Task A_redelivered_learning_is_stored_once_and_returns_the_original()
    {
        var original = Learning(TeamA, "ann", "original", Monday, key: "msg-1");
        var first = await Store.Learnings.AddAsync(original, default);
        var again = await Store.Learnings.AddAsync(Learning(TeamA, "ann", "retry", Monday.AddMinutes(1), key: "msg-1"), default);

        Assert.That(first.Created, Is.True);
        Assert.That(again.Created, Is.False);
        Assert.That(again.Value.Id, Is.EqualTo(original.Id));
        Assert.That(again.Value.Text, Is.EqualTo("original"));
        var listed = await Store.Learnings.ListAsync(new LearningQuery(TeamA, null, null, 10), default);
        Assert.That(listed, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task The_same_idempotency_key_in_two_teams_is_two_records()
    {
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "a", Monday, key: "same"), default);
        var inB = await Store.Learnings.AddAsync(Learning(TeamB, "ann", "b", Monday, key: "same"), default);

        Assert.That(inB.Created, Is.True);
    }

    [Test]
    public async Task Learnings_filter_by_team_person_time_and_privacy()
    {
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "old", Monday.AddDays(-10)), default);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "new", Monday), default);
        await Store.Learnings.AddAsync(Learning(TeamA, "bo", "bo's", Monday), default);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "secret", Monday) with { IsPrivate = true }, default);
        await Store.Learnings.AddAsync(Learning(TeamB, "ann", "other team", Monday), default);

        var annSinceMonday = await Store.Learnings.ListAsync(new LearningQuery(TeamA, "ann", Monday, 10), default);
        var annOwnView = await Store.Learnings.ListAsync(new LearningQuery(TeamA, "ann", null, 10) { IncludePrivate = true }, default);
        var team = await Store.Learnings.ListAsync(new LearningQuery(TeamA, null, null, 10), default);
        var limited = await Store.Learnings.ListAsync(new LearningQuery(TeamA, null, null, 2), default);

        Assert.That(annSinceMonday.Select(e => e.Text), Is.EqualTo(new[] { "new" }));
        Assert.That(annOwnView.Select(e => e.Text), Is.EquivalentTo(new[] { "old", "new", "secret" }));
        Assert.That(annOwnView.Single(e => e.Text == "secret").IsPrivate, Is.True);
        Assert.That(team.Select(e => e.Text), Is.EquivalentTo(new[] { "old", "new", "bo's" }));
        Assert.That(limited, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Prompt_answers_keep_their_occurrence_and_are_listed_by_it()
    {
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "answer 1", Monday) with { OccurrenceId = "occ-1" }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "bo", "answer 2", Monday.AddMinutes(1)) with { OccurrenceId = "occ-1" }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "other prompt", Monday) with { OccurrenceId = "occ-2" }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "plain", Monday), default);

        var answers = await Store.Learnings.ListAsync(new LearningQuery(TeamA, null, null, 10) { OccurrenceId = "occ-1" }, default);
        var all = await Store.Learnings.ListAsync(new LearningQuery(TeamA, null, null, 10), default);

        Assert.That(answers.Select(e => e.Text), Is.EqualTo(new[] { "answer 2", "answer 1" }));
        Assert.That(answers.Select(e => e.OccurrenceId), Is.All.EqualTo("occ-1"));
        Assert.That(all.Single(e => e.Text == "plain").OccurrenceId, Is.Null);
        Assert.That(all, Has.Count.EqualTo(4));
    }

    [Test]
    public async Task A_private_prompt_answer_is_listed_for_its_occurrence_only_in_the_authors_own_view()
    {
        // The scheduled prompt digest lists an occurrence's answers without IncludePrivate.
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "quokka husbandry rota", Monday, null, "zebrafish")
            with { OccurrenceId = "occ-1", IsPrivate = true, Minutes = 47 }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "bo", "tracing sampler", Monday.AddMinutes(1)) with { OccurrenceId = "occ-1" }, default);

        var digest = await Store.Learnings.ListAsync(new LearningQuery(TeamA, null, null, 10) { OccurrenceId = "occ-1" }, default);
        var annsOwn = await Store.Learnings.ListAsync(new LearningQuery(TeamA, "ann", null, 10) { OccurrenceId = "occ-1", IncludePrivate = true },
            default);

        Assert.That(digest.Select(e => e.Text), Is.EqualTo(new[] { "tracing sampler" }));
        Assert.That(annsOwn.Single(), Has.Property(nameof(LearningEntry.IsPrivate)).True.And.Property(nameof(LearningEntry.Minutes)).EqualTo(47));
    }

    // ---- Kudos ----

    [Test]
    public async Task Kudos_within_budget_are_given_and_report_what_is_left()
    {
        var budget = new KudosBudget(5, Monday);
        var result = await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo", "cy"], "pairing", Monday.AddHours(1)), budget, default);

        Assert.That(result.Status, Is.EqualTo(KudosGiveStatus.Given));
        Assert.That(result.Remaining, Is.EqualTo(3));
        var gifts = await Store.Kudos.ListSinceAsync(TeamA, Monday, 10, default);
        Assert.That(gifts.Single().ReceiverIds, Is.EqualTo(new[] { "bo", "cy" }));
        Assert.That(gifts.Single().Reason, Is.EqualTo("pairing"));
        Assert.That(gifts.Single().Value, Is.EqualTo("mentoring"));
    }

    [Test]
    public async Task Kudos_over_budget_are_refused_and_nothing_is_stored()
    {
        var budget = new KudosBudget(3, Monday);
        await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo", "cy"], "one", Monday.AddHours(1)), budget, default);

        var refused = await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["dee", "eve"], "two", Monday.AddHours(2)), budget, default);

        Assert.That(refused.Status, Is.EqualTo(KudosGiveStatus.OverBudget));
        Assert.That(refused.Remaining, Is.EqualTo(1));
        Assert.That(await Store.Kudos.ListSinceAsync(TeamA, Monday, 10, default), Has.Count.EqualTo(1));
        var board = await Store.Kudos.GetLeaderboardAsync(TeamA, null, 10, default);
        Assert.That(board.Select(b => b.UserId), Is.EquivalentTo(new[] { "bo", "cy" }));
    }

    [Test]
    public async Task Kudos_budget_counts_only_the_current_week_and_the_giver()
    {
        await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo"], "last week", Monday.AddDays(-2)), new KudosBudget(1, Monday.AddDays(-7)), default);
        await Store.Kudos.GiveAsync(Gift(TeamA, "cy", ["bo"], "other giver", Monday.AddHours(1)), new KudosBudget(1, Monday), default);

        var result = await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo"], "this week", Monday.AddHours(2)), new KudosBudget(1, Monday), default);

        Assert.That(result.Status, Is.EqualTo(KudosGiveStatus.Given));
        Assert.That(result.Remaining, Is.EqualTo(0));
    }

    [Test]
    public async Task A_redelivered_kudos_is_given_once_and_uses_budget_once()
    {
        var budget = new KudosBudget(5, Monday);
        var first = await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo"], "thanks", Monday.AddHours(1), key: "evt-1"), budget, default);
        var again = await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo"], "thanks", Monday.AddHours(1), key: "evt-1"), budget, default);

        Assert.That(again.Status, Is.EqualTo(KudosGiveStatus.AlreadyGiven));
        Assert.That(again.Gift.Id, Is.EqualTo(first.Gift.Id));
        Assert.That(again.Gift.ReceiverIds, Is.EqualTo(new[] { "bo" }));
        Assert.That(again.Remaining, Is.EqualTo(4));
        Assert.That(await Store.Kudos.ListSinceAsync(TeamA, Monday, 10, default), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_kudos_never_overspend_the_budget()
    {
        var budget = new KudosBudget(5, Monday);
        var attempts = Enumerable.Range(0, 12)
            .Select(i => Store.Kudos.GiveAsync(Gift(TeamA, "ann", [$"person{i}"], "race", Monday.AddMinutes(i)), budget, default));

        var results = await Task.WhenAll(attempts);

        Assert.That(results.Count(r => r.Status == KudosGiveStatus.Given), Is.EqualTo(5));
        Assert.That(results.Count(r => r.Status == KudosGiveStatus.OverBudget), Is.EqualTo(7));
        var board = await Store.Kudos.GetLeaderboardAsync(TeamA, Monday, 50, default);
        Assert.That(board.Sum(b => b.Count), Is.EqualTo(5));
    }

    [Test]
    public async Task Leaderboard_ranks_by_kudos_received_then_distinct_givers()
    {
        var budget = new KudosBudget(50, Monday);
        await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo", "cy"], "1", Monday.AddHours(1)), budget, default);
        await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo"], "2", Monday.AddHours(2)), budget, default);
        await Store.Kudos.GiveAsync(Gift(TeamA, "dee", ["cy"], "3", Monday.AddHours(3)), budget, default);
        await Store.Kudos.GiveAsync(Gift(TeamA, "eve", ["cy"], "4", Monday.AddHours(4)), budget, default);
        await Store.Kudos.GiveAsync(Gift(TeamA, "eve", ["dee"], "old", Monday.AddDays(-3)), new KudosBudget(50, Monday.AddDays(-7)), default);
        await Store.Kudos.GiveAsync(Gift(TeamB, "x", ["zed"], "other team", Monday.AddHours(1)), budget, default);

        var week = await Store.Kudos.GetLeaderboardAsync(TeamA, Monday, 10, default);
        var allTime = await Store.Kudos.GetLeaderboardAsync(TeamA, null, 10, default);
        var top1 = await Store.Kudos.GetLeaderboardAsync(TeamA, Monday, 1, default);

        Assert.That(week, Is.EqualTo(new[] { new LeaderboardEntry("cy", 3, 3), new LeaderboardEntry("bo", 2, 1) }));
        Assert.That(allTime.Select(e => e.UserId), Is.EqualTo(new[] { "cy", "bo", "dee" }));
        Assert.That(top1.Single().UserId, Is.EqualTo("cy"));
    }

    [Test]
    public async Task Kudos_list_is_per_team_newest_first()
    {
        var budget = new KudosBudget(50, Monday);
        await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo"], "older", Monday.AddHours(1)), budget, default);
        await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["cy", "dee"], "newer", Monday.AddHours(2)), budget, default);
        await Store.Kudos.GiveAsync(Gift(TeamB, "ann", ["bo"], "other team", Monday.AddHours(3)), budget, default);

        var gifts = await Store.Kudos.ListSinceAsync(TeamA, Monday, 10, default);

        Assert.That(gifts.Select(g => g.Reason), Is.EqualTo(new[] { "newer", "older" }));
        Assert.That(gifts[0].ReceiverIds, Is.EqualTo(new[] { "cy", "dee" }));
    }

    // ---- Kudos in the flow: periods, taking back, boards per side and channel, hiding, values ----

    [Test]
    public async Task A_daily_budget_counts_only_today_and_is_kept_apart_from_a_weekly_one()
    {
        var tuesday = Monday.AddDays(1).Date;
        var daily = new KudosBudget(1, new DateTimeOffset(tuesday, TimeSpan.Zero)) { Period = KudosPeriod.Day };
        await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo"], "monday", Monday.AddHours(1)), new KudosBudget(1, Monday.Date) { Period = KudosPeriod.Day }, default);

        var today = await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo"], "tuesday", Monday.AddDays(1)), daily, default);
        var again = await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["cy"], "tuesday again", Monday.AddDays(1).AddHours(1)), daily, default);

        Assert.That((today.Status, today.Remaining), Is.EqualTo((KudosGiveStatus.Given, 0)));
        Assert.That((again.Status, again.Remaining), Is.EqualTo((KudosGiveStatus.OverBudget, 0)));
        Assert.That(await Store.Kudos.ListSinceAsync(TeamA, Monday, 10, default), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_gift_keeps_its_channel_and_link_and_is_found_by_its_key()
    {
        var gift = Gift(TeamA, "ann", ["bo"], "the write-up", Monday.AddHours(1), key: "slack:reaction:C1:1.2:UANN")
            with { ChannelId = "C1", Link = "https://example.slack.com/archives/C1/p12" };
        await Store.Kudos.GiveAsync(gift, new KudosBudget(5, Monday), default);

        var found = await Store.Kudos.FindAsync(TeamA, "slack:reaction:C1:1.2:UANN", default);
        var listed = (await Store.Kudos.ListSinceAsync(TeamA, Monday, 10, default)).Single();

        Assert.That((found?.Id, found?.ChannelId, found?.Link, found?.ReceiverIds.Single()),
            Is.EqualTo((gift.Id, "C1", "https://example.slack.com/archives/C1/p12", "bo")));
        Assert.That((listed.ChannelId, listed.Link), Is.EqualTo(("C1", "https://example.slack.com/archives/C1/p12")));
        Assert.That(await Store.Kudos.FindAsync(TeamB, "slack:reaction:C1:1.2:UANN", default), Is.Null, "keys are per team");
        Assert.That(await Store.Kudos.FindAsync(TeamA, "another key", default), Is.Null);
    }

    [Test]
    public async Task Taking_back_a_gift_removes_it_everywhere_and_gives_the_budget_back()
    {
        var budget = new KudosBudget(2, Monday);
        var kept = Gift(TeamA, "ann", ["cy"], "kept", Monday.AddHours(1));
        var slip = Gift(TeamA, "ann", ["bo"], "slip of the finger", Monday.AddHours(2), key: "reaction-1");
        await Store.Kudos.GiveAsync(kept, budget, default);
        await Store.Kudos.GiveAsync(slip, budget, default);
        Assert.That((await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["dee"], "third", Monday.AddHours(3)), budget, default)).Status,
            Is.EqualTo(KudosGiveStatus.OverBudget), "the budget is full before taking back");

        var taken = await Store.Kudos.TakeBackAsync((await Store.Kudos.FindAsync(TeamA, "reaction-1", default))!, budget, default);
        var twice = await Store.Kudos.TakeBackAsync(slip, budget, default);

        Assert.That((taken, twice), Is.EqualTo((true, false)));
        Assert.That((await Store.Kudos.ListSinceAsync(TeamA, Monday, 10, default)).Select(g => g.Reason), Is.EqualTo(new[] { "kept" }));
        Assert.That(await Store.Kudos.ListReceivedAsync(TeamA, "bo", 10, default), Is.Empty);
        Assert.That((await Store.Kudos.GetLeaderboardAsync(TeamA, null, 10, default)).Select(e => e.UserId), Is.EqualTo(new[] { "cy" }));
        Assert.That(await Store.Kudos.FindAsync(TeamA, "reaction-1", default), Is.Null);
        var third = await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["dee"], "third", Monday.AddHours(3)), budget, default);
        Assert.That((third.Status, third.Remaining), Is.EqualTo((KudosGiveStatus.Given, 0)), "the budget came back once");
        var again = await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo"], "added again", Monday.AddHours(4), key: "reaction-1"),
            new KudosBudget(3, Monday), default);
        Assert.That(again.Status, Is.EqualTo(KudosGiveStatus.Given), "the same key can give again after being taken back");
    }

    [Test]
    public async Task Boards_rank_givers_or_receivers_in_one_channel_or_all()
    {
        var budget = new KudosBudget(50, Monday);
        await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo", "cy"], "1", Monday.AddHours(1)) with { ChannelId = "C1" }, budget, default);
        await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo"], "2", Monday.AddHours(2)) with { ChannelId = "C2" }, budget, default);
        await Store.Kudos.GiveAsync(Gift(TeamA, "dee", ["bo"], "3", Monday.AddHours(3)) with { ChannelId = "C1" }, budget, default);
        await Store.Kudos.GiveAsync(Gift(TeamA, "eve", ["cy"], "4", Monday.AddHours(4)), budget, default);
        await Store.Kudos.GiveAsync(Gift(TeamA, "dee", ["ann"], "old", Monday.AddDays(-3)) with { ChannelId = "C1" }, new KudosBudget(50, Monday.AddDays(-7)), default);
        await Store.Kudos.GiveAsync(Gift(TeamB, "zed", ["bo"], "other team", Monday.AddHours(1)) with { ChannelId = "C1" }, budget, default);

        var givers = await Store.Kudos.GetBoardAsync(TeamA, new KudosBoardQuery(KudosBoardSide.Givers, Monday), 10, default);
        var giversInC1 = await Store.Kudos.GetBoardAsync(TeamA, new KudosBoardQuery(KudosBoardSide.Givers, Monday, "C1"), 10, default);
        var receiversInC1 = await Store.Kudos.GetBoardAsync(TeamA, new KudosBoardQuery(KudosBoardSide.Receivers, Monday, "C1"), 10, default);
        var c1AllTime = await Store.Kudos.GetBoardAsync(TeamA, new KudosBoardQuery(KudosBoardSide.Receivers, null, "C1"), 10, default);

        Assert.That(givers, Is.EqualTo(new[] { new LeaderboardEntry("ann", 3, 2), new LeaderboardEntry("dee", 1, 1), new LeaderboardEntry("eve", 1, 1) }));
        Assert.That(giversInC1, Is.EqualTo(new[] { new LeaderboardEntry("ann", 2, 2), new LeaderboardEntry("dee", 1, 1) }));
        Assert.That(receiversInC1, Is.EqualTo(new[] { new LeaderboardEntry("bo", 2, 2), new LeaderboardEntry("cy", 1, 1) }));
        Assert.That(c1AllTime.Select(e => e.UserId), Is.EqualTo(new[] { "bo", "ann", "cy" }));
    }

    [Test]
    public async Task Hiding_from_the_boards_is_per_person_and_team_and_idempotent()
    {
        await Store.Kudos.SetHiddenFromBoardsAsync(TeamA, "ann", true, default);
        await Store.Kudos.SetHiddenFromBoardsAsync(TeamA, "ann", true, default);
        await Store.Kudos.SetHiddenFromBoardsAsync(TeamA, "bo", true, default);
        await Store.Kudos.SetHiddenFromBoardsAsync(TeamA, "bo", false, default);
        await Store.Kudos.SetHiddenFromBoardsAsync(TeamA, "cy", false, default);

        Assert.That(await Store.Kudos.ListHiddenFromBoardsAsync(TeamA, default), Is.EquivalentTo(new[] { "ann" }));
        Assert.That(await Store.Kudos.ListHiddenFromBoardsAsync(TeamB, default), Is.Empty);
    }

    // ---- Knowledge and questions ----

    [Test]
    public async Task Knowledge_posts_are_stored_once_per_key_and_read_back_per_team()
    {
        var post = Post(TeamA, "ann", "How to rotate keys?", "Run make rotate-keys", Monday, key: "share-1");
        var first = await Store.Knowledge.AddAsync(post, default);
        var again = await Store.Knowledge.AddAsync(Post(TeamA, "ann", "dupe", "dupe", Monday, key: "share-1"), default);

        Assert.That(first.Created, Is.True);
        Assert.That(again.Created, Is.False);
        Assert.That(again.Value.Id, Is.EqualTo(post.Id));
        var read = await Store.Knowledge.GetAsync(TeamA, post.Id, default);
        Assert.That(read, Is.Not.Null);
        Assert.That(read!.Question, Is.EqualTo("How to rotate keys?"));
        Assert.That(read.Answer, Is.EqualTo("Run make rotate-keys"));
        Assert.That(read.Tags, Is.EqualTo(new[] { "ops" }));
        Assert.That(await Store.Knowledge.GetAsync(TeamB, post.Id, default), Is.Null);
    }

    [Test]
    public async Task Helpful_marks_count_each_person_once_and_stay_in_their_team()
    {
        var post = Post(TeamA, "ann", "q", "a", Monday);
        await Store.Knowledge.AddAsync(post, default);

        await Store.Knowledge.MarkHelpfulAsync(TeamA, post.Id, "bo", default);
        await Store.Knowledge.MarkHelpfulAsync(TeamA, post.Id, "bo", default);
        var afterCy = await Store.Knowledge.MarkHelpfulAsync(TeamA, post.Id, "cy", default);
        var fromOtherTeam = await Store.Knowledge.MarkHelpfulAsync(TeamB, post.Id, "mallory", default);

        Assert.That(afterCy!.HelpfulCount, Is.EqualTo(2));
        Assert.That(fromOtherTeam, Is.Null);
        Assert.That((await Store.Knowledge.GetAsync(TeamA, post.Id, default))!.HelpfulCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Most_helpful_posts_come_first_then_newest_and_stay_in_their_team()
    {
        var older = Post(TeamA, "ann", "older", "a", Monday);
        var newer = Post(TeamA, "ann", "newer", "a", Monday.AddHours(1));
        var helpful = Post(TeamA, "bo", "helpful", "a", Monday.AddMinutes(-5));
        foreach (var post in new[] { older, newer, helpful, Post(TeamB, "cy", "other team", "a", Monday.AddHours(2)) })
        {
            await Store.Knowledge.AddAsync(post, default);
        }

        await Store.Knowledge.MarkHelpfulAsync(TeamA, helpful.Id, "cy", default);

        var top = await Store.Knowledge.ListMostHelpfulAsync(TeamA, 2, default);

        Assert.That(top.Select(p => p.Question), Is.EqualTo(new[] { "helpful", "newer" }));
        Assert.That(top[0].HelpfulCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Questions_are_recorded_once_and_listed_newest_first_per_team()
    {
        await Store.Questions.AddAsync(new AskedQuestion(NewId(), TeamA, "ann", "how to deploy", false, Monday, "q1"), default);
        var dupe = await Store.Questions.AddAsync(new AskedQuestion(NewId(), TeamA, "ann", "how to deploy", false, Monday, "q1"), default);
        await Store.Questions.AddAsync(new AskedQuestion(NewId(), TeamA, "bo", "where are logs", true, Monday.AddHours(1), "q2"), default);
        await Store.Questions.AddAsync(new AskedQuestion(NewId(), TeamB, "bo", "other", false, Monday, "q3"), default);

        var listed = await Store.Questions.ListSinceAsync(TeamA, Monday, 10, default);

        Assert.That(dupe.Created, Is.False);
        Assert.That(listed.Select(q => q.Text), Is.EqualTo(new[] { "where are logs", "how to deploy" }));
        Assert.That(listed[0].Answered, Is.True);
        var unanswered = await Store.Questions.ListUnansweredSinceAsync(TeamA, Monday, 10, default);
        Assert.That(unanswered.Select(q => q.Text), Is.EqualTo(new[] { "how to deploy" }));
        Assert.That(await Store.Questions.ListUnansweredSinceAsync(TeamA, Monday.AddMinutes(1), 10, default), Is.Empty);
    }

    [Test]
    public async Task A_question_keeps_its_group_vector_answer_and_origin_and_a_verdict_changes_whether_it_is_answered()
    {
        float[] vector = [0.6f, -0.8f, 0f, 1e-7f];
        var first = new AskedQuestion(NewId(), TeamA, "ann", "who grants warehouse access", true, Monday, "qv1")
        {
            GroupId = "g1", Embedding = vector, EmbeddingModel = "all-MiniLM-L6-v2", TopAnswerId = "post1", Origin = QuestionOrigin.Channel,
        };
        await Store.Questions.AddAsync(first, default);
        var plain = await Store.Questions.AddAsync(new AskedQuestion(NewId(), TeamA, "bo", "old style", false, Monday.AddMinutes(1), "qv2"), default);

        var read = await Store.Questions.GetAsync(TeamA, first.Id, default);
        Assert.That(read, Is.Not.Null);
        Assert.That((read!.GroupId, read.EmbeddingModel, read.TopAnswerId, read.Origin, read.Verdict, read.Answered),
            Is.EqualTo(("g1", "all-MiniLM-L6-v2", "post1", QuestionOrigin.Channel, AnswerVerdict.None, true)));
        Assert.That(read.Embedding!.Value.ToArray(), Is.EqualTo(vector));
        var old = (await Store.Questions.ListSinceAsync(TeamA, Monday, 10, default)).Single(q => q.Id == plain.Value.Id);
        Assert.That((old.GroupId, old.Embedding, old.TopAnswerId, old.Verdict, old.Origin, old.GroupKey),
            Is.EqualTo(((string?)null, (ReadOnlyMemory<float>?)null, (string?)null, AnswerVerdict.None, QuestionOrigin.Ask, plain.Value.Id)));

        var rejected = await Store.Questions.SetVerdictAsync(TeamA, first.Id, "post1", AnswerVerdict.NotIt, default);
        Assert.That((rejected!.Verdict, rejected.Answered, rejected.TopAnswerId), Is.EqualTo((AnswerVerdict.NotIt, false, "post1")));
        Assert.That((await Store.Questions.ListUnansweredSinceAsync(TeamA, Monday, 10, default)).Select(q => q.Id), Does.Contain(first.Id));

        var helped = await Store.Questions.SetVerdictAsync(TeamA, plain.Value.Id, "post2", AnswerVerdict.Helped, default);
        Assert.That((helped!.Verdict, helped.Answered, helped.TopAnswerId), Is.EqualTo((AnswerVerdict.Helped, true, "post2")));
        Assert.That((await Store.Questions.ListUnansweredSinceAsync(TeamA, Monday, 10, default)).Select(q => q.Id), Does.Not.Contain(plain.Value.Id));

        // Another team's question is not reachable by id.
        Assert.That(await Store.Questions.GetAsync(TeamB, first.Id, default), Is.Null);
        Assert.That(await Store.Questions.SetVerdictAsync(TeamB, first.Id, "post1", AnswerVerdict.Helped, default), Is.Null);
        Assert.That((await Store.Questions.GetAsync(TeamA, first.Id, default))!.Verdict, Is.EqualTo(AnswerVerdict.NotIt));
    }

    [Test]
    public async Task Answers_in_a_channel_are_off_until_turned_on_and_per_team_and_channel()
    {
        Assert.That(await Store.AnswerChannels.IsOnAsync(TeamA, "C1", default), Is.False);
        await Store.AnswerChannels.SetAsync(TeamA, "C1", true, default);
        await Store.AnswerChannels.SetAsync(TeamA, "C1", true, default);

        Assert.That(await Store.AnswerChannels.IsOnAsync(TeamA, "C1", default), Is.True);
        Assert.That(await Store.AnswerChannels.IsOnAsync(TeamA, "C2", default), Is.False);
        Assert.That(await Store.AnswerChannels.IsOnAsync(TeamB, "C1", default), Is.False);

        await Store.AnswerChannels.SetAsync(TeamA, "C1", false, default);
        await Store.AnswerChannels.SetAsync(TeamA, "C1", false, default);
        Assert.That(await Store.AnswerChannels.IsOnAsync(TeamA, "C1", default), Is.False);
    }

    // ---- Settings and members ----

    [Test]
    public async Task Settings_keep_the_budget_period_kudos_emoji_and_values()
    {
        var defaults = await Store.Settings.GetAsync(TeamA, default);
        Assert.That((defaults.KudosBudgetPeriod, defaults.KudosEmoji, defaults.Values), Is.EqualTo((KudosPeriod.Week, "tada", Array.Empty<string>())));

        var saved = await Store.Settings.SaveAsync(defaults with
        {
            KudosBudgetPeriod = KudosPeriod.Day, KudosEmoji = "raised_hands", Values = ["ownership", "customer-first"],
        }, default);
        var read = await Store.Settings.GetAsync(TeamA, default);
        await Store.Settings.SaveAsync(read with { KudosBudgetPeriod = KudosPeriod.Month, Values = ["ownership"] }, default);
        var changed = await Store.Settings.GetAsync(TeamA, default);

        Assert.That((read.KudosBudgetPeriod, read.KudosEmoji, read.Values), Is.EqualTo((KudosPeriod.Day, "raised_hands", new[] { "ownership", "customer-first" })));
        Assert.That(read.Version, Is.EqualTo(saved.Version));
        Assert.That((changed.KudosBudgetPeriod, changed.KudosEmoji, changed.Values), Is.EqualTo((KudosPeriod.Month, "raised_hands", new[] { "ownership" })));
        Assert.That((await Store.Settings.GetAsync(TeamB, default)).KudosEmoji, Is.EqualTo("tada"));
    }

    [Test]
    public async Task Settings_default_until_saved_and_reject_a_stale_version()
    {
        var defaults = await Store.Settings.GetAsync(TeamA, default);
        Assert.That(defaults, Is.EqualTo(TeamSettings.Default(TeamA)));

        var saved = await Store.Settings.SaveAsync(defaults with { KudosWeeklyBudget = 8, TimeZoneId = "Europe/Berlin" }, default);
        var read = await Store.Settings.GetAsync(TeamA, default);
        Assert.That(read.KudosWeeklyBudget, Is.EqualTo(8));
        Assert.That(read.TimeZoneId, Is.EqualTo("Europe/Berlin"));
        Assert.That(read.Version, Is.EqualTo(saved.Version));

        Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.Settings.SaveAsync(defaults with { LeaderboardEnabled = false }, default));
        var updated = await Store.Settings.SaveAsync(read with { LeaderboardEnabled = false }, default);
        Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.Settings.SaveAsync(read with { KudosWeeklyBudget = 1 }, default));
        Assert.That((await Store.Settings.GetAsync(TeamA, default)).LeaderboardEnabled, Is.False);
        Assert.That(updated.Version, Is.Not.EqualTo(read.Version));
        Assert.That(await Store.Settings.GetAsync(TeamB, default), Is.EqualTo(TeamSettings.Default(TeamB)));
    }

    [Test]
    public async Task Member_names_are_upserted_and_kept_per_team()
    {
        await Store.Members.UpsertAsync(new Member(TeamA, "u1", "Ann"), default);
        await Store.Members.UpsertAsync(new Member(TeamA, "u1", "Ann Smith"), default);
        await Store.Members.UpsertAsync(new Member(TeamA, "u2", "Bo"), default);
        await Store.Members.UpsertAsync(new Member(TeamB, "u1", "Someone else"), default);

        var names = await Store.Members.GetDisplayNamesAsync(TeamA, ["u1", "u2", "u3"], default);

        Assert.That(names, Is.EquivalentTo(new Dictionary<string, string> { ["u1"] = "Ann Smith", ["u2"] = "Bo" }));
    }

    // ---- Search ----

    [Test]
    public virtual async Task Search_finds_stemmed_words_and_ranks_question_matches_first()
    {
        await Store.Learnings.AddAsync(Learning(TeamA, "bo", "the network team moved the VPN config", Monday), default);
        await Store.Knowledge.AddAsync(Post(TeamA, "ann", "Networking basics for the cluster", "Start with the VPN guide", Monday), default);
        await Store.Learnings.AddAsync(Learning(TeamA, "cy", "how to bake bread", Monday), default);

        var hits = await Store.Search.SearchAsync(new SearchQuery(TeamA, "networking", [SearchKind.Knowledge, SearchKind.Learning], 3), default);

        Assert.That(hits, Has.Count.EqualTo(2));
        Assert.That(hits[0].Kind, Is.EqualTo(SearchKind.Knowledge));
        Assert.That(hits[0].Title, Is.EqualTo("Networking basics for the cluster"));
        Assert.That(hits[0].PersonId, Is.EqualTo("ann"));
        Assert.That(hits[1].Kind, Is.EqualTo(SearchKind.Learning));
        Assert.That(hits[1].Excerpt, Does.Contain("network"));
        Assert.That(hits[0].Score, Is.GreaterThanOrEqualTo(hits[1].Score));
    }

    [Test]
    public virtual async Task Search_never_returns_another_teams_records()
    {
        await Store.Knowledge.AddAsync(Post(TeamB, "mallory", "Secret rotation runbook", "secret steps", Monday), default);
        await Store.Learnings.AddAsync(Learning(TeamB, "mallory", "secret rotation learned", Monday), default);

        var hits = await Store.Search.SearchAsync(new SearchQuery(TeamA, "secret rotation", [SearchKind.Knowledge, SearchKind.Learning, SearchKind.Kudos], 10), default);

        Assert.That(hits, Is.Empty);
    }

    [Test]
    public virtual async Task Search_prefers_hits_with_every_word_and_respects_kinds_and_limit()
    {
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "kubernetes ingress timeouts explained", Monday), default);
        await Store.Learnings.AddAsync(Learning(TeamA, "bo", "kubernetes pods restart", Monday), default);
        await Store.Learnings.AddAsync(Learning(TeamA, "cy", "ingress for the old proxy", Monday), default);
        await Store.Knowledge.AddAsync(Post(TeamA, "dee", "kubernetes ingress", "see the wiki", Monday), default);

        var learningsOnly = await Store.Search.SearchAsync(new SearchQuery(TeamA, "kubernetes ingress", [SearchKind.Learning], 2), default);

        Assert.That(learningsOnly, Has.Count.EqualTo(2));
        Assert.That(learningsOnly.All(h => h.Kind == SearchKind.Learning));
        Assert.That(learningsOnly[0].PersonId, Is.EqualTo("ann"));
    }

    [Test]
    public virtual async Task Search_treats_query_syntax_as_plain_words()
    {
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "NEAR queries and quotes in search", Monday), default);

        foreach (var query in new[] { "\"unbalanced", "NEAR(a b)", "search*", "-search", "a OR b AND", "col:value", "^start", "(((", "''" })
        {
            Assert.DoesNotThrowAsync(() => Store.Search.SearchAsync(new SearchQuery(TeamA, query, [SearchKind.Learning], 3), default), query);
        }

        var hits = await Store.Search.SearchAsync(new SearchQuery(TeamA, "\"search\" -quotes", [SearchKind.Learning], 3), default);
        Assert.That(hits, Has.Count.EqualTo(1));
    }

    [Test]
    public virtual async Task Private_learnings_are_not_searchable()
    {
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "my private burnout notes", Monday) with { IsPrivate = true }, default);

        var hits = await Store.Search.SearchAsync(new SearchQuery(TeamA, "burnout", [SearchKind.Learning], 3), default);

        Assert.That(hits, Is.Empty);
    }

    [Test]
    public virtual async Task A_private_learning_is_found_by_no_search_by_its_words_tags_or_author()
    {
        // Who-knows asks for every kind at once; ask for knowledge and learnings; the Teams message extension for knowledge.
        await Store.Learnings.AddAsync(Learning(TeamA, "ann", "quokka husbandry rota", Monday, null, "zebrafish") with { IsPrivate = true }, default);
        await Store.Learnings.AddAsync(Learning(TeamA, "bo", "ansible facts caching", Monday, null, "ansible"), default);

        SearchKind[][] kindSets = [[SearchKind.Learning], [SearchKind.Knowledge, SearchKind.Learning],
            [SearchKind.Knowledge, SearchKind.Learning, SearchKind.Kudos], [SearchKind.Knowledge]];
        foreach (var kinds in kindSets)
        {
            foreach (var words in new[] { "quokka", "husbandry rota", "zebrafish", "#zebrafish", "quokka ansible" })
            {
                var hits = await Store.Search.SearchAsync(new SearchQuery(TeamA, words, kinds, 50), default);

                Assert.That(hits.Where(h => h.PersonId == "ann" || h.Excerpt.Contains("quokka", StringComparison.OrdinalIgnoreCase)), Is.Empty,
                    $"{words} in {string.Join('+', kinds)}");
            }
        }

        var shared = await Store.Search.SearchAsync(new SearchQuery(TeamA, "quokka ansible", [SearchKind.Learning], 50), default);
        Assert.That(shared.Select(h => h.PersonId), Is.EqualTo(new[] { "bo" }), "the shared learning is still found");
    }

    [Test]
    public virtual async Task Kudos_are_searchable_by_reason_with_the_receiver_as_person()
    {
        await Store.Kudos.GiveAsync(Gift(TeamA, "ann", ["bo", "cy"], "untangling the terraform state", Monday), new KudosBudget(5, Monday), default);

        var hits = await Store.Search.SearchAsync(new SearchQuery(TeamA, "terraform", [SearchKind.Kudos], 10), default);
        var notAsked = await Store.Search.SearchAsync(new SearchQuery(TeamA, "terraform", [SearchKind.Knowledge, SearchKind.Learning], 10), default);

        Assert.That(hits.Select(h => h.PersonId), Is.EquivalentTo(new[] { "bo", "cy" }));
        Assert.That(notAsked, Is.Empty);
    }

    [Test]
    public virtual async Task Search_finds_the_asked_kinds_even_when_other_kinds_rank_higher()
    {
        // Many kudos that match better than the one learning: the learning must still be found, and ranked first.
        var budget = new KudosBudget(100, Monday);
        for (var i = 0; i < 40; i++)
        {
            await Store.Kudos.GiveAsync(Gift(TeamA, "ann", [$"p{i}"], "terraform terraform terraform", Monday.AddMinutes(i)), budget, default);
        }

        await Store.Learnings.AddAsync(Learning(TeamA, "bo", "a long note that mentions terraform once among many other words here", Monday), default);
        await Store.Learnings.AddAsync(Learning(TeamA, "cy", "terraform state and terraform modules", Monday), default);

        var hits = await Store.Search.SearchAsync(new SearchQuery(TeamA, "terraform", [SearchKind.Learning], 3), default);

        Assert.That(hits.Select(h => h.PersonId), Is.EqualTo(new[] { "cy", "bo" }));
        Assert.That(hits.All(h => h.Kind == SearchKind.Learning));
    }

    // ---- Deliveries ----

    [Test]
    public async Task A_delivery_is_recorded_once_per_scope()
    {
        var scope = "slack:" + TeamA;

        var before = await Store.Deliveries.WasRecordedAsync(scope, "Ev1", default);
        var first = await Store.Deliveries.TryRecordAsync(scope, "Ev1", null, Monday, default);
        var retry = await Store.Deliveries.TryRecordAsync(scope, "Ev1", null, Monday.AddSeconds(3), default);
        var otherScope = await Store.Deliveries.TryRecordAsync("slack:" + TeamB, "Ev1", null, Monday, default);

        Assert.That(before, Is.False);
        Assert.That(first, Is.True);
        Assert.That(await Store.Deliveries.WasRecordedAsync(scope, "Ev1", default), Is.True);
        Assert.That(await Store.Deliveries.WasRecordedAsync(scope, "Ev2", default), Is.False);
        Assert.That(retry, Is.False);
        Assert.That(otherScope, Is.True);
    }

    [Test]
    public async Task One_check_finds_whichever_of_a_deliverys_ids_was_recorded_in_its_own_scope_only()
    {
        var scope = "slack:" + TeamA;
        // A Slack message event is known by its event id and by the message (channel + ts); six ids also cross any batch size.
        string[] ids = ["event:Ev1", "message:D1:1700000000.000100", "event:Ev2", "event:Ev3", "event:Ev4", "event:Ev5"];

        var none = await Store.Deliveries.FirstRecordedAsync(scope, ids, default);
        await Store.Deliveries.TryRecordAsync(scope, "message:D1:1700000000.000100", null, Monday, default);
        var second = await Store.Deliveries.FirstRecordedAsync(scope, ids[..2], default);
        await Store.Deliveries.TryRecordAsync("slack:" + TeamB, "event:Ev5", null, Monday, default);
        var onlyOtherScope = await Store.Deliveries.FirstRecordedAsync(scope, ["event:Ev5"], default);
        await Store.Deliveries.TryRecordAsync(scope, "event:Ev5", null, Monday, default);
        var sixth = await Store.Deliveries.FirstRecordedAsync(scope, [.. ids[2..]], default);

        Assert.That(none, Is.Null);
        Assert.That(second, Is.EqualTo("message:D1:1700000000.000100"));
        Assert.That(onlyOtherScope, Is.Null, "another team's record is not this team's");
        Assert.That(sixth, Is.EqualTo("event:Ev5"));
        Assert.That(await Store.Deliveries.FirstRecordedAsync(scope, [], default), Is.Null);
    }
}
