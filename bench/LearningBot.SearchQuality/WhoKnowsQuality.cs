using System.Diagnostics;
using LearningBot.Core.Commands;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Learnings;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;
using LearningBot.Embeddings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Knowledge;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.SearchQuality;

/// <summary>
/// <c>who knows</c> quality (<c>--who-knows</c>): the <see cref="WhoKnowsSet"/> stored through the real repositories in a real SQLite file
/// (two teams, shared answers, learnings, private learnings), embedded by the real background worker, and every topic asked as
/// <c>who knows &lt;topic&gt;</c> through the real <see cref="CommandPipeline"/> (parser, <c>WhoKnowsHandler</c>, its ranking and the
/// people it names, at most 5). Rows, per topic shape: the product (hybrid), the same with the common-words rule off
/// (<see cref="SearchTuning.CommonWordsConjunction"/>), lexical only (<c>Provider=None</c> on the same file) and a plain baseline
/// (<see cref="LuceneBaseline"/> BM25 over the team's public posts, their authors in the order of their best post in the top 10).
/// </summary>
public static class WhoKnowsQuality
{
    private const int Named = 5; // WhoKnowsHandler names at most 5 people; the baseline names as many
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(EvaluationSet set, string model, IEmbeddingGenerator<string, Embedding<float>> generator, string folder)
    {
        var whoKnows = WhoKnowsSet.Derive(set);
        var ours = whoKnows.Contributions.Where(c => c.TeamId == WhoKnowsSet.Team).ToList();
        var perPerson = ours.Where(c => c.Kind != ContributionKind.PrivateLearning).GroupBy(c => c.PersonId)
            .Select(g => g.Select(c => c.Thread).Distinct().Count()).ToList();
        Console.WriteLine($"who knows: {WhoKnowsSet.People} people in '{WhoKnowsSet.Team}': {ours.Count(c => c.Kind == ContributionKind.SharedAnswer)} shared answers, " +
            $"{ours.Count(c => c.Kind == ContributionKind.Learning)} learnings, {ours.Count(c => c.Kind == ContributionKind.PrivateLearning)} private learnings " +
            $"({WhoKnowsSet.PrivateAuthor}); topics per person {perPerson.Min()}-{perPerson.Max()} (mean {perPerson.Average():F1}); " +
            $"the same {whoKnows.Contributions.Count(c => c.TeamId == WhoKnowsSet.OtherTeam)} in '{WhoKnowsSet.OtherTeam}'");
        foreach (var shape in Enum.GetValues<TopicShape>())
        {
            var topics = whoKnows.Topics.Where(t => t.Shape == shape).ToList();
            Console.WriteLine($"  {shape}: {topics.Count} topics, {topics.Average(t => t.Expected.Count):F2} expected people each" +
                $" (e.g. 'who knows {topics[0].Text}')");
        }

        var path = Path.Combine(folder, "who-knows.db");
        var rows = new List<(string Name, Dictionary<TopicShape, PeopleScores> Scores, double MsPerTopic)>();
        List<IReadOnlyList<string>> withRule;
        var sweep = new List<(string Name, Dictionary<TopicShape, PeopleScores> Scores, double MsPerTopic)>();
        await using (var services = QualityServices.Create(path, model, generator))
        {
            foreach (var initializer in services.GetServices<IStorageInitializer>())
            {
                await initializer.InitializeAsync(default);
            }

            await StoreAsync(services, whoKnows.Contributions);
            await services.GetRequiredService<EmbeddingWorker>().DrainAsync(default);
            var pipeline = services.GetRequiredService<CommandPipeline>();
            (var product, withRule) = await AskAllAsync(pipeline, whoKnows.Topics, "hybrid");
            rows.Add(($"who knows: hybrid ({model}, the product)", product.Scores, product.MsPerTopic));
            sweep.AddRange(await SweepAsync(services, whoKnows.Topics, "hybrid"));

            var database = services.GetRequiredService<SqliteDatabase>();
            database.SearchTuning = SearchTuning.Default with { CommonWordsConjunction = false };
            var (withoutRule, without) = await AskAllAsync(pipeline, whoKnows.Topics, "no-common-words-rule");
            database.SearchTuning = SearchTuning.Default;
            rows.Add(("who knows: hybrid, common-words rule off", withoutRule.Scores, withoutRule.MsPerTopic));
            var changed = withRule.Zip(without).Count(p => !p.First.SequenceEqual(p.Second));
            Console.WriteLine($"  the common-words rule changed who is named for {changed} of {whoKnows.Topics.Count} topics");
        }

        await using (var lexical = QualityServices.Create(path, EmbeddingProviders.None, generator: null))
        {
            var (scores, _) = await AskAllAsync(lexical.GetRequiredService<CommandPipeline>(), whoKnows.Topics, "lexical");
            rows.Add(("who knows: lexical only (Provider=None)", scores.Scores, scores.MsPerTopic));
            sweep.AddRange(await SweepAsync(lexical, whoKnows.Topics, "lexical"));
        }

        // The same, on a file with this team alone (its 719 posts: under the 1,000 documents from which SqliteSearchIndex's any-word
        // fallback leaves out words in more than 1 in 200 documents), to show what that pruning costs lexical-only who knows.
        await using (var alone = QualityServices.Create(Path.Combine(folder, "who-knows-one-team.db"), EmbeddingProviders.None, generator: null))
        {
            foreach (var initializer in alone.GetServices<IStorageInitializer>())
            {
                await initializer.InitializeAsync(default);
            }

            await StoreAsync(alone, ours);
            var (scores, _) = await AskAllAsync(alone.GetRequiredService<CommandPipeline>(), whoKnows.Topics, "lexical-one-team");
            rows.Add(($"who knows: lexical only, '{WhoKnowsSet.Team}' alone ({ours.Count(c => c.Kind != ContributionKind.PrivateLearning)} docs)", scores.Scores, scores.MsPerTopic));
        }

        var publicPosts = ours.Where(c => c.Kind != ContributionKind.PrivateLearning).ToList();
        var author = publicPosts.ToDictionary(c => c.Id, c => c.PersonId, StringComparer.Ordinal);
        using (var lucene = new LuceneBaseline(publicPosts.Select(c => c.Kind == ContributionKind.SharedAnswer
                   ? new CorpusPost(c.Id, c.Question, c.Answer)
                   : new CorpusPost(c.Id, "", c.Text))))
        {
            var scores = Enum.GetValues<TopicShape>().ToDictionary(s => s, _ => new PeopleScores());
            var clock = Stopwatch.StartNew();
            foreach (var topic in whoKnows.Topics)
            {
                scores[topic.Shape].Add(topic, lucene.Search(topic.Text, 10).Select(id => author[id]).Distinct().Take(Named).ToList());
            }

            rows.Add(("baseline: Lucene.Net BM25, authors of the top 10 posts", scores, clock.Elapsed.TotalMilliseconds / whoKnows.Topics.Count));
        }

        Console.WriteLine();
        Console.WriteLine($"{"who knows row",-56} {"topics",-11} {"hit@1",7} {"hit@3",7} {"MRR",6} {"named",6} {"nobody",7} {"leaks",5} {"ms",5}");
        foreach (var (name, scores, ms) in rows)
        {
            foreach (var (shape, score) in scores)
            {
                Console.WriteLine($"{name,-56} {shape,-11} {score} {ms,5:F1}");
            }
        }

        Console.WriteLine();
        Console.WriteLine("the same search hits (WhoKnowsRanking.SearchAsync), people ranked with rank constant K (WhoKnowsRanking.Rank; K = inf: by counts, the rule before):");
        foreach (var (name, scores, _) in sweep)
        {
            foreach (var (shape, score) in scores)
            {
                Console.WriteLine($"{name,-56} {shape,-11} {score}");
            }
        }

        foreach (var violation in rows.Concat(sweep).SelectMany(r => r.Scores.Values.SelectMany(s => s.Violations).Select(v => $"{r.Name}: {v}")).Take(10))
        {
            Console.WriteLine($"LEAK {violation}");
        }

        Console.WriteLine();
    }

    /// <summary>Stores each contribution as <c>share</c> and <c>learned</c> do, through the real repositories (one minute apart, so recency is defined).</summary>
    public static async Task StoreAsync(IServiceProvider services, IEnumerable<Contribution> contributions)
    {
        var knowledge = services.GetRequiredService<IKnowledgeRepository>();
        var learnings = services.GetRequiredService<ILearningRepository>();
        var minute = 0;
        foreach (var c in contributions)
        {
            var at = At.AddMinutes(minute++);
            if (c.Kind == ContributionKind.SharedAnswer)
            {
                await knowledge.AddAsync(new KnowledgePost(c.Id, c.TeamId, c.PersonId, c.Question, c.Answer, [], at, c.Id), default);
            }
            else
            {
                await learnings.AddAsync(new LearningEntry(c.Id, c.TeamId, c.PersonId, c.Text, [], null, at, c.Id)
                    { IsPrivate = c.Kind == ContributionKind.PrivateLearning }, default);
            }
        }
    }

    /// <summary>Asks every topic as <see cref="WhoKnowsSet.Asker"/> through the pipeline; scores per shape, and who was named per topic.</summary>
    public static async Task<((Dictionary<TopicShape, PeopleScores> Scores, double MsPerTopic), List<IReadOnlyList<string>>)> AskAllAsync(
        CommandPipeline pipeline, IReadOnlyList<WhoKnowsTopic> topics, string run)
    {
        var scores = Enum.GetValues<TopicShape>().ToDictionary(s => s, _ => new PeopleScores());
        var named = new List<IReadOnlyList<string>>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < topics.Count; i++)
        {
            var reply = await pipeline.HandleAsync(new IncomingMessage(WhoKnowsSet.Team, WhoKnowsSet.Asker, "Quinn",
                "who knows " + topics[i].Text, $"who-knows-{run}-{i}") { Platform = "slack" }, default);
            var people = NamedPeople(reply);
            named.Add(people);
            scores[topics[i].Shape].Add(topics[i], people);
        }

        return ((scores, clock.Elapsed.TotalMilliseconds / Math.Max(topics.Count, 1)), named);
    }

    /// <summary>
    /// Ranks the very hits <c>who knows</c> ranks (<see cref="WhoKnowsRanking.SearchAsync"/> with the topic's vector, as the handler
    /// asks) with several rank constants, the first 5 people, so the ranking rule is compared on one set of searches.
    /// </summary>
    private static async Task<List<(string, Dictionary<TopicShape, PeopleScores>, double)>> SweepAsync(IServiceProvider services,
        IReadOnlyList<WhoKnowsTopic> topics, string label)
    {
        double[] constants = [0.5, 1, 2, 5, 10, double.PositiveInfinity];
        var search = services.GetRequiredService<ISearchIndex>();
        var embedder = services.GetRequiredService<Core.Knowledge.Semantic.IQueryEmbedder>();
        var scores = constants.Select(_ => Enum.GetValues<TopicShape>().ToDictionary(s => s, _ => new PeopleScores())).ToList();
        foreach (var topic in topics)
        {
            var hits = await WhoKnowsRanking.SearchAsync(search, WhoKnowsSet.Team, topic.Text, await embedder.EmbedAsync(topic.Text, default),
                embedder.Thresholds.Relevant, default);
            for (var k = 0; k < constants.Length; k++)
            {
                scores[k][topic.Shape].Add(topic, WhoKnowsRanking.Rank(hits, constants[k]).Take(Named).Select(p => p.PersonId).ToList());
            }
        }

        return constants.Select((k, i) => ($"  {label}, K = {(double.IsPositiveInfinity(k) ? "inf" : k.ToString(System.Globalization.CultureInfo.InvariantCulture))}",
            scores[i], 0.0)).ToList();
    }

    /// <summary>The people a <c>who knows</c> reply names, in order: the mention of each item of its list (none when it found nobody).</summary>
    public static IReadOnlyList<string> NamedPeople(BotReply reply) => reply.Blocks.OfType<ListBlock>()
        .SelectMany(b => b.Items)
        .SelectMany(item => item.Text.Spans.OfType<MentionSpan>().Take(1))
        .Select(m => m.UserId)
        .ToList();
}
