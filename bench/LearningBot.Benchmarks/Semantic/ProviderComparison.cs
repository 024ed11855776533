using System.Diagnostics;
using LearningBot.Benchmarks.Corpus;
using LearningBot.Core.Commands;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Replies;
using LearningBot.Embeddings;
using LearningBot.Storage.Sqlite.Knowledge;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using static LearningBot.Benchmarks.Semantic.SemanticScale;

namespace LearningBot.Benchmarks.Semantic;

/// <summary>
/// <c>-- --semantic --providers MiniLM,MiniLMInt8 [--calls 100]</c>: the query models side by side in ONE run on the 100,000 +
/// 100,000 vector corpus, each with its own bot (its own copy of the file, vectors stored under its model id,
/// <see cref="SemanticCorpus.CopyForModelAsync"/>). For every question the providers take turns (which goes first alternates), so
/// both meet the same moments of a shared machine: the query embedding alone, the embedding with the hybrid search as <c>ask</c>
/// overlaps them, and the whole <c>ask</c> through the pipeline. p50/p95/p99 wall time and mean process CPU per call, then each
/// provider's whole <c>ask</c> stage by stage (<see cref="StageTimings"/>). <c>--compare-recent</c>: every question is also asked
/// reading the recent questions' window from the file (<see cref="SqliteQuestionRepository.KeepRecentInMemory"/> off, as before
/// the rows were held) and from memory, in turn, and before each pair both reads are compared field by field.
/// <see cref="Int8Queries"/> (<c>MiniLM+Int8Queries</c>) is the host's default mode: float32 MiniLM documents, MiniLMInt8 queries.
/// </summary>
internal static class ProviderComparison
{
    private static readonly SearchKind[] AskKinds = [SearchKind.Knowledge, SearchKind.Learning];

    /// <summary>
    /// A "provider" that is <c>Search:Embeddings:QueryThreads</c> above 1: <c>MiniLM+Q2</c> = float32 MiniLM documents (one
    /// thread), queries by a second MiniLM session with 2 intra-op threads that do not spin, <c>ask</c> embedding first
    /// (<see cref="IQueryEmbedder.EmbedFirst"/>) as the host runs it; suffix <c>spin</c>: its threads spin (ONNX Runtime's default);
    /// suffix <c>beside</c>: the words still run beside the embedding (the order before).
    /// </summary>
    private readonly record struct QueryThreadsVariant(string Provider, int Threads, bool Spinning, bool EmbedFirst)
    {
        public static QueryThreadsVariant? Parse(string name)
        {
            var match = System.Text.RegularExpressions.Regex.Match(name, @"^(\w+)\+Q([1-4])(spin)?(beside)?$");
            return match.Success
                ? new QueryThreadsVariant(match.Groups[1].Value, int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
                    match.Groups[3].Success, !match.Groups[4].Success)
                : null;
        }
    }

    /// <summary>The "provider" that is <c>Search:Embeddings:Provider=MiniLM</c> with <c>QueryPrecision=Int8</c>.</summary>
    public const string Int8Queries = "MiniLM+Int8Queries";

    public static async Task RunAsync(IReadOnlyList<string> providers, string data, int calls, int intraOp, bool compareRecent = false)
    {
        var bots = new List<(string Provider, SentenceEmbeddingGenerator Model, ServiceProvider Services, string Database)>();
        var queryModels = new List<SentenceEmbeddingGenerator>();
        // Each bot's whole ask stage by stage (AskStages spans), recorded only around that bot's own call.
        var stages = new Dictionary<string, StageTimings>();
        try
        {
            foreach (var provider in providers)
            {
                var clock = Stopwatch.StartNew();
                var int8Queries = provider == Int8Queries;
                var variant = QueryThreadsVariant.Parse(provider);
                var model = SentenceEmbeddingGenerator.Load(int8Queries ? EmbeddingProviders.MiniLM : variant?.Provider ?? provider, intraOpThreads: intraOp);
                var queryModel = int8Queries ? SentenceEmbeddingGenerator.Load(EmbeddingProviders.MiniLMInt8, intraOpThreads: intraOp)
                    : variant is { } v ? SentenceEmbeddingGenerator.Load(v.Provider, v.Threads, v.Spinning) : null;
                if (queryModel is not null)
                {
                    queryModels.Add(queryModel);
                }

                Console.WriteLine($"{provider}: loaded in {clock.Elapsed.TotalMilliseconds:F0} ms");
                var (cached, report) = await SemanticCorpus.EnsureAsync(model, data);
                Console.WriteLine(report);
                var database = Path.Combine(CorpusDatabase.ArtifactsDirectory, $"semantic-{provider}-{Environment.ProcessId}.db");
                await SemanticCorpus.CopyForModelAsync(cached, database, model.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId!);
                var services = await BotServices.StartAsync(database, model, queryModel, variant is null ? null : registrations =>
                    registrations.AddSingleton<IQueryEmbedder>(sp => new GeneratorQueryEmbedder(
                        sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<GeneratorQueryEmbedder>>(), model, null, queryModel,
                        embedFirst: variant.Value.EmbedFirst)));
                bots.Add((provider, model, services, database));
                var embedder = services.GetRequiredService<IQueryEmbedder>();
                var first = Stopwatch.StartNew();
                var probe = await embedder.EmbedAsync("how do I rotate the staging database password", default);
                await services.GetRequiredService<ISearchIndex>().SearchAsync(
                    new SearchQuery(CorpusDatabase.Team, "rotate password", AskKinds, 3) { Embedding = probe }, default);
                Console.WriteLine($"{provider} ({embedder.ModelId}, queries {embedder.QueryModelId}): first hybrid search (reads the vectors into memory) {first.Elapsed.TotalMilliseconds:F0} ms");
            }

            var stackfaq = VectorPool.ReadQueries(data).ToArray();
            new Random(3).Shuffle(stackfaq);
            var sets = new (string Name, string[] Questions)[]
            {
                ("stackfaq questions (real wording)", stackfaq),
                ("questions in the corpus's words", await AskCorpusBenchmarks.QuestionsAsync(bots[0].Database)),
                ("most common words (worst case)", CommonWordQuestions()),
            };
            var messages = new Messages(CorpusDatabase.Team, CorpusDatabase.Members);
            foreach (var bot in bots)
            {
                stages[bot.Provider] = new StageTimings();
                stages[bot.Provider + ", BEFORE (window read per ask)"] = new StageTimings();
            }

            // --compare-recent: per bot, how many reads of the recent questions from memory differed from the file's window.
            var agreement = new Dictionary<string, int>();

            foreach (var (name, questions) in sets)
            {
                var parts = bots.ToDictionary(b => b.Provider, _ => new Dictionary<string, Timings>());
                for (var i = -Math.Min(30, calls / 10); i < calls; i++)
                {
                    var question = questions[(i + questions.Length) % questions.Length];
                    var order = i % 2 == 0 ? bots : Enumerable.Reverse(bots);
                    foreach (var bot in order)
                    {
                        var own = parts[bot.Provider];
                        Timings? Part(string part) => i < 0 ? null : own.TryGetValue(part, out var t) ? t : own[part] = new Timings(calls);
                        var embedder = bot.Services.GetRequiredService<IQueryEmbedder>();
                        var search = bot.Services.GetRequiredService<ISearchIndex>();
                        await Timings.MeasureAsync(Part("query embedding"), () => embedder.EmbedAsync(question, default));
                        await Timings.MeasureAsync(Part("embedding + hybrid search, as ask runs them (top 3)"), async () =>
                        {
                            var embedding = Task.Run(() => embedder.EmbedAsync(question, default));
                            if (embedder.EmbedFirst)
                            {
                                await embedding; // as QuestionMatcher: the words after the vector, beside the scan
                            }

                            return await search.SearchAsync(new SearchQuery(CorpusDatabase.Team, question, AskKinds, AskHandler.ResultCount),
                                embedding, default);
                        });
                        var repository = (SqliteQuestionRepository)bot.Services.GetRequiredService<IQuestionRepository>();
                        if (compareRecent)
                        {
                            agreement[bot.Provider] = agreement.GetValueOrDefault(bot.Provider) + await RecentAgreementAsync(repository, bot.Services);
                        }

                        // --compare-recent: the whole ask once reading the recent questions' window from the file (as before) and once
                        // from memory, which goes first alternating.
                        var variants = !compareRecent ? [true] : i % 2 == 0 ? new[] { false, true } : [true, false];
                        foreach (var inMemory in variants)
                        {
                            repository.KeepRecentInMemory = inMemory;
                            var key = inMemory ? bot.Provider : bot.Provider + ", BEFORE (window read per ask)";
                            var stage = stages[key];
                            stage.Recording = i >= 0;
                            var reply = await Timings.MeasureAsync(Part(inMemory
                                    ? "ask, whole (pipeline: embedding + search + question groups + write)"
                                    : "ask, whole, BEFORE (recent questions read from the file)"), () =>
                                bot.Services.GetRequiredService<CommandPipeline>().HandleAsync(messages.From("ask " + question), default));
                            stage.Recording = false;
                            if (i >= 0)
                            {
                                stage.EndCall();
                            }

                            if (reply.Kind is not ReplyKind.SearchResults)
                            {
                                throw new InvalidOperationException($"ask '{question}' answered {reply.Kind}: {PlainTextRenderer.Render(reply)}");
                            }
                        }

                        repository.KeepRecentInMemory = true;
                    }
                }

                foreach (var bot in bots)
                {
                    Print($"{bot.Provider}: {name}, {calls} calls, interleaved with {string.Join(", ", providers.Where(p => p != bot.Provider))} (load {Load()})",
                        parts[bot.Provider]);
                    stages[bot.Provider].Print($"{bot.Provider}: {name}");
                    if (compareRecent)
                    {
                        stages[bot.Provider + ", BEFORE (window read per ask)"].Print($"{bot.Provider}: {name}, BEFORE (window read per ask)");
                        Console.WriteLine($"recent questions from memory vs the file's window: {agreement.GetValueOrDefault(bot.Provider)} of " +
                                          $"{calls + Math.Min(30, calls / 10)} reads differed (ids, order, text, verdicts, groups, vectors bit for bit)");
                        agreement[bot.Provider] = 0;
                    }
                }
            }
        }
        finally
        {
            foreach (var stage in stages.Values)
            {
                stage.Dispose();
            }

            foreach (var bot in bots)
            {
                await bot.Services.DisposeAsync();
                bot.Model.Dispose();
                CorpusDatabase.DeleteDatabase(bot.Database);
            }

            queryModels.ForEach(m => m.Dispose());
        }

        Console.WriteLine($"load at the end {Load()}");
    }

    /// <summary>
    /// 1 when the team's recent questions as <c>ask</c> reads them from memory differ in anything from the window read from the file
    /// (every field, vectors bit for bit, order included), else 0. The read from memory goes second, so it has the most to catch up.
    /// </summary>
    private static async Task<int> RecentAgreementAsync(SqliteQuestionRepository repository, IServiceProvider services)
    {
        var since = services.GetRequiredService<TimeProvider>().GetUtcNow() - QuestionGroups.Window;
        repository.KeepRecentInMemory = false;
        var file = await repository.ListSinceAsync(CorpusDatabase.Team, since, QuestionMatcher.RecentQuestions, default);
        repository.KeepRecentInMemory = true;
        var memory = await repository.ListSinceAsync(CorpusDatabase.Team, since, QuestionMatcher.RecentQuestions, default);
        return file.Select(Describe).SequenceEqual(memory.Select(Describe)) ? 0 : 1;

        static string Describe(AskedQuestion q) => string.Join('|', q.Id, q.AskerId, q.Text, q.Answered, q.CreatedAt.ToUnixTimeMilliseconds(),
            q.GroupId, q.EmbeddingModel, q.TopAnswerId, q.Verdict, q.Origin, q.IdempotencyKey,
            q.Embedding is { } v ? Convert.ToBase64String(Vectors.ToBytes(v)) : "none");
    }
}
