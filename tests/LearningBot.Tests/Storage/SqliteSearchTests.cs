using LearningBot.Core.Knowledge;
using LearningBot.Core.Learnings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using LearningBot.Storage.Sqlite.Learnings;

namespace LearningBot.Tests.Storage;

/// <summary>SQLite-specific search behaviour beyond the shared contract.</summary>
public sealed class SqliteSearchTests
{
    [Test]
    public async Task The_any_word_fallback_of_a_large_index_leaves_out_very_common_words()
    {
        using var directory = new TempDirectory();
        var database = await DeploymentNotesAndTwoZebrasAsync(directory);
        var search = new SqliteSearchIndex(database);

        // No document has both words, so the "any word" fallback runs; "deployment" is in almost every document.
        var mixed = await search.SearchAsync(new SearchQuery("acme", "deployment zebra", [SearchKind.Learning], 3), default);
        var commonOnly = await search.SearchAsync(new SearchQuery("acme", "deployment note", [SearchKind.Learning], 3), default);

        Assert.That(mixed.Select(h => h.Id), Is.EquivalentTo(new[] { "z1", "z2" }));
        Assert.That(commonOnly, Has.Count.EqualTo(3), "a question of common words alone still finds them");
    }

    [TestCase(false, TestName = "The any-word fallback of a large index leaves out a typo's very common correction (vocabulary from search_vocab)")]
    [TestCase(true, TestName = "The any-word fallback of a large index leaves out a typo's very common correction (vocabulary in memory)")]
    public async Task The_any_word_fallback_leaves_out_very_common_corrections(bool vocabularyRead)
    {
        using var directory = new TempDirectory();
        var database = await DeploymentNotesAndTwoZebrasAsync(directory);
        if (vocabularyRead)
        {
            await database.SearchVocabulary.RefreshAsync(default);
        }
        else
        {
            database.SearchVocabulary.Enabled = false;
        }

        // "deploymnet" is corrected to "deployment"; no document has it and "zebra", so the any-word fallback runs, where the
        // correction (in 1,200 of 1,202 documents) would rank every deployment note: only the rare word's documents remain.
        var hits = await new SqliteSearchIndex(database).SearchAsync(new SearchQuery("acme", "deploymnet zebra", [SearchKind.Learning], 3), default);
        var typoOnly = await new SqliteSearchIndex(database).SearchAsync(new SearchQuery("acme", "deploymnet", [SearchKind.Learning], 3), default);

        Assert.That(hits.Select(h => h.Id), Is.EquivalentTo(new[] { "z1", "z2" }));
        Assert.That(typoOnly, Has.Count.EqualTo(3), "alone, the typo is still corrected (the all-words search uses every correction)");
        Assert.That(database.SearchVocabulary.Served, vocabularyRead ? Is.GreaterThan(0) : Is.Zero);
    }

    /// <summary>A large index (1,200 "deployment note" learnings, so "deployment" is in almost every document) and two zebra learnings.</summary>
    private static async Task<SqliteDatabase> DeploymentNotesAndTwoZebrasAsync(TempDirectory directory)
    {
        var database = new SqliteDatabase(directory.File("search.db"));
        await database.InitializeAsync(default);
        var learnings = new SqliteLearningRepository(database);
        var at = DateTimeOffset.UnixEpoch;
        for (var i = 0; i < 1200; i++)
        {
            await learnings.AddAsync(new LearningEntry($"c{i}", "acme", "ann", $"deployment note number {i}", [], null, at, $"c{i}"), default);
        }

        await learnings.AddAsync(new LearningEntry("z1", "acme", "bo", "zebra crossings in the office map", [], null, at, "z1"), default);
        await learnings.AddAsync(new LearningEntry("z2", "acme", "cy", "a zebra sticker on the build light", [], null, at, "z2"), default);
        return database;
    }
}

/// <summary>
/// Typo tolerance of the SQLite search (<see cref="TypoAlternatives"/>): each shape of typo is found, and precision holds (short
/// words, correctly spelled rare words, another team's vocabulary). Real SQLite file, real repositories.
/// </summary>
public sealed class SqliteTypoToleranceTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private TempDirectory _directory = null!;
    private SqliteDatabase _database = null!;

    [SetUp]
    public async Task Create()
    {
        _directory = new TempDirectory();
        _database = new SqliteDatabase(_directory.File("typos.db"));
        await _database.InitializeAsync(default);
    }

    [TearDown]
    public void Dispose() => _directory.Dispose();

    private async Task<string> ShareAsync(string team, string question, string answer)
    {
        var id = Guid.NewGuid().ToString("N");
        await new SqliteKnowledgeRepository(_database).AddAsync(new KnowledgePost(id, team, "ann", question, answer, [], At, id), default);
        return id;
    }

    private async Task<string> LearnAsync(string team, string text)
    {
        var id = Guid.NewGuid().ToString("N");
        await new SqliteLearningRepository(_database).AddAsync(new LearningEntry(id, team, "bo", text, [], null, At, id), default);
        return id;
    }

    private Task<IReadOnlyList<SearchHit>> AskAsync(string team, string text) =>
        new SqliteSearchIndex(_database).SearchAsync(new SearchQuery(team, text, [SearchKind.Knowledge, SearchKind.Learning], 3), default);

    [Test]
    public async Task The_issues_example_finds_the_answer_despite_three_typos()
    {
        var answer = await ShareAsync("acme", "How do I rotate the staging database password?", "Run make rotate-db in the ops repo.");
        await ShareAsync("acme", "Where are the staging logs?", "In Grafana, datasource Loki.");
        await LearnAsync("acme", "The database migration runs every night at two.");

        var hits = await AskAsync("acme", "databse pasword rotaton");

        Assert.That(hits.Select(h => h.Id).FirstOrDefault(), Is.EqualTo(answer));
    }

    [TestCase("passowrd", TestName = "Transposition (8 letters)")]
    [TestCase("pasword", TestName = "Deletion (7 letters)")]
    [TestCase("passsword", TestName = "Insertion (9 letters)")]
    [TestCase("passwird", TestName = "Substitution (8 letters)")]
    [TestCase("kubrenets", TestName = "Two typos in a long word: transposition and deletion (9 letters)")]
    [TestCase("kuberentis", TestName = "Two typos in a long word: transposition and substitution (10 letters)")]
    [TestCase("rotaton", TestName = "Deletion in a word the stemmer shortens (rotation -> rotat)")]
    [TestCase("deplyo", TestName = "Transposition (6 letters)")]
    public async Task A_typo_finds_the_word(string typo)
    {
        var expected = await ShareAsync("acme", "Kubernetes password rotation", "We deploy the new secret with a rolling restart.");
        await ShareAsync("acme", "Lunch on Friday", "Pizza in the kitchen.");

        var hits = await AskAsync("acme", typo);

        Assert.That(hits.Select(h => h.Id), Is.EqualTo(new[] { expected }));
    }

    [TestCase("jbo", TestName = "Three letters")]
    [TestCase("cahe", TestName = "Four letters")]
    [TestCase("dtabse", TestName = "Two typos in six letters")]
    [TestCase("paswrd", TestName = "Two deletions in six letters")]
    public async Task Short_words_and_too_many_typos_are_not_corrected(string typo)
    {
        await ShareAsync("acme", "Nightly job cache", "The database password job clears the cache.");

        Assert.That(await AskAsync("acme", typo), Is.Empty);
    }

    [Test]
    public async Task A_correctly_spelled_rare_word_is_not_corrected_into_a_common_one()
    {
        var trace = await LearnAsync("acme", "Read the trace in Jaeger before paging anyone.");
        for (var i = 0; i < 5; i++)
        {
            await LearnAsync("acme", $"Track the rollout number {i} on the board.");
        }

        var hits = await AskAsync("acme", "trace");

        Assert.That(hits.Select(h => h.Id), Is.EqualTo(new[] { trace }), "'trace' is one edit from 'track', but it is a word here");
    }

    [Test]
    public async Task Another_teams_words_are_never_suggested_nor_crowd_out_this_teams_own()
    {
        // Team B wrote several words one edit from "pasword" (and that spelling itself), in more documents than team A's
        // "password": the shared FTS vocabulary ranks them first, so they would fill the cap of three if not checked per team.
        for (var i = 0; i < 4; i++)
        {
            await LearnAsync("team-b", $"pasword pasmord paswerd pasworn entry {i}");
        }

        var own = await ShareAsync("team-a", "How do I rotate the staging database password?", "Run make rotate-db.");

        var inA = await AskAsync("team-a", "pasword");
        var inB = await AskAsync("team-b", "pasword");

        Assert.That(inA.Select(h => h.Id), Is.EqualTo(new[] { own }));
        Assert.That(inB, Has.Count.EqualTo(3), "in team B the word is spelled that way: found as written");
        Assert.That(inB.Select(h => h.Id), Has.None.EqualTo(own));
    }

    [TestCase("passowrd")]
    [TestCase("pasword")]
    [TestCase("passsword")]
    [TestCase("kubrenets")]
    [TestCase("kuberentis")]
    [TestCase("rotaton")]
    [TestCase("deplyo")]
    public async Task A_typo_finds_the_word_through_the_in_memory_vocabulary(string typo)
    {
        var expected = await ShareAsync("acme", "Kubernetes password rotation", "We deploy the new secret with a rolling restart.");
        await ShareAsync("acme", "Lunch on Friday", "Pizza in the kitchen.");
        await LearnAsync("other", "passwords kubernetes rotations deployments everywhere");
        await _database.SearchVocabulary.RefreshAsync(default);

        var hits = await AskAsync("acme", typo);

        Assert.That(hits.Select(h => h.Id), Is.EqualTo(new[] { expected }));
        Assert.That(_database.SearchVocabulary.Served, Is.EqualTo(1), "the current snapshot served the correction");
    }

    [Test]
    public async Task At_most_three_unknown_words_are_corrected_the_longest_first()
    {
        await ShareAsync("acme", "How do I rotate the staging database password?", "Run make rotate-db; the kubernetes secret follows.");
        await using var connection = await _database.OpenAsync(default);

        var corrections = await TypoAlternatives.FindAsync(connection, "acme",
            ["stagng", "databse", "kubrenetes", "pasword", "rotaton"], null, default);

        // 10, 7, 7 letters; "pasword" and "rotaton" (7) tie with "databse": the question's order breaks the tie; "stagng" (6) is last.
        Assert.That(corrections.Keys, Is.EquivalentTo(new[] { "kubrenetes", "databse", "pasword" }));
        Assert.That(corrections["kubrenetes"], Does.Contain("kubernetes"));
    }

    [Test]
    public async Task A_word_written_after_the_vocabulary_was_read_is_corrected_at_once_in_a_small_index()
    {
        await ShareAsync("acme", "Lunch on Friday", "Pizza in the kitchen.");
        await _database.SearchVocabulary.RefreshAsync(default);
        var written = await ShareAsync("acme", "How do we roll out terraform modules?", "Plan, review, apply.");
        var edited = await ShareAsync("acme", "Where is the runbook?", "In the wiki.");
        await _database.SearchVocabulary.RefreshAsync(default);
        // An edit rewrites the document in place (delete + insert): the index's structure record changes with it too.
        await new SqliteKnowledgeRepository(_database).UpdateAsync(
            new KnowledgePost(edited, "acme", "ann", "Where is the grafana dashboard?", "Under observability.", [], At, edited), default);

        Assert.That((await AskAsync("acme", "terrafrom")).Select(h => h.Id), Is.EqualTo(new[] { written }));
        Assert.That((await AskAsync("acme", "grafanna")).Select(h => h.Id), Is.EqualTo(new[] { edited }));
    }

    [Test]
    public async Task A_stale_vocabulary_of_a_large_index_misses_only_new_words_and_never_offers_another_teams()
    {
        var vocabulary = _database.SearchVocabulary;
        vocabulary.UseStaleFrom = 0; // treat this file as large: a stale snapshot is used, as at 100,000 + documents
        vocabulary.RefreshInterval = TimeSpan.FromDays(1); // and not read again during the test
        // Team B wrote words one edit from "pasword", the spelling itself and "kubernetes"; team A wrote "password".
        for (var i = 0; i < 4; i++)
        {
            await LearnAsync("team-b", $"pasword pasmord paswerd pasworn kubernetes entry {i}");
        }

        var own = await ShareAsync("team-a", "How do I rotate the staging database password?", "Run make rotate-db.");
        await vocabulary.RefreshAsync(default);
        var later = await ShareAsync("team-a", "Who owns the terraform modules?", "Platform team.");
        var laterSameWord = await ShareAsync("team-a", "Kubernetes upgrades", "Every quarter.");

        var password = await AskAsync("team-a", "pasword");
        var terraform = await AskAsync("team-a", "terrafrom");
        var kubernetes = await AskAsync("team-a", "kuberentes");

        Assert.That(password.Select(h => h.Id), Is.EqualTo(new[] { own }), "team B's neighbours are checked against team A and dropped");
        Assert.That(terraform, Is.Empty, "written after the read: not in the stale snapshot (the documented minute)");
        Assert.That(kubernetes.Select(h => h.Id), Is.EqualTo(new[] { laterSameWord }),
            "the snapshot had the word from team B; team A's new document holds it now, so the team check keeps it");
        Assert.That(vocabulary.Served, Is.EqualTo(3));

        await vocabulary.RefreshAsync(default);
        Assert.That((await AskAsync("team-a", "terrafrom")).Select(h => h.Id), Is.EqualTo(new[] { later }), "after the next read");
    }

    [TestCase("password", "passowrd", 1)]
    [TestCase("password", "pasword", 1)]
    [TestCase("password", "passsword", 1)]
    [TestCase("password", "passwird", 1)]
    [TestCase("kubernetes", "kubrenets", 2)]
    [TestCase("database", "dtabse", 2)]
    [TestCase("trace", "track", 1)]
    [TestCase("abc", "abc", 0)]
    public void Damerau_levenshtein_distance_counts_a_transposition_as_one_edit(string a, string b, int expected) =>
        Assert.That(TypoAlternatives.Distance(a, b, max: 2), Is.EqualTo(Math.Min(expected, 3)));

    [TestCase("How do I rotate the databse pasword?", "How do I rotate the database password?")]
    [TestCase("DATABSE Pasword rotaton", "database password rotation")]
    [TestCase("databse, pasword (rotaton)!", "database, password (rotation)!")]
    [TestCase("the databsex and xdatabse stay", "the databsex and xdatabse stay")]
    [TestCase("pasword-pasword_databse", "password-password_database")]
    public void The_corrected_question_replaces_whole_misspelled_words_in_any_case(string typed, string expected)
    {
        var alternatives = new Dictionary<string, IReadOnlyList<string>>
        {
            ["databse"] = ["database", "databases"],
            ["pasword"] = ["password"],
            ["rotaton"] = ["rotation"],
        };

        Assert.That(TypoAlternatives.Corrected(typed, alternatives), Is.EqualTo(expected));
    }
}
