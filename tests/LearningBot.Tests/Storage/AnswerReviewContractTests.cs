using LearningBot.Core.Knowledge;
using LearningBot.Core.Outbox;
using LearningBot.Core.Replies;
using LearningBot.Core.Settings;
using LearningBot.Storage.Cosmos;
using LearningBot.Storage.Cosmos.Knowledge;
using LearningBot.Storage.Cosmos.Outbox;
using LearningBot.Storage.Cosmos.Settings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using LearningBot.Storage.Sqlite.Outbox;
using LearningBot.Storage.Sqlite.Settings;

namespace LearningBot.Tests.Storage;

/// <summary>
/// What every engine's answer-review and person-settings stores must do: owners, review dates, one claim per review date (the
/// exactly-once of the review DM), retirement out of search.
/// </summary>
public abstract class AnswerReviewContractTests
{
    protected sealed record Stores(IKnowledgeRepository Knowledge, IAnswerReviewRepository Reviews, IOutbox Outbox, ISearchIndex Search,
        IPersonSettingsRepository People);

    private static readonly DateTimeOffset Shared = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = Shared.AddDays(180);

    protected abstract Task<Stores> CreateStoresAsync();

    protected virtual Task DisposeStoresAsync() => Task.CompletedTask;

    private Stores _s = null!;
    private string _team = null!;

    [SetUp]
    public async Task Create()
    {
        _s = await CreateStoresAsync();
        _team = "team-" + Guid.NewGuid().ToString("N");
    }

    [TearDown]
    public Task Dispose() => DisposeStoresAsync();

    private async Task<KnowledgePost> ShareAsync(string question = "How do we rotate the staging keys?", string author = "ann") =>
        (await _s.Knowledge.AddAsync(new KnowledgePost(Guid.NewGuid().ToString("N"), _team, author, question, "make rotate-keys", ["ops"], Shared,
            "share:" + Guid.NewGuid().ToString("N")) { ReviewDueAt = Due }, default)).Value;

    private OutboxMessage Dm(KnowledgePost post, string id) =>
        new(id, _team, "test:" + _team + ":D1", OutboxPurpose.AnswerReview, post.Id, Reply.Notice(ReplyKind.Confirmation, new TextBlock("review?")), Due);

    [Test]
    public async Task A_shared_answer_is_owned_by_its_author_and_due_for_review_at_its_date()
    {
        var post = await ShareAsync();
        var read = await _s.Knowledge.GetAsync(_team, post.Id, default);

        Assert.That((read!.OwnerId, read.ReviewDueAt, read.ConfirmedAt, read.RetiredAt), Is.EqualTo(("ann", (DateTimeOffset?)Due, (DateTimeOffset?)null, (DateTimeOffset?)null)));
        Assert.That(await _s.Reviews.ListDueAsync(Due.AddSeconds(-1), 100, default), Has.None.Matches<DueReview>(r => r.TeamId == _team), "not before its date");
        Assert.That((await _s.Reviews.ListDueAsync(Due, 100, default)).Where(r => r.TeamId == _team),
            Is.EqualTo(new[] { new DueReview(_team, post.Id, Due) }));
    }

    [Test]
    public async Task A_review_is_claimed_once_even_by_two_instances_at_the_same_moment_and_queues_one_dm()
    {
        var post = await ShareAsync();
        var review = new DueReview(_team, post.Id, Due);

        var claims = await Task.WhenAll(_s.Reviews.ClaimAsync(review, Dm(post, "review-dm-" + post.Id), default),
            _s.Reviews.ClaimAsync(review, Dm(post, "review-dm-" + post.Id), default));
        var later = await _s.Reviews.ClaimAsync(review, Dm(post, "review-dm-" + post.Id), default);

        Assert.That(claims.Count(c => c) + (later ? 1 : 0), Is.EqualTo(1), "exactly one claim wins");
        Assert.That(await _s.Reviews.ListDueAsync(Due.AddDays(1), 100, default), Has.None.Matches<DueReview>(r => r.TeamId == _team),
            "an answered claim is no longer due");
        var leased = await _s.Outbox.LeaseDueAsync(Due, TimeSpan.FromMinutes(1), 100, default);
        Assert.That(leased.Count(m => m.TeamId == _team), Is.EqualTo(1));
        Assert.That((await _s.Knowledge.GetAsync(_team, post.Id, default))!.IsOverdue(Due.AddDays(1)), Is.True,
            "asked but not confirmed: still out of date");
    }

    [Test]
    public async Task Still_right_moves_the_review_date_and_makes_the_answer_due_again_then()
    {
        var post = await ShareAsync();
        await _s.Reviews.ClaimAsync(new DueReview(_team, post.Id, Due), null, default);

        var confirmed = await _s.Reviews.ConfirmAsync(_team, post.Id, Due.AddDays(2), Due.AddDays(182), default);
        var stale = await _s.Reviews.ClaimAsync(new DueReview(_team, post.Id, Due), null, default);

        Assert.That((confirmed!.ConfirmedAt, confirmed.ReviewDueAt), Is.EqualTo(((DateTimeOffset?)Due.AddDays(2), (DateTimeOffset?)Due.AddDays(182))));
        Assert.That(confirmed.IsOverdue(Due.AddDays(3)), Is.False);
        Assert.That(stale, Is.False, "a claim for the old date is void");
        Assert.That((await _s.Reviews.ListDueAsync(Due.AddDays(182), 100, default)).Where(r => r.TeamId == _team).Select(r => r.DueAt),
            Is.EqualTo(new[] { Due.AddDays(182) }));
        Assert.That(await _s.Reviews.ConfirmAsync(_team + "-other", post.Id, Due, Due.AddDays(1), default), Is.Null, "another team's id finds nothing");
    }

    [Test]
    public async Task A_retired_answer_leaves_search_and_reviews_but_stays_readable_and_cannot_be_confirmed()
    {
        var post = await ShareAsync("How do we rotate the staging keys?");
        var before = await _s.Search.SearchAsync(new SearchQuery(_team, "rotate staging keys", [SearchKind.Knowledge], 5), default);

        var retired = await _s.Reviews.RetireAsync(_team, post.Id, Due, default);
        var again = await _s.Reviews.RetireAsync(_team, post.Id, Due.AddDays(5), default);
        var after = await _s.Search.SearchAsync(new SearchQuery(_team, "rotate staging keys", [SearchKind.Knowledge], 5), default);

        Assert.That(before.Select(h => h.Id), Does.Contain(post.Id));
        Assert.That(after.Select(h => h.Id), Does.Not.Contain(post.Id));
        Assert.That((retired!.RetiredAt, again!.RetiredAt), Is.EqualTo(((DateTimeOffset?)Due, (DateTimeOffset?)Due)), "the first retirement date stays");
        Assert.That(await _s.Reviews.ListDueAsync(Due.AddDays(1), 100, default), Has.None.Matches<DueReview>(r => r.TeamId == _team));
        Assert.That(await _s.Reviews.ConfirmAsync(_team, post.Id, Due, Due.AddDays(180), default), Is.Null);
        Assert.That((await _s.Knowledge.ListAsync(new KnowledgeQuery(_team, "ann", null, 10), default)).Select(p => p.Id), Does.Contain(post.Id),
            "kept for the author's export");
        Assert.That(await _s.Knowledge.ListMostHelpfulAsync(_team, 10, default), Has.None.Matches<KnowledgePost>(p => p.Id == post.Id));
    }

    [Test]
    public async Task The_owner_can_be_reassigned_and_the_author_stays()
    {
        var post = await ShareAsync();
        var moved = await _s.Reviews.SetOwnerAsync(_team, post.Id, "bo", default);
        var read = await _s.Knowledge.GetAsync(_team, post.Id, default);

        Assert.That((moved!.OwnerId, read!.OwnerId, read.AuthorId), Is.EqualTo(("bo", "bo", "ann")));
        Assert.That(await _s.Reviews.SetOwnerAsync(_team, "missing", "bo", default), Is.Null);
    }

    [Test]
    public async Task Several_posts_are_read_at_once_and_only_the_teams()
    {
        var a = await ShareAsync("How do we rotate the staging keys?");
        var b = await ShareAsync("Where is the VPN config?");

        var read = await _s.Reviews.GetManyAsync(_team, [a.Id, b.Id, "missing"], default);
        var other = await _s.Reviews.GetManyAsync(_team + "-other", [a.Id], default);

        Assert.That(read.Select(p => (p.Id, p.ReviewDueAt)), Is.EquivalentTo(new[] { (a.Id, (DateTimeOffset?)Due), (b.Id, (DateTimeOffset?)Due) }));
        Assert.That(other, Is.Empty);
    }

    [Test]
    public async Task Person_settings_default_to_ask_me_off_and_are_per_person_and_team()
    {
        Assert.That((await _s.People.GetAsync(_team, "bo", default)).AskMe, Is.False);
        await _s.People.SaveAsync(new PersonSettings(_team, "bo", true), default);

        Assert.That((await _s.People.GetAsync(_team, "bo", default)).AskMe, Is.True);
        Assert.That((await _s.People.GetAsync(_team, "cy", default)).AskMe, Is.False);
        Assert.That((await _s.People.GetAsync(_team + "-other", "bo", default)).AskMe, Is.False);
        await _s.People.SaveAsync(new PersonSettings(_team, "bo", false), default);
        Assert.That((await _s.People.GetAsync(_team, "bo", default)).AskMe, Is.False);
    }
}

[TestFixture]
public sealed class SqliteAnswerReviewContractTests : AnswerReviewContractTests
{
    private TempDirectory _directory = null!;

    protected override async Task<Stores> CreateStoresAsync()
    {
        _directory = new TempDirectory();
        var database = new SqliteDatabase(_directory.File("reviews.db"));
        await database.InitializeAsync(default);
        return new Stores(new SqliteKnowledgeRepository(database), new SqliteAnswerReviewRepository(database), new SqliteOutbox(database),
            new SqliteSearchIndex(database), new SqlitePersonSettingsRepository(database));
    }

    protected override Task DisposeStoresAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The same contract on a Cosmos DB server, a database per test (the outbox and review index are global).</summary>
[TestFixture]
public sealed class CosmosAnswerReviewContractTests : AnswerReviewContractTests
{
    private CosmosStore? _store;

    protected override async Task<Stores> CreateStoresAsync()
    {
        _store = await CosmosTestTarget.StartOwnDatabaseAsync("lbreview");
        return new Stores(new CosmosKnowledgeRepository(_store), new CosmosAnswerReviewRepository(_store), new CosmosOutbox(_store),
            new CosmosSearchIndex(_store), new CosmosPersonSettingsRepository(_store));
    }

    protected override async Task DisposeStoresAsync()
    {
        await CosmosTestTarget.StopOwnDatabaseAsync(_store);
        _store = null;
    }
}
