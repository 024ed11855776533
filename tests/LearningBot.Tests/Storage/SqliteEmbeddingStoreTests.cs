using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Privacy;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge.Semantic;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Storage;

/// <summary>
/// The SQLite embedding queue on a real file, without a model (the vectors are made up here; what is tested is which documents
/// are pending, what is saved, and what forget me leaves): the queue is the durable part of semantic search.
/// </summary>
public sealed class SqliteEmbeddingStoreTests
{
    private const string Model = "test-model";
    private static readonly DateTimeOffset At = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private TempDirectory _directory = null!;
    private ServiceProvider _services = null!;

    [SetUp]
    public async Task Start()
    {
        _directory = new TempDirectory();
        _services = new ServiceCollection().AddLogging().AddSqliteStorage(_directory.File("queue.db")).BuildServiceProvider();
        await _services.GetRequiredService<SqliteDatabase>().InitializeAsync(default);
    }

    [TearDown]
    public async Task Stop()
    {
        await _services.DisposeAsync();
        _directory.Dispose();
    }

    private IEmbeddingStore Store => _services.GetRequiredService<IEmbeddingStore>();

    private static ComputedEmbedding Vector(EmbeddingWork work) =>
        new(work, Enumerable.Range(0, 8).Select(i => (float)Math.Cos(i + work.Text.Length)).ToArray());

    private long Vectors()
    {
        using var connection = new SqliteConnection($"Data Source={_directory.File("queue.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM search_vectors";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    [Test]
    public async Task Pending_is_every_public_learning_and_both_parts_of_each_shared_answer_until_saved_and_again_for_another_model()
    {
        await _services.GetRequiredService<ILearningRepository>().AddAsync(
            new LearningEntry("l1", "acme", "ann", "how EXPLAIN plans read", [], null, At, "k1"), default);
        await _services.GetRequiredService<ILearningRepository>().AddAsync(
            new LearningEntry("l2", "acme", "ann", "my salary negotiation notes", [], null, At, "k2") { IsPrivate = true }, default);
        await _services.GetRequiredService<IKnowledgeRepository>().AddAsync(
            new KnowledgePost("p1", "acme", "bo", "How do I rotate keys?", "make rotate-keys", [], At, "k3"), default);
        await _services.GetRequiredService<IKudosRepository>().GiveAsync(
            new KudosGift("g1", "acme", "bo", ["ann"], "for the review", null, At, "k4"), new KudosBudget(5, At.AddDays(-7)), default);

        var pending = await Store.ListPendingAsync(Model, 10, default);

        Assert.That(pending.Select(w => (w.Kind, w.Id, w.Text)), Is.EqualTo(new[]
        {
            (SearchKind.Learning, "l1", "how EXPLAIN plans read"),
            (SearchKind.Knowledge, "p1", "How do I rotate keys?\nmake rotate-keys"),
            (SearchKind.Knowledge, "p1", "How do I rotate keys?"),
        }), "no private learning, no kudos");
        Assert.That(await Store.CountPendingAsync(Model, default), Is.EqualTo(3));

        await Store.SaveAsync(Model, pending.Select(Vector).ToList(), default);

        Assert.That(await Store.ListPendingAsync(Model, 10, default), Is.Empty);
        Assert.That(await Store.CountPendingAsync(Model, default), Is.Zero);
        Assert.That(await Store.CountPendingAsync("another-model", default), Is.EqualTo(3), "a model change re-embeds everything");
    }

    [Test]
    public async Task The_newest_documents_rowid_coming_back_never_brings_its_old_vector_with_it()
    {
        var learnings = _services.GetRequiredService<ILearningRepository>();
        async Task<IReadOnlyList<EmbeddingWork>> SaveAllAsync()
        {
            var pending = await Store.ListPendingAsync(Model, 10, default);
            await Store.SaveAsync(Model, pending.Select(Vector).ToList(), default);
            return pending;
        }

        await learnings.AddAsync(new LearningEntry("l1", "acme", "ann", "how EXPLAIN plans read", [], null, At, "k1"), default);
        var newest = (await learnings.AddAsync(new LearningEntry("l2", "acme", "bo", "rotating the staging keys", [], null, At, "k2"), default)).Value;
        await SaveAllAsync();

        // An edit of the newest document re-inserts it under the same rowid: its new text is pending, not covered by the old vector.
        await learnings.UpdateAsync(newest with { Text = "how feature flags decouple deploys" }, default);
        Assert.That((await SaveAllAsync()).Select(w => (w.Id, w.Text)), Is.EqualTo(new[] { ("l2", "how feature flags decouple deploys") }));

        // A deletion of the newest: the next document written takes its rowid and is embedded from its own text.
        await learnings.DeleteAsync("acme", "l2", default);
        await learnings.AddAsync(new LearningEntry("l3", "acme", "cy", "pairing on the flaky integration test", [], null, At, "k3"), default);
        Assert.That((await SaveAllAsync()).Select(w => (w.Id, w.Text)), Is.EqualTo(new[] { ("l3", "pairing on the flaky integration test") }));

        // Forget me deletes the newest document too: the next one is embedded from its own text.
        await _services.GetRequiredService<IPersonalDataStore>().ForgetAsync("acme", "cy", keepSharedAnswers: false, At.AddDays(1), default);
        await learnings.AddAsync(new LearningEntry("l4", "acme", "ann", "reading flame graphs", [], null, At, "k4"), default);
        Assert.That((await SaveAllAsync()).Select(w => (w.Id, w.Text)), Is.EqualTo(new[] { ("l4", "reading flame graphs") }));
        Assert.That(Vectors(), Is.EqualTo(2), "l1 and l4: nothing of l2's or l3's texts is left");
    }

    [Test]
    public async Task A_vector_of_text_that_changed_meanwhile_is_not_saved_and_forget_me_deletes_the_persons_vectors()
    {
        var learnings = _services.GetRequiredService<ILearningRepository>();
        await learnings.AddAsync(new LearningEntry("l1", "acme", "ann", "pairing with <@bo> on the flaky build", [], null, At, "k1"), default);
        await learnings.AddAsync(new LearningEntry("l2", "acme", "bo", "bo's own learning about caching", [], null, At, "k2"), default);
        await learnings.AddAsync(new LearningEntry("l3", "acme", "cy", "cy's learning about queues", [], null, At, "k3"), default);
        var listed = await Store.ListPendingAsync(Model, 10, default);
        await Store.SaveAsync(Model, listed.Where(w => w.Id == "l3").Select(Vector).ToList(), default);

        // bo is forgotten between listing and saving: his learning goes, ann's mention of him is rewritten.
        await _services.GetRequiredService<IPersonalDataStore>().ForgetAsync("acme", "bo", keepSharedAnswers: true, At, default);
        await Store.SaveAsync(Model, listed.Where(w => w.Id != "l3").Select(Vector).ToList(), default);

        Assert.That(Vectors(), Is.EqualTo(1), "only cy's: bo's learning is gone and ann's text changed");
        var again = await Store.ListPendingAsync(Model, 10, default);
        Assert.That(again.Select(w => w.Id), Is.EqualTo(new[] { "l1" }), "ann's rewritten learning is pending with its new text");
        Assert.That(again[0].Text, Does.Not.Contain("<@bo>"));

        await Store.SaveAsync(Model, again.Select(Vector).ToList(), default);
        await _services.GetRequiredService<IPersonalDataStore>().ForgetAsync("acme", "cy", keepSharedAnswers: false, At, default);

        Assert.That(Vectors(), Is.EqualTo(1), "cy's vector went with cy's learning; ann's stays");
    }

    [Test]
    public async Task Idle_listings_read_only_what_was_written_since_and_the_whole_index_at_most_every_five_minutes()
    {
        var learnings = _services.GetRequiredService<ILearningRepository>();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(At);
        var store = new SqliteEmbeddingStore(_services.GetRequiredService<SqliteDatabase>(), time);
        for (var i = 0; i < 5; i++)
        {
            await learnings.AddAsync(new LearningEntry($"l{i}", "acme", "ann", $"how the retry queue backs off after item {i} fails", [], null, At, $"k{i}"), default);
        }

        await store.SaveAsync(Model, (await store.ListPendingAsync(Model, 10, default)).Select(Vector).ToList(), default);
        Assert.That(store.FullPasses, Is.EqualTo(1), "the first listing reads the whole index");

        // The worker polls every 2 s and after each write; each of these read the whole index before (0.75 s of CPU at 250,000 rows).
        for (var poll = 0; poll < 20; poll++)
        {
            Assert.That(await store.ListPendingAsync(Model, 10, default), Is.Empty);
            time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.That(store.FullPasses, Is.EqualTo(1), "idle polls read only the rows above the watermark");
        Assert.That(await store.CountPendingAsync(Model, default), Is.Zero);

        // A new learning is found at once (it is above the watermark).
        await learnings.AddAsync(new LearningEntry("l5", "acme", "ann", "how EXPLAIN plans read", [], null, At, "k5"), default);
        var listed = await store.ListPendingAsync(Model, 10, default);
        Assert.That(listed.Select(w => w.Id), Is.EqualTo(new[] { "l5" }));
        Assert.That(await store.CountPendingAsync(Model, default), Is.EqualTo(1));
        await store.SaveAsync(Model, listed.Select(Vector).ToList(), default);

        // A vector deleted below the watermark (forget me rewrites a mention in place; another process on the file) is found by
        // the next whole pass, at most five minutes later.
        await using (var connection = await _services.GetRequiredService<SqliteDatabase>().OpenAsync(default))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM search_vectors WHERE doc_id = (SELECT rowid FROM search_fts WHERE ref_id = 'l1')";
            await command.ExecuteNonQueryAsync();
        }

        Assert.That(await store.ListPendingAsync(Model, 10, default), Is.Empty, "not before the whole pass is due");
        time.Advance(SqliteEmbeddingStore.FullPassEvery);
        Assert.That((await store.ListPendingAsync(Model, 10, default)).Select(w => w.Id), Is.EqualTo(new[] { "l1" }));
        Assert.That(store.FullPasses, Is.EqualTo(2));
    }
}
