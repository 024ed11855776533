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
/// <c>--scan-only</c>: only the vector scan's timings (exact, the prefilter now and before in turn) and recall.
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
        // --providers A,B: the providers side by side in one run, interleaved per question (ProviderComparison); with --compare-recent
        // each also asks every question once reading the recent questions from the file (as before) and once from memory, in turn.
        if (Option(args, "--providers") is { } several)
        {
            await ProviderComparison.RunAsync(several.Split(',', StringSplitOptions.RemoveEmptyEntries), data, calls, intraOp,
                compareRecent: args.Contains("--compare-recent"));
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
            await AskPartsAsync(services, database, data, calls, Compared(args), scanOnly: args.Contains("--scan-only"));
            if (args.Contains("--scan-only"))
            {
                return;
            }

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

    /// <summary>
    /// <c>--compare lexcost|all</c>: the search rules (<see cref="SearchTuning"/>) the whole <c>ask</c> is compared against, in turn
    /// question by question in this run: <c>lexcost</c> = <see cref="SearchTuning.BeforeLexCost"/> (the fallback for a question of very
    /// common words, excerpts for <c>who knows</c>), <c>all</c> = <see cref="SearchTuning.Before"/> (every rule off, the vocabulary read
    /// from <c>search_vocab</c>). Null: no comparison.
    /// </summary>
    private static (string Name, SearchTuning Tuning, bool Vocabulary)? Compared(string[] args) => Option(args, "--compare") switch
    {
        null => null,
        "lexcost" => ("before lexcost", SearchTuning.BeforeLexCost, true),
        "all" => ("before issue 14's speed work", SearchTuning.Before, false),
        var other => throw new ArgumentException($"--compare {other}: expected lexcost or all"),
    };

    /// <param name="compared">
    /// Rules to compare with (<see cref="Compared"/>): what changes in the hits is printed first (top 10, hybrid and words only, and the
    /// <c>who knows</c> people), then each whole <c>ask</c> runs once with them and once as now, which goes first alternating, so
    /// both meet the same moments of a shared machine. The parts (embedding, words only, scan, hybrid) are timed as now only.
    /// </param>
    /// <param name="scanOnly"><c>--scan-only</c>: the vector scan's timings (<see cref="ScanAndRecallAsync"/>) and nothing else.</param>
    private static async Task AskPartsAsync(ServiceProvider services, string database, string data, int calls,
        (string Name, SearchTuning Tuning, bool Vocabulary)? compared, bool scanOnly = false)
    {
        var sqlite = services.GetRequiredService<SqliteDatabase>();
        var vocabulary = sqlite.SearchVocabulary;
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
        if (scanOnly)
        {
            return;
        }

        var sets = new (string Name, string[] Questions)[]
        {
            ("stackfaq questions (real wording)", stackfaq),
            ("questions in the corpus's words", await AskCorpusBenchmarks.QuestionsAsync(database)),
            ("most common words (worst case)", CommonWordQuestions()),
        };

        await vocabulary.RefreshAsync(default);
        if (compared is { } before)
        {
            await AgreementAsync(sqlite, search, embedder, sets, Math.Min(calls, 100), before.Name, before.Tuning);
        }

        using var stages = new StageTimings();
        using var stagesBefore = new StageTimings();
        foreach (var (name, questions) in sets)
        {
            var parts = new Dictionary<string, Timings>();
            Timings Part(string part) => parts.TryGetValue(part, out var t) ? t : parts[part] = new Timings(calls);
            for (var i = -Math.Min(30, calls / 10); i < calls; i++)
            {
                var question = questions[(i + questions.Length) % questions.Length];
                var record = i >= 0;
                sqlite.SearchTuning = SearchTuning.Default;
                vocabulary.Enabled = true;
                var vector = await Timings.MeasureAsync(record ? Part("query embedding") : null, () => embedder.EmbedAsync(question, default));
                var lexical = await Timings.MeasureAsync(record ? Part($"words only, {candidates} results (ISearchIndex, no embedding)") : null, () =>
                    search.SearchAsync(new SearchQuery(CorpusDatabase.Team, question, AskKinds, candidates), default));
                var semantic = Timings.Measure(record ? Part($"vector scan ({candidates} nearest)") : null, () =>
                    cache.Nearest(CorpusDatabase.Team, kinds, vector!.Value.Span, candidates));
                Timings.Measure(record ? Part("fusion") : null, () =>
                    HybridFusion.Default.Fuse(lexical.Select(h => h.Id).ToList(), semantic.Select(m => (m.DocId.ToString(CultureInfo.InvariantCulture), m.Similarity)).ToList()));
                await Timings.MeasureAsync(record ? Part("hybrid search (ISearchIndex, top 3)") : null, () =>
                    search.SearchAsync(new SearchQuery(CorpusDatabase.Team, question, AskKinds, AskHandler.ResultCount) { Embedding = vector }, default));
                // What ask's QuestionMatcher does: the model on a pool thread, the lexical half meanwhile.
                await Timings.MeasureAsync(record ? Part("embedding + hybrid search, as ask runs them (top 3)") : null, () =>
                    search.SearchAsync(new SearchQuery(CorpusDatabase.Team, question, AskKinds, AskHandler.ResultCount),
                        Task.Run(() => embedder.EmbedAsync(question, default)), default));
                var order = compared is null ? [true] : i % 2 == 0 ? new[] { false, true } : [true, false];
                foreach (var now in order)
                {
                    sqlite.SearchTuning = now ? SearchTuning.Default : compared!.Value.Tuning;
                    vocabulary.Enabled = now || compared!.Value.Vocabulary;
                    var into = now ? stages : stagesBefore;
                    into.Recording = record;
                    var reply = await Timings.MeasureAsync(record ? Part(now
                            ? "ask, whole (pipeline: embedding + search + question groups + write)"
                            : $"ask, whole, {compared!.Value.Name.ToUpperInvariant()}") : null,
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

            sqlite.SearchTuning = SearchTuning.Default;
            vocabulary.Enabled = true;
            Print($"ask: {name}, {calls} calls (load {Load()}, vocabulary reads {vocabulary.Reads})", parts);
            stages.Print(name);
            if (compared is { } c)
            {
                stagesBefore.Print($"{name}, {c.Name.ToUpperInvariant()}");
            }
        }
    }

    /// <summary>
    /// What the rules change in the results at this size (stackfaq is too small for the df rules to apply): for each question, with
    /// <paramref name="before"/> and as now, the top 10 (hybrid with the question's vector, and words only), and the <c>who knows</c>
    /// people (<see cref="WhoKnowsRanking"/>, as the suggestion in <c>ask</c> ranks them): mean share of the top 10 found by both, how
    /// often the first hit (first person) is the same, and how many of the first 10 hits are identical with their excerpts.
    /// </summary>
    private static async Task AgreementAsync(SqliteDatabase sqlite, ISearchIndex search, IQueryEmbedder embedder,
        (string Name, string[] Questions)[] sets, int count, string name, SearchTuning before)
    {
        Console.WriteLine();
        Console.WriteLine($"### hits {name} and now, up to {count} questions per set");
        Console.WriteLine("| set | search | top-10 overlap | same first | identical lists (excerpts too) | hits before / now |");
        Console.WriteLine("|---|---|--:|--:|--:|--:|");
        foreach (var (set, questions) in sets)
        foreach (var shape in new[] { "hybrid", "words only", "who knows (people)" })
        {
            double overlap = 0, sameFirst = 0, identical = 0, off = 0, on = 0;
            var asked = questions.Take(count).ToList();
            foreach (var question in asked)
            {
                var vector = shape == "words only" ? null : await embedder.EmbedAsync(question, default);
                async Task<IReadOnlyList<string>> Run(SearchTuning tuning)
                {
                    sqlite.SearchTuning = tuning;
                    if (shape == "who knows (people)")
                    {
                        var hits = await WhoKnowsRanking.SearchAsync(search, CorpusDatabase.Team, question, vector, embedder.Thresholds.Relevant, default);
                        return WhoKnowsRanking.Rank(hits).Take(10).Select(p => p.PersonId).ToList();
                    }

                    var found = await search.SearchAsync(new SearchQuery(CorpusDatabase.Team, question, AskKinds, 10) { Embedding = vector }, default);
                    return found.Select(h => $"{h.Kind}:{h.Id}:{h.Excerpt}").ToList();
                }

                var was = await Run(before);
                var now = await Run(SearchTuning.Default);
                sqlite.SearchTuning = SearchTuning.Default;
                var wasIds = was.Select(Id).ToList();
                var nowIds = now.Select(Id).ToList();
                overlap += wasIds.Count == 0 && nowIds.Count == 0 ? 1 : wasIds.Intersect(nowIds).Count() / (double)Math.Max(wasIds.Count, nowIds.Count);
                sameFirst += wasIds.FirstOrDefault() == nowIds.FirstOrDefault() ? 1 : 0;
                identical += was.SequenceEqual(now) ? 1 : 0;
                (off, on) = (off + was.Count, on + now.Count);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {set} ({asked.Count}) | {shape} | {overlap / asked.Count:P1} | {sameFirst / asked.Count:P1} | {identical / asked.Count:P1} | " +
                $"{off / asked.Count:F1} / {on / asked.Count:F1} |"));
        }

        static string Id(string hit) => string.Join(':', hit.Split(':').Take(2));
    }

    /// <summary>
    /// The vector scan alone, exact (every int8 vector) against the one search uses (sign-bit prefilter, then exact rescoring of its
    /// candidates above <see cref="TeamVectors.PrefilterFrom"/> vectors) and the prefilter as it was before its speed-up
    /// (<see cref="VectorScan.PrefilterBefore"/>; the two prefilters take turns going first, question by question, so both meet the
    /// same moments of a shared machine, and their results must be identical), and the prefilter's recall of the exact top 10 and
    /// top 50 documents, over real questions' vectors.
    /// </summary>
    private static async Task ScanAndRecallAsync(IQueryEmbedder embedder, SqliteVectorCache cache, List<string> questions,
        HashSet<SearchKind> kinds, int candidates)
    {
        const string Used = "search's scan (sign-bit prefilter, then exact)";
        const string Before = "the same, prefilter BEFORE its speed-up";
        var parts = new Dictionary<string, Timings>
        {
            ["exact int8 scan"] = new(questions.Count), [Used] = new(questions.Count), [Before] = new(questions.Count),
        };
        double found10 = 0, found50 = 0;
        var differing = 0;
        var vectors = new List<ReadOnlyMemory<float>>(questions.Count);
        foreach (var question in questions)
        {
            vectors.Add((await embedder.EmbedAsync(question, default))!.Value);
        }

        for (var i = 0; i < vectors.Count; i++)
        {
            var vector = vectors[i];
            var exact = Timings.Measure(parts["exact int8 scan"], () => cache.Nearest(CorpusDatabase.Team, kinds, vector.Span, candidates, VectorScan.Exact));
            IReadOnlyList<VectorMatch> used = [], before = [];
            foreach (var now in i % 2 == 0 ? new[] { true, false } : [false, true])
            {
                if (now)
                {
                    used = Timings.Measure(parts[Used], () => cache.Nearest(CorpusDatabase.Team, kinds, vector.Span, candidates));
                }
                else
                {
                    before = Timings.Measure(parts[Before], () => cache.Nearest(CorpusDatabase.Team, kinds, vector.Span, candidates, VectorScan.PrefilterBefore));
                }
            }

            differing += used.SequenceEqual(before) ? 0 : 1;
            var usedIds = used.Select(m => m.DocId).ToHashSet();
            found10 += exact.Take(10).Count(m => usedIds.Contains(m.DocId)) / (double)Math.Min(10, exact.Count);
            found50 += exact.Count(m => usedIds.Contains(m.DocId)) / (double)exact.Count;
        }

        Print($"vector scan over {cache.Count:N0} vectors, {candidates} nearest documents, {questions.Count} real questions (load {Load()}); " +
              string.Create(CultureInfo.InvariantCulture,
                  $"recall of the exact top 10: {found10 / questions.Count:P2}, top {candidates}: {found50 / questions.Count:P2} " +
                  $"(prefilter keeps {TeamVectors.RescoredFor(candidates * 2):N0} candidates); prefilter now vs before: {differing} of " +
                  $"{questions.Count} result lists differ"), parts);
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
