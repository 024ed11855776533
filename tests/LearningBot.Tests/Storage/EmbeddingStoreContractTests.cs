using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Privacy;
using LearningBot.Core.Storage;
using LearningBot.Embeddings;
using LearningBot.Storage.Cosmos;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Storage;

/// <summary>
/// What every engine's <see cref="IEmbeddingStore"/> (the durable embedding queue) and its search with a query vector must do,
/// over the engine's own DI registration, the real background <see cref="EmbeddingWorker"/> and the packaged MiniLM model.
/// An engine plugs in with one fixture that registers its storage (<see cref="AddStorage"/>). SQLite's queue works per part (a
/// shared answer is embedded whole and as its question alone) and has its own tests (SqliteEmbeddingStoreTests, HybridSearchHostTests). Each test has a database of its own: pending work is listed across teams.
/// </summary>
public abstract class EmbeddingStoreContractTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    // One model for the whole run (about a second and 100 MB to load); registered as an instance, so no provider disposes it.
    private static readonly Lazy<IEmbeddingGenerator<string, Embedding<float>>> Model = new(() => SentenceEmbeddingGenerator.Load("MiniLM", 1));

    private ServiceProvider? _services;
    private string _teamA = null!;
    private string _teamB = null!;

    /// <summary>Registers the engine's storage (repositories, search, <see cref="IEmbeddingStore"/>, personal data) over an empty database.</summary>
    protected abstract void AddStorage(IServiceCollection services);

    protected virtual Task CleanUpAsync(IServiceProvider services) => Task.CompletedTask;

    [SetUp]
    public async Task Create()
    {
        _teamA = "team-a-" + Guid.NewGuid().ToString("N");
        _teamB = "team-b-" + Guid.NewGuid().ToString("N");
        var services = new ServiceCollection().AddLogging();
        AddStorage(services);
        services.AddSingleton(Model.Value);
        services.AddLearningBotEmbeddings(new ConfigurationBuilder().Build());
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<IStorageInitializer>().InitializeAsync(default);
    }

    [TearDown]
    public async Task Dispose()
    {
        if (_services is null)
        {
            return; // set-up was ignored (e.g. no Cosmos server)
        }

        await CleanUpAsync(_services);
        await _services.DisposeAsync();
        _services = null;
    }

    private T Get<T>() where T : notnull => _services!.GetRequiredService<T>();

    private IEmbeddingStore Queue => Get<IEmbeddingStore>();

    private string ModelId => Get<IQueryEmbedder>().ModelId!;

    private static string NewId() => Guid.NewGuid().ToString("N");

    private async Task<LearningEntry> LearnAsync(string team, string user, string text, bool isPrivate = false) =>
        (await Get<ILearningRepository>().AddAsync(new LearningEntry(NewId(), team, user, text, ["ops"], 10, Monday, NewId()) { IsPrivate = isPrivate },
            default)).Value;

    private async Task<KnowledgePost> ShareAsync(string team, string user, string question, string answer) =>
        (await Get<IKnowledgeRepository>().AddAsync(new KnowledgePost(NewId(), team, user, question, answer, [], Monday, NewId()), default)).Value;

    private async Task<IReadOnlyList<EmbeddingWork>> PendingAsync(string? model = null) => await Queue.ListPendingAsync(model ?? ModelId, 1000, default);

    /// <summary>
    /// What <see cref="EmbeddingWorker.DrainAsync"/> does, without its backlog count (a cross-partition COUNT, which the local Cosmos
    /// server cannot run; <see cref="Pending_documents_are_counted_per_model"/> tests counting): list, embed with the model, save.
    /// </summary>
    private async Task<int> DrainAsync()
    {
        var total = 0;
        for (var batch = await Queue.ListPendingAsync(ModelId, 16, default); batch.Count > 0; batch = await Queue.ListPendingAsync(ModelId, 16, default))
        {
            var vectors = await Model.Value.GenerateAsync(batch.Select(w => w.Text));
            await Queue.SaveAsync(ModelId, batch.Select((w, i) => new ComputedEmbedding(w, vectors[i].Vector)).ToList(), default);
            total += batch.Count;
            Assert.That(total, Is.LessThan(1000), "saved work must stop being pending");
        }

        return total;
    }

    private async Task<IReadOnlyList<SearchHit>> AskAsync(string team, string text, bool semantic = true, int limit = 3)
    {
        var query = new SearchQuery(team, text, [SearchKind.Knowledge, SearchKind.Learning], limit)
        {
            Embedding = semantic ? await Get<IQueryEmbedder>().EmbedAsync(text, default) : null,
        };
        return await Get<ISearchIndex>().SearchAsync(query, default);
    }

    [Test]
    public async Task New_searchable_learnings_and_answers_are_pending_with_the_text_to_embed()
    {
        var learning = await LearnAsync(_teamA, "ann", "EXPLAIN ANALYZE shows the real row counts");
        await LearnAsync(_teamA, "ann", "my salary negotiation notes", isPrivate: true);
        var post = await ShareAsync(_teamB, "bo", "How do I rotate the staging database password?", "Run make rotate-db in the ops repo.");
        await Get<IKudosRepository>().GiveAsync(new KudosGift(NewId(), _teamA, "ann", ["bo"], "thanks for the database help", null, Monday, NewId()),
            new KudosBudget(5, Monday), default);

        var pending = await PendingAsync();

        Assert.That(pending.Select(w => (w.TeamId, w.Kind, w.Id)), Is.EquivalentTo(new[]
        {
            (_teamA, SearchKind.Learning, learning.Id),
            (_teamB, SearchKind.Knowledge, post.Id),
        }), "private learnings and kudos are never embedded");
        Assert.That(pending.Single(w => w.Id == learning.Id).Text, Does.Contain("EXPLAIN ANALYZE shows the real row counts"));
        Assert.That(pending.Single(w => w.Id == post.Id).Text, Does.Contain("rotate the staging database password").And.Contain("make rotate-db"));
        Assert.That(pending.Select(w => w.ContentHash), Is.All.Not.Empty);
        Assert.That(pending.Select(w => w.ContentHash), Is.Unique);
        Assert.That(await Queue.ListPendingAsync(ModelId, 1, default), Has.Count.EqualTo(1), "at most max");
    }

    [Test]
    public async Task A_new_searchable_document_wakes_the_embedder_and_a_private_one_or_a_redelivery_does_not()
    {
        var signal = Get<EmbeddingSignal>();
        var entry = new LearningEntry(NewId(), _teamA, "ann", "EXPLAIN ANALYZE shows the real row counts", [], null, Monday, "msg-1");

        await LearnAsync(_teamA, "ann", "my salary negotiation notes", isPrivate: true);
        var afterPrivate = await signal.WaitAsync(TimeSpan.Zero, default);
        await Get<ILearningRepository>().AddAsync(entry, default);
        var afterLearning = await signal.WaitAsync(TimeSpan.Zero, default);
        await Get<ILearningRepository>().AddAsync(entry with { Id = NewId() }, default);
        var afterRedelivery = await signal.WaitAsync(TimeSpan.Zero, default);
        await ShareAsync(_teamA, "bo", "Where are the staging logs?", "In Grafana.");
        var afterAnswer = await signal.WaitAsync(TimeSpan.Zero, default);

        Assert.That((afterPrivate, afterLearning, afterRedelivery, afterAnswer), Is.EqualTo((false, true, false, true)));
    }

    [Test]
    public async Task Saved_vectors_stop_being_pending_for_that_model_only_so_a_model_change_re_embeds_everything()
    {
        await LearnAsync(_teamA, "ann", "EXPLAIN ANALYZE shows the real row counts");
        await ShareAsync(_teamA, "bo", "Where are the staging logs?", "In the Grafana explore tab, datasource Loki.");
        await ShareAsync(_teamB, "cy", "Who approves production deploys?", "The on-call lead in #deploys.");

        var embedded = await DrainAsync();

        Assert.That(embedded, Is.EqualTo(3));
        Assert.That(await PendingAsync(), Is.Empty);
        Assert.That(await PendingAsync("another-model-v2"), Has.Count.EqualTo(3), "another model has no vectors here yet");
        Assert.That(await DrainAsync(), Is.Zero, "nothing is embedded twice");
    }

    [Test]
    public virtual async Task Pending_documents_are_counted_per_model()
    {
        await LearnAsync(_teamA, "ann", "EXPLAIN ANALYZE shows the real row counts");
        await ShareAsync(_teamB, "bo", "Where are the staging logs?", "In Grafana.");
        await LearnAsync(_teamA, "ann", "private note", isPrivate: true);

        Assert.That(await Queue.CountPendingAsync(ModelId, default), Is.EqualTo(2));
        Assert.That(await Get<EmbeddingWorker>().DrainAsync(default), Is.EqualTo(2), "the background worker's own drain");
        Assert.That(await Queue.CountPendingAsync(ModelId, default), Is.Zero);
        Assert.That(await Queue.CountPendingAsync("another-model-v2", default), Is.EqualTo(2));
    }

    [Test]
    public async Task A_vector_of_an_older_text_or_a_deleted_document_is_not_saved()
    {
        await LearnAsync(_teamA, "ann", "how to read flame graphs");
        await LearnAsync(_teamA, "bo", "paired with <@ann> on the flame graph reading");
        var listed = await PendingAsync();
        var vectors = await Model.Value.GenerateAsync(listed.Select(w => w.Text));

        // Between listing and saving, ann is forgotten: her learning is deleted, bo's is rewritten without her mention.
        await Get<IPersonalDataStore>().ForgetAsync(_teamA, "ann", keepSharedAnswers: false, Monday.AddDays(1), default);
        await Queue.SaveAsync(ModelId, listed.Select((w, i) => new ComputedEmbedding(w, vectors[i].Vector)).ToList(), default);

        var pending = await PendingAsync();
        Assert.That(pending, Has.Count.EqualTo(1), "ann's learning is gone, not brought back by the save");
        Assert.That(pending[0].Text, Does.Contain("@former-member").And.Not.Contain("<@ann>"), "bo's new text waits for its own vector");
        Assert.That(pending[0].ContentHash, Is.Not.EqualTo(listed.Single(w => w.Id == pending[0].Id).ContentHash));
    }

    [Test]
    public async Task An_edit_or_deletion_of_the_last_written_document_never_leaves_its_vector_to_another_text()
    {
        await LearnAsync(_teamA, "ann", "how to read EXPLAIN plans in postgres");
        var last = await LearnAsync(_teamA, "bo", "rotating the staging keys with make rotate-keys");
        await DrainAsync();
        Assert.That(await PendingAsync(), Is.Empty);

        // Edited: its new text waits for its own vector (SQLite's FTS5 hands a re-inserted last row the same rowid).
        await Get<ILearningRepository>().UpdateAsync(last with { Text = "how feature flags decouple deploys" }, default);
        var afterEdit = await PendingAsync();
        Assert.That(afterEdit.Select(w => (w.Id, w.Text)), Is.EqualTo(new[] { (last.Id, "how feature flags decouple deploys") }));
        await DrainAsync();

        // Deleted: the next document written (which may take its rowid) is embedded from its own text.
        await Get<ILearningRepository>().DeleteAsync(_teamA, last.Id, default);
        var next = await LearnAsync(_teamA, "cy", "pairing on the flaky integration test");
        var afterDelete = await PendingAsync();
        Assert.That(afterDelete.Select(w => (w.Id, w.Text)), Is.EqualTo(new[] { (next.Id, "pairing on the flaky integration test") }));
    }

    [Test]
    public async Task Forgetting_someone_removes_their_vectors_and_the_vectors_of_texts_that_mentioned_them()
    {
        await LearnAsync(_teamA, "ann", "how to read flame graphs of the checkout service");
        var bos = await LearnAsync(_teamA, "bo", "paired with <@ann> on reading flame graphs of checkout");
        await ShareAsync(_teamA, "ann", "How do I profile the checkout service?", "Record a flame graph with dotnet-trace.");
        await DrainAsync();

        await Get<IPersonalDataStore>().ForgetAsync(_teamA, "ann", keepSharedAnswers: false, Monday.AddDays(1), default);

        Assert.That((await PendingAsync()).Select(w => w.Id), Is.EqualTo(new[] { bos.Id }), "the scrubbed text lost its vector");
        Assert.That((await PendingAsync("another-model-v2")).Select(w => w.Id), Is.EqualTo(new[] { bos.Id }),
            "every other embeddable document (ann's learning and answer, with their vectors) is gone");
        await DrainAsync();
        Assert.That(await PendingAsync(), Is.Empty, "the scrubbed text is embedded again");
    }

    [Test]
    public virtual async Task Search_with_an_embedding_finds_a_paraphrase_without_a_shared_word_and_reports_its_similarity()
    {
        var answer = await ShareAsync(_teamA, "ann", "How do I rotate the staging database password?", "Run make rotate-db in the ops repo.");
        await ShareAsync(_teamA, "bo", "Where are the kubernetes pod logs?", "kubectl logs, or Grafana Loki.");
        await LearnAsync(_teamA, "cy", "The Friday lunch menu is posted in the kitchen channel.");
        await DrainAsync();

        const string paraphrase = "change the credentials of our pre-production datastore";
        var lexical = await AskAsync(_teamA, paraphrase, semantic: false);
        var hybrid = await AskAsync(_teamA, paraphrase);

        Assert.That(lexical, Is.Empty, "no word in common");
        Assert.That(hybrid[0].Id, Is.EqualTo(answer.Id));
        Assert.That(hybrid.Select(h => h.Similarity), Is.All.Not.Null.And.All.InRange(-1.0, 1.0));
        Assert.That(hybrid[0].Similarity, Is.GreaterThan(hybrid.Skip(1).Max(h => h.Similarity!.Value) + 0.1));
    }

    // The example: every word misspelled. The sentence model reads word pieces, so the meaning survives the typos
    // even where the lexical side finds nothing (Cosmos full-text search has no typo tolerance; see docs/search.md).
    [Test]
    public virtual async Task A_question_with_typos_in_every_word_is_found_by_its_meaning()
    {
        var answer = await ShareAsync(_teamA, "ann", "How do I rotate the staging database password?", "Run make rotate-db in the ops repo.");
        await ShareAsync(_teamA, "bo", "Where are the kubernetes pod logs?", "kubectl logs, or Grafana Loki.");
        await LearnAsync(_teamA, "cy", "The Friday lunch menu is posted in the kitchen channel.");
        await DrainAsync();

        var hits = await AskAsync(_teamA, "databse pasword rotaton");

        Assert.That(hits.Select(h => h.Id).FirstOrDefault(), Is.EqualTo(answer.Id));
    }

    [Test]
    public virtual async Task Search_with_an_embedding_never_returns_another_teams_or_private_documents()
    {
        const string text = "How do I rotate the staging database password? Run make rotate-db.";
        var own = await LearnAsync(_teamA, "ann", text);
        await LearnAsync(_teamA, "ann", text + " (my own copy)", isPrivate: true);
        await LearnAsync(_teamB, "bo", text);
        await ShareAsync(_teamB, "bo", "How do I rotate the staging database password?", "Run make rotate-db.");
        await DrainAsync();

        var hits = await AskAsync(_teamA, "rotate staging database password", limit: 10);

        Assert.That(hits.Select(h => h.Id), Is.EqualTo(new[] { own.Id }));
        Assert.That(hits[0].Similarity, Is.GreaterThan(0.5));
    }

    [Test]
    public virtual async Task A_document_is_found_by_its_words_before_it_is_embedded_and_semantically_after()
    {
        await ShareAsync(_teamA, "bo", "Where are the kubernetes pod logs?", "kubectl logs, or Grafana Loki.");
        await DrainAsync();
        var fresh = await ShareAsync(_teamA, "ann", "How do I rotate the staging database password?", "Run make rotate-db in the ops repo.");

        var before = await AskAsync(_teamA, "rotate database password");
        await DrainAsync();
        var after = await AskAsync(_teamA, "rotate database password");

        Assert.That(before[0].Id, Is.EqualTo(fresh.Id));
        Assert.That(before[0].Similarity, Is.Null, "not embedded yet: found by its words");
        Assert.That(after[0].Id, Is.EqualTo(fresh.Id));
        Assert.That(after[0].Similarity, Is.GreaterThan(0.5));
    }
}

/// <summary>
/// Cosmos DB with the <c>Contains</c> search: hybrid search fuses in the app, so the local test server runs it all except the
/// cross-partition <c>COUNT</c>.
/// </summary>
[TestFixture]
public class CosmosEmbeddingStoreContractTests : EmbeddingStoreContractTests
{
    protected CosmosTestTarget Target { get; private set; } = null!;

    protected virtual CosmosSearchMode SearchMode => CosmosSearchMode.Contains;

    protected override void AddStorage(IServiceCollection services)
    {
        Target = CosmosTestTarget.FindOrIgnore();
        var options = Target.Options($"lbemb-{Guid.NewGuid():N}"[..20], SearchMode);
        services.AddCosmosStorage(options);
        services.AddSingleton(Target.CreateStore(options)); // the test target's client settings (emulator certificate)
    }

    protected override async Task CleanUpAsync(IServiceProvider services) =>
        await services.GetRequiredService<CosmosStore>().DeleteDatabaseAsync(default);

    // The local server has no query plans for cross-partition aggregates.
    [Category(CosmosTestTarget.Gap)]
    public override Task Pending_documents_are_counted_per_model()
    {
        Target.IgnoreIfGap("no cross-partition COUNT");
        return base.Pending_documents_are_counted_per_model();
    }
}

/// <summary>
/// Cosmos DB as production configures it: hybrid search is the service's <c>ORDER BY RANK RRF(FullTextScore, FullTextScore,
/// VectorDistance)</c>, which the local server cannot run (no full-text or vector functions, no query plans): those tests are
/// in category CosmosGap; the queue itself runs locally.
/// </summary>
[TestFixture]
public sealed class CosmosFullTextEmbeddingStoreContractTests : CosmosEmbeddingStoreContractTests
{
    protected override CosmosSearchMode SearchMode => CosmosSearchMode.FullText;

    [Category(CosmosTestTarget.Gap)]
    public override Task Search_with_an_embedding_finds_a_paraphrase_without_a_shared_word_and_reports_its_similarity() =>
        Gap(base.Search_with_an_embedding_finds_a_paraphrase_without_a_shared_word_and_reports_its_similarity);

    [Category(CosmosTestTarget.Gap)]
    public override Task A_question_with_typos_in_every_word_is_found_by_its_meaning() =>
        Gap(base.A_question_with_typos_in_every_word_is_found_by_its_meaning);

    [Category(CosmosTestTarget.Gap)]
    public override Task Search_with_an_embedding_never_returns_another_teams_or_private_documents() =>
        Gap(base.Search_with_an_embedding_never_returns_another_teams_or_private_documents);

    [Category(CosmosTestTarget.Gap)]
    public override Task A_document_is_found_by_its_words_before_it_is_embedded_and_semantically_after() =>
        Gap(base.A_document_is_found_by_its_words_before_it_is_embedded_and_semantically_after);

    private Task Gap(Func<Task> test)
    {
        Target.IgnoreIfGap("no full-text or vector search functions");
        return test();
    }
}
