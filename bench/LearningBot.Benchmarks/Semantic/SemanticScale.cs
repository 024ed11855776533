using System.Diagnostics;
using System.Globalization;
using LearningBot.Benchmarks.Corpus;
using LearningBot.Core.Commands;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Replies;
using LearningBot.Embeddings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using LearningBot.Storage.Sqlite.Knowledge.Semantic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Benchmarks.Semantic;

/// <summary>
/// <c>-- --semantic [--calls 300] [--data folder]</c>: issue 14's speed at size with the model on. On the vector corpus
/// (<see cref="SemanticCorpus"/>) and the REAL query model (<c>--provider</c>, default the host's default
/// provider, one intra-op thread as the host runs it; <c>--providers A,B</c>: <see cref="ProviderComparison"/>), for three
/// question sets (real stackfaq questions, questions in the corpus's own words, the most common words) it times each part of
/// <c>ask</c> on its own (query embedding, a words-only search for the fusion's candidate count, the vector scan, the fusion) and
/// then the hybrid search and the whole <c>ask</c> through the pipeline; then the acknowledgement of <c>learned</c> and
/// <c>share</c> on that file and on an empty one. Single calls one after another: p50/p95/p99 of wall time, mean CPU per call.
/// </summary>
internal static class SemanticScale
{
    private static readonly SearchKind[] AskKinds = [SearchKind.Knowledge, SearchKind.Learning];

    public static async Task RunAsync(string[] args)
    {
        var calls = int.Parse(Option(args, "--calls") ?? "300", CultureInfo.InvariantCulture);
        var data = Option(args, "--data") ?? VectorPool.DefaultData;
        Console.WriteLine($"{Environment.ProcessorCount} logical cores, .NET {Environment.Version}, {DateTimeOffset.UtcNow:u}, load {Load()}");
        // --intra-op N: ONNX Runtime threads per embedding call (the host's Search:Embeddings:IntraOpThreads, default 1).
        var intraOp = int.Parse(Option(args, "--intra-op") ?? "1", CultureInfo.InvariantCulture);
        Console.WriteLine($"query embedding with {intraOp} ONNX Runtime thread(s) per call");
        // --providers A,B: the providers side by side in one run, interleaved per question (ProviderComparison).
        if (Option(args, "--providers") is { } several)
        {
            await ProviderComparison.RunAsync(several.Split(',', StringSplitOptions.RemoveEmptyEntries), data, calls, intraOp);
            return;
        }

        // --provider: the query model (the host's Search:Embeddings:Provider); the corpus's vectors are stored under its model id.
        var provider = Option(args, "--provider") ?? EmbeddingProviders.Default;
        Console.WriteLine($"query model: {provider}");
        using var model = SentenceEmbeddingGenerator.Load(provider, intraOpThreads: intraOp);
        var (cached, report) = await SemanticCorpus.EnsureAsync(model, data);
        Console.WriteLine(report);

        var database = Path.Combine(CorpusDatabase.ArtifactsDirectory, $"semantic-{Environment.ProcessId}.db");
        await SemanticCorpus.CopyForModelAsync(cached, database, model.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId!);
        try
        {
            await using var services = await BotServices.StartAsync(database, model);
            await AskPartsAsync(services, database, data, calls, args.Contains("--compare-vocabulary"), args.Contains("--compare-pruning"),
                args.Contains("--compare-askfast"));
            await AcknowledgementsAsync(services, "100,000 + 100,000 file", calls);
        }
        finally
        {
            CorpusDatabase.DeleteDatabase(database);
        }

        var empty = Path.Combine(CorpusDatabase.ArtifactsDirectory, $"semantic-empty-{Environment.ProcessId}.db");
        CorpusDatabase.DeleteDatabase(empty);
        try
        {
            await using var services = await BotServices.StartAsync(empty, model);
            await AcknowledgementsAsync(services, "empty file", calls);
        }
        finally
        {
            CorpusDatabase.DeleteDatabase(empty);
        }

        Console.WriteLine($"load at the end {Load()}");
    }

    /// <param name="compareVocabulary">
    /// Each question set twice in this run: first as before issue 14's lexical change (typo ranges read from <c>search_vocab</c>,
    /// every unknown word corrected, every correction in the any-word fallback), then as now (the in-memory
    /// <see cref="SearchVocabulary"/>, read before the round, at most <see cref="TypoAlternatives.MaxCorrectedWords"/> words
    /// corrected, very common corrections left out of the any-word fallback).
    /// </param>
    /// <param name="comparePruning">
    /// Each question set twice in this run: first as before the <c>ask</c> speed change (every 4+ letter word a prefix, ranked within
    /// the team token, the lexical half after the query embedding), then as now (<see cref="MatchPlan"/>'s df rules, the lexical half
    /// while the query is embedded).
    /// </param>
    /// <param name="compareAskFast">
    /// Each question set twice in this run: first as before the <c>askfast</c> change (recent questions' vectors read from the file on
    /// every ask, snippets for every ranked row), then as now (<see cref="QuestionVectors"/>, snippets for returned hits only).
    /// </param>
    private static async Task AskPartsAsync(ServiceProvider services, string database, string data, int calls, bool compareVocabulary,
        bool comparePruning, bool compareAskFast)
    {
        var vocabulary = services.GetRequiredService<SqliteDatabase>().SearchVocabulary;
        var pipeline = services.GetRequiredService<CommandPipeline>();
        var search = services.GetRequiredService<ISearchIndex>();
        var embedder = services.GetRequiredService<IQueryEmbedder>();
        var cache = services.GetRequiredService<SqliteVectorCache>();
        var messages = new Messages(CorpusDatabase.Team, CorpusDatabase.Members);
        var candidates = HybridFusion.Default.Candidates;
        var kinds = AskKinds.ToHashSet();

        // The first hybrid search reads every vector of the file into memory: reported on its own, then warm.
        var first = Stopwatch.StartNew();
        var probe = await embedder.EmbedAsync("how do I rotate the staging database password", default);
        await search.SearchAsync(new SearchQuery(CorpusDatabase.Team, "rotate password", AskKinds, 3) { Embedding = probe }, default);
        Console.WriteLine($"first hybrid search (loads {cache.Count:N0} vectors into memory): {first.Elapsed.TotalMilliseconds:F0} ms; " +
                          $"GC heap after: {GC.GetTotalMemory(true) / 1048576.0:F0} MB");

        var stackfaq = VectorPool.ReadQueries(data).ToArray();
        new Random(3).Shuffle(stackfaq);
        await ScanAndRecallAsync(embedder, cache, stackfaq.Take(calls).ToList(), kinds, candidates);
        var sets = new (string Name, string[] Questions)[]
        {
            ("stackfaq questions (real wording)", stackfaq),
            ("questions in the corpus's words", await AskCorpusBenchmarks.QuestionsAsync(database)),
            ("most common words (worst case)", CommonWordQuestions()),
        };

        if (comparePruning)
        {
            await PruningAgreementAsync(search, embedder, sets, Math.Min(calls, 100));
        }

        if (compareAskFast)
        {
            await LateExcerptsAgreementAsync(search, embedder, sets, Math.Min(calls, 100));
        }

        var variants = compareVocabulary ? new[] { false, true } : [true];
        var pruning = comparePruning ? new[] { false, true } : [true];
        using var stages = new StageTimings();
        using var stagesBefore = new StageTimings();
        foreach (var (name, questions) in sets)
        foreach (var inMemory in variants)
        foreach (var pruned in pruning)
        {
            MatchPlan.Enabled = pruned;
            SqliteSearchIndex.OverlapEmbedding = pruned;
            vocabulary.Enabled = inMemory;
            TypoAlternatives.CorrectedWordsCap = inMemory ? TypoAlternatives.MaxCorrectedWords : int.MaxValue;
            SqliteSearchIndex.LeaveOutCommonCorrections = inMemory;
            if (inMemory)
            {
                await vocabulary.RefreshAsync(default);
            }

            var variant = !compareVocabulary ? "" : inMemory
                ? $", vocabulary in memory ({vocabulary.Reads} reads so far), {TypoAlternatives.MaxCorrectedWords} words corrected, common corrections out of the any-word fallback"
                : ", BEFORE: vocabulary from search_vocab, every unknown word corrected";
            variant += !comparePruning ? "" : pruned
                ? ", df rules (MatchPlan) on, lexical half while the query is embedded"
                : ", BEFORE: every word a prefix, ranked within the team token, lexical half after the embedding";
            var parts = new Dictionary<string, Timings>();
            Timings Part(string part) => parts.TryGetValue(part, out var t) ? t : parts[part] = new Timings(calls);
            for (var i = -Math.Min(30, calls / 10); i < calls; i++)
            {
                var question = questions[(i + questions.Length) % questions.Length];
                var record = i >= 0;
                var vector = await Timings.MeasureAsync(record ? Part("query embedding") : null, () => embedder.EmbedAsync(question, default));
                var lexical = await Timings.MeasureAsync(record ? Part($"words only, {candidates} results (ISearchIndex, no embedding)") : null, () =>
                    search.SearchAsync(new SearchQuery(CorpusDatabase.Team, question, AskKinds, candidates), default));
                var semantic = Timings.Measure(record ? Part($"vector scan ({candidates} nearest)") : null, () =>
                    cache.Nearest(CorpusDatabase.Team, kinds, vector!.Value.Span, candidates));
                Timings.Measure(record ? Part("fusion") : null, () =>
                    HybridFusion.Default.Fuse(lexical.Select(h => h.Id).ToList(), semantic.Select(m => (m.DocId.ToString(CultureInfo.InvariantCulture), m.Similarity)).ToList()));
                await Timings.MeasureAsync(record ? Part("hybrid search (ISearchIndex, top 3)") : null, () =>
                    search.SearchAsync(new SearchQuery(CorpusDatabase.Team, question, AskKinds, AskHandler.ResultCount) { Embedding = vector }, default));
                // What ask's QuestionMatcher does: the model on a pool thread, the lexical half meanwhile (sequential when BEFORE).
                await Timings.MeasureAsync(record ? Part("embedding + hybrid search, as ask runs them (top 3)") : null, () =>
                    search.SearchAsync(new SearchQuery(CorpusDatabase.Team, question, AskKinds, AskHandler.ResultCount),
                        Task.Run(() => embedder.EmbedAsync(question, default)), default));
                // With --compare-askfast the whole ask runs twice per question, before and after in turn (which goes first alternates),
                // so both meet the same moments of a shared machine.
                var order = !compareAskFast ? [true] : i % 2 == 0 ? new[] { false, true } : [true, false];
                foreach (var fast in order)
                {
                    SqliteQuestionRepository.CacheVectors = fast;
                    SqliteSearchIndex.LateExcerpts = fast;
                    var into = fast ? stages : stagesBefore;
                    into.Recording = record;
                    var reply = await Timings.MeasureAsync(record ? Part(fast
                            ? "ask, whole (pipeline: embedding + search + question groups + write)"
                            : "ask, whole, BEFORE askfast (recent questions' vectors from the file, every ranked row's snippet)") : null,
                        () => pipeline.HandleAsync(messages.From("ask " + question), default));
                    into.Recording = false;
                    if (record)
                    {
                        into.EndCall();
                    }

                    if (reply.Kind is not (ReplyKind.SearchResults))
                    {
                        throw new InvalidOperationException($"ask '{question}' answered {reply.Kind}: {PlainTextRenderer.Render(reply)}");
                    }
                }
            }

            Print($"ask: {name}{variant}, {calls} calls (load {Load()}, vocabulary reads {vocabulary.Reads})", parts);
            stages.Print(name + variant);
            if (compareAskFast)
            {
                stagesBefore.Print(name + variant + ", BEFORE askfast");
            }
        }
    }

    /// <summary>
    /// Snippets made for the returned rows only (<see cref="SqliteSearchIndex.LateExcerpts"/>) must give the very hits the ranking's
    /// snippets gave: for each question, words only (50) and hybrid (top 3, as ask), every hit's id, kind, score and excerpt compared.
    /// </summary>
    private static async Task LateExcerptsAgreementAsync(ISearchIndex search, IQueryEmbedder embedder, (string Name, string[] Questions)[] sets, int count)
    {
        Console.WriteLine();
        Console.WriteLine($"### hits with every ranked row's snippet and with snippets for the returned rows only, up to {count} questions per set");
        Console.WriteLine("| set | words only (50): identical | hybrid (top 3): identical |");
        Console.WriteLine("|---|--:|--:|");
        foreach (var (name, questions) in sets)
        {
            int words = 0, hybrid = 0;
            var asked = questions.Take(count).ToList();
            foreach (var question in asked)
            {
                var vector = await embedder.EmbedAsync(question, default);
                foreach (var (query, isHybrid) in new[]
                         {
                             (new SearchQuery(CorpusDatabase.Team, question, AskKinds, HybridFusion.Default.Candidates), false),
                             (new SearchQuery(CorpusDatabase.Team, question, AskKinds, AskHandler.ResultCount) { Embedding = vector }, true),
                         })
                {
                    SqliteSearchIndex.LateExcerpts = false;
                    var before = await search.SearchAsync(query, default);
                    SqliteSearchIndex.LateExcerpts = true;
                    var after = await search.SearchAsync(query, default);
                    if (before.SequenceEqual(after))
                    {
                        _ = isHybrid ? hybrid++ : words++;
                    }
                }
            }

            Console.WriteLine($"| {name} ({asked.Count}) | {words} | {hybrid} |");
        }
    }

    /// <summary>
    /// What <see cref="MatchPlan"/>'s df rules change in the results at this size (stackfaq is too small to show it all): for each
    /// question, the top 10 with the rules off and on, hybrid (with the question's vector) and words only; mean share of the top 10
    /// found by both, and how often the first hit is the same.
    /// </summary>
    private static async Task PruningAgreementAsync(ISearchIndex search, IQueryEmbedder embedder, (string Name, string[] Questions)[] sets, int count)
    {
        Console.WriteLine();
        Console.WriteLine($"### top 10 with the df rules off and on, up to {count} questions per set");
        Console.WriteLine("| set | search | top-10 overlap | same first hit | hits off / on |");
        Console.WriteLine("|---|---|--:|--:|--:|");
        foreach (var (name, questions) in sets)
        foreach (var hybrid in new[] { true, false })
        {
            double overlap = 0, sameFirst = 0, off = 0, on = 0;
            var asked = questions.Take(count).ToList();
            foreach (var question in asked)
            {
                var query = new SearchQuery(CorpusDatabase.Team, question, AskKinds, 10)
                {
                    Embedding = hybrid ? await embedder.EmbedAsync(question, default) : null,
                };
                MatchPlan.Enabled = false;
                var before = (await search.SearchAsync(query, default)).Select(h => h.Id).ToList();
                MatchPlan.Enabled = true;
                var after = (await search.SearchAsync(query, default)).Select(h => h.Id).ToList();
                overlap += before.Count == 0 && after.Count == 0 ? 1 : before.Intersect(after).Count() / (double)Math.Max(before.Count, after.Count);
                sameFirst += before.FirstOrDefault() == after.FirstOrDefault() ? 1 : 0;
                (off, on) = (off + before.Count, on + after.Count);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} ({asked.Count}) | {(hybrid ? "hybrid" : "words only")} | {overlap / asked.Count:P1} | {sameFirst / asked.Count:P1} | " +
                $"{off / asked.Count:F1} / {on / asked.Count:F1} |"));
        }
    }

    /// <summary>
    /// The vector scan alone, exact (every int8 vector) against the one search uses (sign-bit prefilter, then exact rescoring of its
    /// candidates above <see cref="TeamVectors.PrefilterFrom"/> vectors), and the prefilter's recall of the exact top 10 and top 50
    /// documents, over real questions' vectors.
    /// </summary>
    private static async Task ScanAndRecallAsync(IQueryEmbedder embedder, SqliteVectorCache cache, List<string> questions,
        HashSet<SearchKind> kinds, int candidates)
    {
        var parts = new Dictionary<string, Timings>
        {
            ["exact int8 scan"] = new(questions.Count), ["search's scan, prefilter on one thread (shipped)"] = new(questions.Count),
            ["prefilter in two halves (TeamVectors.Parallel)"] = new(questions.Count),
        };
        double found10 = 0, found50 = 0;
        foreach (var question in questions)
        {
            var vector = (await embedder.EmbedAsync(question, default))!.Value;
            var exact = Timings.Measure(parts["exact int8 scan"], () => cache.Nearest(CorpusDatabase.Team, kinds, vector.Span, candidates, exact: true));
            var one = Timings.Measure(parts["search's scan, prefilter on one thread (shipped)"], () => cache.Nearest(CorpusDatabase.Team, kinds, vector.Span, candidates));
            TeamVectors.Parallel = true;
            var used = Timings.Measure(parts["prefilter in two halves (TeamVectors.Parallel)"], () => cache.Nearest(CorpusDatabase.Team, kinds, vector.Span, candidates));
            TeamVectors.Parallel = false;
            if (!one.SequenceEqual(used))
            {
                throw new InvalidOperationException("The prefilter in two halves found other documents than on one thread.");
            }

            var usedIds = used.Select(m => m.DocId).ToHashSet();
            found10 += exact.Take(10).Count(m => usedIds.Contains(m.DocId)) / (double)Math.Min(10, exact.Count);
            found50 += exact.Count(m => usedIds.Contains(m.DocId)) / (double)exact.Count;
        }

        Print($"vector scan over {cache.Count:N0} vectors, {candidates} nearest documents, {questions.Count} real questions (load {Load()}); " +
              string.Create(CultureInfo.InvariantCulture,
                  $"recall of the exact top 10: {found10 / questions.Count:P2}, top {candidates}: {found50 / questions.Count:P2} " +
                  $"(prefilter keeps {TeamVectors.RescoredFor(candidates * 2):N0} candidates)"), parts);
    }

    private static async Task AcknowledgementsAsync(ServiceProvider services, string file, int calls)
    {
        var pipeline = services.GetRequiredService<CommandPipeline>();
        var messages = new Messages(CorpusDatabase.Team, CorpusDatabase.Members);
        var text = new TextGenerator(CorpusDatabase.Seed + 2);
        var parts = new Dictionary<string, Timings> { ["learned"] = new(calls), ["share"] = new(calls) };
        for (var i = -Math.Min(30, calls / 10); i < calls; i++)
        {
            var record = i >= 0;
            var learned = await Timings.MeasureAsync(record ? parts["learned"] : null, () =>
                pipeline.HandleAsync(messages.From($"learned {text.Paragraph(1, 2)} #{TextGenerator.Tags[text.Next(TextGenerator.Tags.Length)]} 30m"), default));
            var share = await Timings.MeasureAsync(record ? parts["share"] : null, () =>
                pipeline.HandleAsync(messages.From($"share {text.Question()} :: {text.Paragraph(1, 3)}"), default));
            if (learned.Kind == ReplyKind.Error || share.Kind == ReplyKind.Error)
            {
                throw new InvalidOperationException("A write was refused: " + PlainTextRenderer.Render(learned.Kind == ReplyKind.Error ? learned : share));
            }
        }

        Print($"acknowledgement on the {file}, model on, {calls} calls each (load {Load()})", parts);
    }

    /// <summary>Questions made only of the corpus's most common words (function words and the top content words): BM25's worst case.</summary>
    internal static string[] CommonWordQuestions()
    {
        string[] common = ["team", "service", "deploy", "review", "test", "build", "release", "data", "code", "customer", "meeting", "config"];
        var random = new Random(11);
        var questions = new List<string> { "how do we deploy the service after a code review by the team?" };
        while (questions.Count < 50)
        {
            var words = common.OrderBy(_ => random.Next()).Take(3 + random.Next(4));
            questions.Add($"how do we {string.Join(" the ", words)} for the team?");
        }

        return [.. questions];
    }

    internal static void Print(string title, Dictionary<string, Timings> parts)
    {
        Console.WriteLine();
        Console.WriteLine($"### {title}");
        Console.WriteLine("| part | p50 (ms) | p95 (ms) | p99 (ms) | mean CPU (ms) |");
        Console.WriteLine("|---|--:|--:|--:|--:|");
        foreach (var (name, t) in parts)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {t.Percentile(0.50):F2} | {t.Percentile(0.95):F2} | {t.Percentile(0.99):F2} | {t.MeanCpu:F2} |"));
        }
    }

    internal static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    internal static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Wall times of single calls, and the process CPU they used (the machine is shared: CPU is the steadier figure).</summary>
    internal sealed class Timings(int capacity)
    {
        private readonly List<double> _wall = new(capacity);
        private TimeSpan _cpu;

        public double MeanCpu => _cpu.TotalMilliseconds / Math.Max(1, _wall.Count);

        public double Percentile(double p)
        {
            var sorted = _wall.Order().ToList();
            return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];
        }

        public static async Task<T> MeasureAsync<T>(Timings? into, Func<Task<T>> call)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var result = await call();
            into?.Add(clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
            return result;
        }

        public static T Measure<T>(Timings? into, Func<T> call)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var result = call();
            into?.Add(clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
            return result;
        }

        private void Add(TimeSpan wall, TimeSpan cpu)
        {
            _wall.Add(wall.TotalMilliseconds);
            _cpu += cpu;
        }
    }
}
