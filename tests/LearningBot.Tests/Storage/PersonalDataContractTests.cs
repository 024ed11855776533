using LearningBot.Core.Conversations;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Nudges;
using LearningBot.Core.Outbox;
using LearningBot.Core.Privacy;
using LearningBot.Core.Prompts;
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
    public async Task Forgetting_removes_the_person_and_their_name_but_keeps_what_they_gave_others()
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

        var before = await personal.ExportAsync(_team, "ann", default);
        await personal.ForgetAsync(_team, "ann", keepSharedAnswers: true, Monday, default);
        var after = await personal.ExportAsync(_team, "ann", default);

        Assert.That((before.Member?.DisplayName, before.Learnings.Count, before.KudosGiven.Count, before.KudosReceived.Count,
            before.SharedAnswers.Count, before.Questions.Count, before.NudgesOn), Is.EqualTo(("Ann Lee", 2, 1, 2, 1, 1, true)));
        Assert.That((after.Member, after.Learnings.Count, after.KudosGiven.Count, after.KudosReceived.Count, after.SharedAnswers.Count,
            after.Questions.Count, after.NudgesOn), Is.EqualTo(((Member?)null, 0, 0, 0, 0, 0, false)));
        var left = await learnings.ListAsync(new LearningQuery(_team, null, null, 10) { IncludePrivate = true }, default);
        Assert.That(left.Select(e => e.Text), Is.EqualTo(new[] { "paired with @former-member and @former-member on ops" }));
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
