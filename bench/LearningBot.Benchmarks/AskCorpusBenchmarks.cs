using BenchmarkDotNet.Attributes;
using Perfolizer.Mathematics.OutlierDetection;
using LearningBot.Benchmarks.Corpus;
using LearningBot.Core.Commands;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Replies;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Benchmarks;

/// <summary>
/// <c>ask</c> over the 100,000 + 100,000 corpus. One invocation per iteration, so the median and P95 columns
/// are those of single questions (not of averages over many), cycling through 500 different questions:
/// generated ones with common and rare words, and paraphrases of questions that were really shared.
/// </summary>
[InvocationCount(1)]
[Outliers(OutlierMode.DontRemove)] // slow questions are the point of a P95: keep them
[WarmupCount(30)]
[IterationCount(300)]
public class AskCorpusBenchmarks
{
    private ServiceProvider _services = null!;
    private CommandPipeline _pipeline = null!;
    private ISearchIndex _search = null!;
    private Messages _messages = null!;
    private string _database = null!;
    private string[] _questions = [];
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await CorpusDatabase.CopyForRunAsync("ask");
        _services = await BotServices.StartAsync(_database);
        _pipeline = _services.GetRequiredService<CommandPipeline>();
        _search = _services.GetRequiredService<ISearchIndex>();
        _messages = new Messages(CorpusDatabase.Team, CorpusDatabase.Members);
        _questions = await QuestionsAsync(_database);

        var reply = await _pipeline.HandleAsync(_messages.From("ask " + _questions[0]), default);
        if (reply.Kind != ReplyKind.SearchResults)
        {
            throw new InvalidOperationException("ask did not answer with search results: " + PlainTextRenderer.Render(reply));
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        CorpusDatabase.DeleteDatabase(_database);
    }

    [Benchmark(Description = "ask, 500 varied questions (pipeline)")]
    public Task<BotReply> Ask() => _pipeline.HandleAsync(_messages.From("ask " + NextQuestion()), default);

    [Benchmark(Description = "search only, same questions (ISearchIndex)")]
    public Task<IReadOnlyList<SearchHit>> SearchOnly() =>
        _search.SearchAsync(new SearchQuery(CorpusDatabase.Team, NextQuestion(), [SearchKind.Knowledge, SearchKind.Learning],
            AskHandler.ResultCount), default);

    [Benchmark(Description = "ask, most common words (worst case)")]
    public Task<BotReply> AskCommonWords() =>
        _pipeline.HandleAsync(_messages.From("ask how do we deploy the service after a code review by the team?"), default);

    private string NextQuestion() => _questions[_next++ % _questions.Length];

    /// <summary>Deterministic for a given corpus: a different seed from the corpus, plus paraphrases of stored questions.</summary>
    internal static async Task<string[]> QuestionsAsync(string database)
    {
        var text = new TextGenerator(CorpusDatabase.Seed + 1);
        var questions = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            questions.Add(text.Question()); // Zipf-distributed words: often common ones
        }

        for (var i = 0; i < 150; i++)
        {
            questions.Add($"does anyone know about {text.RareWord()} and {text.RareWord()}?"); // specific, long-tail words
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT question FROM knowledge_posts WHERE team_id = $team ORDER BY id LIMIT 150 OFFSET 5000";
        command.Parameters.AddWithValue("$team", CorpusDatabase.Team);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            // A paraphrase: the last three words of a shared question, the way people re-ask.
            var words = reader.GetString(0).TrimEnd('?').Split(' ');
            questions.Add("how to " + string.Join(' ', words.TakeLast(3)));
        }

        // Shuffle (fixed seed) so every stretch of iterations sees a mix of kinds.
        var shuffled = questions.ToArray();
        new Random(7).Shuffle(shuffled);
        return shuffled;
    }
}
