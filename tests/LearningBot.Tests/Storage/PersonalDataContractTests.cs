using LearningBot.Core.Conversations;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Nudges;
using LearningBot.Core.Outbox;
using LearningBot.Core.Privacy;
using LearningBot.Core.Prompts;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;
using LearningBot.Storage.Cosmos;
using LearningBot.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Storage;

/// <summary>What every engine's export and "forget me" must do, over the engine's own repositories.</summary>
public abstract class PersonalDataContractTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private ServiceProvider? _services;
    private string _team = null!;

    /// <summary>Registers the engine's storage (all repositories and <see cref="IPersonalDataStore"/>) over an empty database.</summary>
    protected abstract void AddStorage(IServiceCollection services);

    protected virtual Task CleanUpAsync(IServiceProvider services) => Task.CompletedTask;

    [SetUp]
    public async Task Create()
    {
        _team = "team-" + Guid.NewGuid().ToString("N");
        var services = new ServiceCollection().AddLogging();
        AddStorage(services);
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<IStorageInitializer>().InitializeAsync(default);
    }

    [TearDown]
    public async Task Dispose()
    {
        // Nothing was started when set-up was ignored (e.g. no Cosmos server): leave the result "ignored".
        if (_services is null)
        {
            return;
        }

        await CleanUpAsync(_services);
        await _services.DisposeAsync();
        _services = null;
    }

    private T Get<T>() where T : notnull => _services!.GetRequiredService<T>();

    private static string NewId() => Guid.NewGuid().ToString("N");

    [Test]
    public async Task Forgetting_removes_the_person_and_their_mentions_but_keeps_what_they_gave_others()
    {
        await Get<IMemberRepository>().UpsertAsync(new Member(_team, "ann", "Ann Lee"), default);
        await Get<IMemberRepository>().UpsertAsync(new Member(_team, "bo", "Bo"), default);
        var learnings = Get<ILearningRepository>();
        await learnings.AddAsync(new LearningEntry(NewId(), _team, "ann", "ann's own", [], null, Monday, NewId()), default);
        await learnings.AddAsync(new LearningEntry(NewId(), _team, "ann", "ann's secret", [], null, Monday, NewId()) { IsPrivate = true }, default);
        await learnings.AddAsync(new LearningEntry(NewId(), _team, "bo", "paired with <@ann> and Ann Lee on ops", [], null, Monday, NewId()), default);
        var kudos = Get<IKudosRepository>();
        var budget = new KudosBudget(10, Monday);
        await kudos.GiveAsync(new KudosGift(NewId(), _team, "ann", ["bo"], "thanks for the review", null, Monday, NewId()), budget, default);
        await kudos.GiveAsync(new KudosGift(NewId(), _team, "bo", ["ann"], "great demo", null, Monday, NewId()), budget, default);
        await kudos.GiveAsync(new KudosGift(NewId(), _team, "bo", ["ann", "cy"], "both helped", null, Monday, NewId()), budget, default);
        var knowledge = Get<IKnowledgeRepository>();
        await knowledge.AddAsync(new KnowledgePost(NewId(), _team, "ann", "How to deploy?", "Run the pipeline", [], Monday, NewId()), default);
        var bosPost = (await knowledge.AddAsync(new KnowledgePost(NewId(), _team, "bo", "Where are logs?", "In the portal", [], Monday, NewId()), default)).Value;
        await knowledge.MarkHelpfulAsync(_team, bosPost.Id, "ann", default);
        await Get<IQuestionRepository>().AddAsync(new AskedQuestion(NewId(), _team, "ann", "who knows k8s?", false, Monday, NewId()), default);
        await Get<INudgeRepository>().SaveAsync(new NudgeSubscription(_team, "ann", new Recurrence([DayOfWeek.Friday], new TimeOnly(15, 0), "UTC"),
            Monday.AddDays(4)), default);
        var dm = new StoredConversation($"test:{_team}:D-ann", "test", _team, ConversationKind.Personal, "ann", "{}", true, Monday);
        await Get<IConversationRepository>().SaveAsync(dm, default);
        await Get<IOutbox>().EnqueueAsync(new OutboxMessage("nudge-" + _team, _team, dm.Key, OutboxPurpose.Nudge, "w", PromptMessages.Nudge("Ann Lee"), Monday),
            default);
        var personal = Get<IPersonalDataStore>();
        var away = Get<LearningBot.Core.Away.IAwayRepository>();
        await away.SaveAsync(new LearningBot.Core.Away.AwayPeriod(_team, "ann", Monday, Monday.AddDays(9), new DateOnly(2026, 12, 1)), default);
        await away.SaveAsync(new LearningBot.Core.Away.AwayPeriod(_team, "bo", Monday, Monday.AddDays(9), new DateOnly(2026, 12, 1)), default);

        var before = await personal.ExportAsync(_team, "ann", default);
        await personal.ForgetAsync(_team, "ann", keepSharedAnswers: true, Monday, default);
        var after = await personal.ExportAsync(_team, "ann", default);
        Assert.That(await away.GetAsync(_team, "ann", default), Is.Null, "their time away goes too");
        Assert.That(await away.GetAsync(_team, "bo", default), Is.Not.Null, "and only theirs");

        Assert.That((before.Member?.DisplayName, before.Learnings.Count, before.KudosGiven.Count, before.KudosReceived.Count,
            before.SharedAnswers.Count, before.Questions.Count, before.NudgesOn), Is.EqualTo(("Ann Lee", 2, 1, 2, 1, 1, true)));
        Assert.That((after.Member, after.Learnings.Count, after.KudosGiven.Count, after.KudosReceived.Count, after.SharedAnswers.Count,
            after.Questions.Count, after.NudgesOn), Is.EqualTo(((Member?)null, 0, 0, 0, 0, 0, false)));
        var left = await learnings.ListAsync(new LearningQuery(_team, null, null, 10) { IncludePrivate = true }, default);
        Assert.That(left.Select(e => e.Text), Is.EqualTo(new[] { "paired with @former-member and Ann Lee on ops" }),
            "their mention token goes; bo's own words, their name included, stay as bo wrote them");
        var gifts = await kudos.ListSinceAsync(_team, Monday, 10, default);
        Assert.That(gifts.Select(g => (g.GiverId, string.Join(",", g.ReceiverIds))),
            Is.EquivalentTo(new[] { (IPersonalDataStore.FormerMember, "bo"), ("bo", "cy") }));
        var posts = await knowledge.ListAsync(new KnowledgeQuery(_team, null, null, 10), default);
        Assert.That(posts.Select(p => (p.AuthorId, p.HelpfulCount)), Is.EquivalentTo(new[] { (IPersonalDataStore.FormerMember, 0), ("bo", 0) }));
        Assert.That(await Get<IMemberRepository>().GetDisplayNamesAsync(_team, ["ann", "bo"], default), Has.Count.EqualTo(1));
        Assert.That(await Get<IConversationRepository>().GetAsync(dm.Key, default), Is.Null);
        Assert.That((await Get<IOutbox>().LeaseDueAsync(Monday, TimeSpan.FromMinutes(1), 10, default)).Where(m => m.TeamId == _team), Is.Empty,
            "what was queued for their DM is gone");

        Assert.DoesNotThrowAsync(() => personal.ForgetAsync(_team, "ann", keepSharedAnswers: false, Monday, default), "forgetting again is harmless");
    }

    /// <summary>Words everybody writes, and characters that mean something to regex, LIKE or JSON.</summary>
    private const string Free = "the Will to learn: May a C# dev read % and _ or \\ and * in the \"docs\" (U1.+?) [x]";

    /// <summary>
    /// Issue 12, item 1: a person whose name or id is a common word (or a pattern character) is forgotten; other people's
    /// learnings, kudos reasons, shared answers, questions, search results and queued messages keep every byte, except that
    /// the exact <c>&lt;@ID&gt;</c> / <c>&lt;@ID|label&gt;</c> tokens of that person become <c>@former-member</c>.
    /// </summary>
    [TestCase("the", "the")]
    [TestCase("Will", "Will")]
    [TestCase("May", "May")]
    [TestCase("a", "a")]
    [TestCase("C#", "C#")]
    [TestCase("%", "%")]
    [TestCase("_", "_")]
    [TestCase("\\", "\\")]
    [TestCase("*", "*")]
    [TestCase("U1.+?", "Will May")]
    [TestCase("29:1AbC-d_E", "the")]
    public async Task Forgetting_someone_named_like_a_common_word_changes_only_their_mention_tokens(string id, string name)
    {
        var members = Get<IMemberRepository>();
        await members.UpsertAsync(new Member(_team, id, name), default);
        await members.UpsertAsync(new Member(_team, "bo", "Bo"), default);
        await members.UpsertAsync(new Member(_team, "cy", "Cy"), default);
        // Tokens of other people that merely look like the person's: a longer id, and the id in another case.
        var nearMisses = $" <@{id}x> <@x{id}>" + (id.ToUpperInvariant() != id ? $" <@{id.ToUpperInvariant()}>" : string.Empty);
        var mentioning = $"paired with <@{id}> and <@{id}|{name}> on {Free}{nearMisses}";
        var scrubbed = $"paired with @former-member and @former-member on {Free}{nearMisses}";

        var learnings = Get<ILearningRepository>();
        await learnings.AddAsync(new LearningEntry(NewId(), _team, "bo", mentioning, ["docs"], null, Monday, NewId()), default);
        await learnings.AddAsync(new LearningEntry(NewId(), _team, "cy", Free, ["docs"], 30, Monday, NewId()), default);
        var kudos = Get<IKudosRepository>();
        var budget = new KudosBudget(10, Monday);
        await kudos.GiveAsync(new KudosGift(NewId(), _team, "bo", ["cy"], "for " + mentioning, null, Monday, NewId()), budget, default);
        await kudos.GiveAsync(new KudosGift(NewId(), _team, "cy", ["bo"], Free, "docs", Monday, NewId()), budget, default);
        var knowledge = Get<IKnowledgeRepository>();
        await knowledge.AddAsync(new KnowledgePost(NewId(), _team, "bo", Free, mentioning, ["docs"], Monday, NewId()), default);
        await knowledge.AddAsync(new KnowledgePost(NewId(), _team, "cy", mentioning, Free, ["docs"], Monday, NewId()), default);
        var questions = Get<IQuestionRepository>();
        await questions.AddAsync(new AskedQuestion(NewId(), _team, "cy", Free, false, Monday, NewId()), default);
        await questions.AddAsync(new AskedQuestion(NewId(), _team, "bo", mentioning, false, Monday, NewId()), default);
        var channel = new StoredConversation($"test:{_team}:C-general", "test", _team, ConversationKind.Channel, null, "{}", true, Monday);
        await Get<IConversationRepository>().SaveAsync(channel, default);
        var queued = new BotReply(ReplyKind.Digest, ReplyAudience.Channel,
        [
            new TextBlock(RichText.Of("Thanks ", new MentionSpan(id, name), " and ", new MentionSpan("bo", "Bo"), " — " + Free + " <@" + id + ">")),
            new ListBlock([new ListItem(RichText.Of(new StrongSpan(name), " " + Free), Free)]),
        ]);
        await Get<IOutbox>().EnqueueAsync(new OutboxMessage("digest-" + _team, _team, channel.Key, OutboxPurpose.PromptDigest, "o1", queued, Monday),
            default);
        var search = Get<ISearchIndex>();
        var query = new SearchQuery(_team, "docs", [SearchKind.Knowledge, SearchKind.Learning, SearchKind.Kudos], 20);
        static IEnumerable<string> Untouched(IEnumerable<SearchHit> hits) =>
            hits.Where(h => !(h.Title + h.Excerpt).Contains("<@", StringComparison.Ordinal)).Select(h => $"{h.Kind} {h.Id} {h.Title} | {h.Excerpt}");
        var searchBefore = Untouched(await search.SearchAsync(query, default)).ToList();

        await Get<IPersonalDataStore>().ForgetAsync(_team, id, keepSharedAnswers: true, Monday.AddHours(1), default);

        var left = await learnings.ListAsync(new LearningQuery(_team, null, null, 10) { IncludePrivate = true }, default);
        Assert.That(left.Select(e => e.Text), Is.EquivalentTo(new[] { scrubbed, Free }), "learnings");
        var reasons = (await kudos.ListSinceAsync(_team, Monday, 10, default)).Select(g => g.Reason);
        Assert.That(reasons, Is.EquivalentTo(new[] { "for " + scrubbed, Free }), "kudos reasons");
        var posts = await knowledge.ListAsync(new KnowledgeQuery(_team, null, null, 10), default);
        Assert.That(posts.Select(p => (p.Question, p.Answer)), Is.EquivalentTo(new[] { (Free, scrubbed), (scrubbed, Free) }), "shared answers");
        var asked = await questions.ListSinceAsync(_team, Monday, 10, default);
        Assert.That(asked.Select(q => q.Text), Is.EquivalentTo(new[] { Free, scrubbed }), "questions");
        Assert.That(Untouched(await search.SearchAsync(query, default)), Is.EquivalentTo(searchBefore), "search results without mentions");
        Assert.That(await search.SearchAsync(query with { Text = "paired" }, default),
            Has.All.Matches<SearchHit>(h => !(h.Title + h.Excerpt).Contains("<@" + id + ">", StringComparison.Ordinal)
                                            && !(h.Title + h.Excerpt).Contains("<@" + id + "|", StringComparison.Ordinal)),
            "the search copies lose the token too");
        Assert.That(await members.GetDisplayNamesAsync(_team, [id, "bo", "cy"], default), Has.Count.EqualTo(2));

        var message = (await Get<IOutbox>().LeaseDueAsync(Monday.AddHours(2), TimeSpan.FromMinutes(1), 50, default)).Single(m => m.TeamId == _team);
        var expected = new BotReply(ReplyKind.Digest, ReplyAudience.Channel,
        [
            new TextBlock(RichText.Of("Thanks ", new PlainSpan("@former-member"), " and ", new MentionSpan("bo", "Bo"), " — " + Free + " @former-member")),
            new ListBlock([new ListItem(RichText.Of(new StrongSpan(name), " " + Free), Free)]),
        ]);
        Assert.That(ReplyJson.Serialize(message.Reply), Is.EqualTo(ReplyJson.Serialize(expected)), "the queued digest");
    }

    /// <summary>
    /// Issue 12, item 2: every delete keyed by a user id ("forget me", "nudge off") with an id that looks like a wildcard
    /// (LIKE's % and _, its escape \, Cosmos/glob *) removes that person's records in that team only: the same id in
    /// another team, other people's delivery records and every other team's data stay exactly as they were.
    /// </summary>
    [TestCase("%")]
    [TestCase("_")]
    [TestCase("\\")]
    [TestCase("*")]
    [TestCase("%_\\*")]
    public async Task Deletes_keyed_by_a_wildcard_looking_id_stay_in_their_team_and_match_exactly(string id)
    {
        var other = _team + "-other";
        foreach (var team in new[] { _team, other })
        {
            await SeedAsync(team, id);
        }

        var deliveries = Get<IDeliveryLog>();
        await deliveries.TryRecordAsync("slack:" + _team, $"action:{id}:1700000000.1", new DeliverySender(_team, id), Monday, default);
        await deliveries.TryRecordAsync("msteams:" + _team + "-dm", "activity-1", new DeliverySender(_team, id), Monday, default);
        await deliveries.TryRecordAsync("slack:" + _team, "event:Ev-bo", new DeliverySender(_team, "bo"), Monday, default);
        await deliveries.TryRecordAsync("slack:" + _team, "event:Ev-uninstall", null, Monday, default);
        await deliveries.TryRecordAsync("slack:" + other, $"action:{id}:1700000000.1", new DeliverySender(other, id), Monday, default);
        await deliveries.TryRecordAsync("slack:" + other, "event:Ev-bo", new DeliverySender(other, "bo"), Monday, default);
        await deliveries.TryRecordAsync("msteams:" + other + "-dm", "activity-1", new DeliverySender(other, id), Monday, default);
        var otherBefore = await SnapshotAsync(other, id);

        await Get<INudgeRepository>().DeleteAsync(_team, id, default);
        await Get<IPersonalDataStore>().ForgetAsync(_team, id, keepSharedAnswers: false, Monday.AddHours(1), default);

        Assert.That(await SnapshotAsync(other, id), Is.EqualTo(otherBefore), "the other team is untouched");
        Assert.That(await deliveries.WasRecordedAsync("slack:" + other, $"action:{id}:1700000000.1", default), Is.True);
        Assert.That(await deliveries.WasRecordedAsync("slack:" + other, "event:Ev-bo", default), Is.True);
        Assert.That(await deliveries.WasRecordedAsync("msteams:" + other + "-dm", "activity-1", default), Is.True);
        Assert.That(await deliveries.WasRecordedAsync("slack:" + _team, "event:Ev-bo", default), Is.True, "another person's record in the team");
        Assert.That(await deliveries.WasRecordedAsync("slack:" + _team, "event:Ev-uninstall", default), Is.True, "a record without a person");
        Assert.That(await deliveries.WasRecordedAsync("slack:" + _team, $"action:{id}:1700000000.1", default), Is.False, "their own record");
        Assert.That(await deliveries.WasRecordedAsync("msteams:" + _team + "-dm", "activity-1", default), Is.False, "their own record");
        var mine = await SnapshotAsync(_team, id);
        Assert.That(mine, Does.Not.Contain(System.Text.Json.JsonSerializer.Serialize(id, ReplyJson.Options)), "nothing of theirs is left in their team");
        Assert.That(mine, Does.Contain("\"bo\""), "bo's records in their team stay");
        var queued = (await Get<IOutbox>().LeaseDueAsync(Monday.AddHours(2), TimeSpan.FromMinutes(1), 50, default))
            .Where(m => m.TeamId == _team || m.TeamId == other).Select(m => m.TeamId).ToList();
        Assert.That(queued.Count(t => t == other), Is.EqualTo(2), "the other team's outbox");
        Assert.That(queued.Count(t => t == _team), Is.EqualTo(1), "their team keeps the channel post, loses their DM");
    }

    private async Task SeedAsync(string team, string id)
    {
        await Get<IMemberRepository>().UpsertAsync(new Member(team, id, "Percy " + id), default);
        await Get<IMemberRepository>().UpsertAsync(new Member(team, "bo", "Bo"), default);
        await Get<ILearningRepository>().AddAsync(new LearningEntry(NewId(), team, id, "their own " + id, [], null, Monday, NewId()), default);
        await Get<ILearningRepository>().AddAsync(new LearningEntry(NewId(), team, "bo", $"bo about <@{id}> and % _ \\ *", [], null, Monday, NewId()),
            default);
        var budget = new KudosBudget(10, Monday);
        await Get<IKudosRepository>().GiveAsync(new KudosGift(NewId(), team, "bo", [id], "for % and _", null, Monday, NewId()), budget, default);
        await Get<IKudosRepository>().GiveAsync(new KudosGift(NewId(), team, id, ["bo"], "for \\ and *", null, Monday, NewId()), budget, default);
        await Get<IKnowledgeRepository>().AddAsync(new KnowledgePost(NewId(), team, id, "their % question", "their _ answer", [], Monday, NewId()),
            default);
        await Get<IKnowledgeRepository>().AddAsync(new KnowledgePost(NewId(), team, "bo", "bo's question", "bo's answer", [], Monday, NewId()), default);
        await Get<IQuestionRepository>().AddAsync(new AskedQuestion(NewId(), team, id, "who knows %?", false, Monday, NewId()), default);
        await Get<INudgeRepository>().SaveAsync(new NudgeSubscription(team, id, new Recurrence([DayOfWeek.Friday], new TimeOnly(15, 0), "UTC"),
            Monday.AddDays(30)), default);
        var dm = new StoredConversation($"test:{team}:D-{id}", "test", team, ConversationKind.Personal, id, "{}", true, Monday);
        var channel = new StoredConversation($"test:{team}:C-general", "test", team, ConversationKind.Channel, null, "{}", true, Monday);
        await Get<IConversationRepository>().SaveAsync(dm, default);
        await Get<IConversationRepository>().SaveAsync(channel, default);
        await Get<IOutbox>().EnqueueAsync(new OutboxMessage("nudge-" + team, team, dm.Key, OutboxPurpose.Nudge, "w", PromptMessages.Nudge("Percy"),
            Monday), default);
        await Get<IOutbox>().EnqueueAsync(new OutboxMessage("post-" + team, team, channel.Key, OutboxPurpose.PromptPost, "o",
            new BotReply(ReplyKind.Digest, ReplyAudience.Channel, [new TextBlock(RichText.Of("with ", new MentionSpan("bo", "Bo")))]), Monday), default);
    }

    /// <summary>Everything the repositories return about a team, as one JSON text (outbox apart: leasing it changes it).</summary>
    private async Task<string> SnapshotAsync(string team, string id)
    {
        var personal = Get<IPersonalDataStore>();
        var conversations = Get<IConversationRepository>();
        var snapshot = new
        {
            Person = await personal.ExportAsync(team, id, default),
            Bo = await personal.ExportAsync(team, "bo", default),
            Learnings = await Get<ILearningRepository>().ListAsync(new LearningQuery(team, null, null, 50) { IncludePrivate = true }, default),
            Kudos = await Get<IKudosRepository>().ListSinceAsync(team, Monday.AddDays(-1), 50, default),
            Answers = await Get<IKnowledgeRepository>().ListAsync(new KnowledgeQuery(team, null, null, 50), default),
            Questions = await Get<IQuestionRepository>().ListSinceAsync(team, Monday.AddDays(-1), 50, default),
            Members = (await Get<IMemberRepository>().ListAsync(team, default)).OrderBy(m => m.UserId, StringComparer.Ordinal).ToList(),
            Nudge = await Get<INudgeRepository>().GetAsync(team, id, default),
            Conversations = (await conversations.ListActiveAsync(team, default)).OrderBy(c => c.Key, StringComparer.Ordinal).ToList(),
            Personal = await conversations.FindPersonalAsync(team, id, default),
        };
        return System.Text.Json.JsonSerializer.Serialize(snapshot, ReplyJson.Options);
    }
}

[TestFixture]
public sealed class SqlitePersonalDataContractTests : PersonalDataContractTests
{
    private TempDirectory? _directory;

    protected override void AddStorage(IServiceCollection services)
    {
        _directory = new TempDirectory();
        services.AddSqliteStorage(_directory.File("personal.db"));
    }

    protected override Task CleanUpAsync(IServiceProvider services)
    {
        _directory?.Dispose();
        return Task.CompletedTask;
    }
}

[TestFixture]
public sealed class CosmosPersonalDataContractTests : PersonalDataContractTests
{
    protected override void AddStorage(IServiceCollection services)
    {
        var target = CosmosTestTarget.FindOrIgnore();
        var options = target.Options($"lbpriv-{Guid.NewGuid():N}"[..20], CosmosSearchMode.Contains);
        services.AddCosmosStorage(options);
        services.AddSingleton(target.CreateStore(options)); // the test target's client settings (emulator certificate)
    }

    protected override async Task CleanUpAsync(IServiceProvider services) =>
        await services.GetRequiredService<CosmosStore>().DeleteDatabaseAsync(default);
}
