using System.Globalization;
using System.Net.Http.Json;
using System.Runtime;
using System.Runtime.InteropServices;
using LearningBot.Core.Commands;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;
using LearningBot.Core.Settings;
using LearningBot.Core.Storage;
using LearningBot.Core.Time;
using LearningBot.Slack.Adapter;
using LearningBot.Storage.Sqlite;
using LearningBot.Web.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningBot.Benchmarks.Pipeline;

/// <summary>
/// <c>-- --pipeline-cost [--commands 3000] [--rounds 3] [--warmup 3000] [--no-http] [--only text]</c> (issue 18): the platform-neutral core's
/// CPU and allocations per command, in-process, so a shared machine can measure it. The real web host (its DI, Production
/// environment, appsettings' log levels, console logger) on a fresh SQLite file; <c>Search:Embeddings:Provider=None</c>
/// (the background embedder would add its own CPU to the process) and the scheduler off. One command at a time, after a
/// warm-up long enough for tiered compilation to settle; each scenario and stage runs <c>--rounds</c> times, interleaved,
/// and the median round is printed; <c>--only</c> keeps the rows whose name contains the text (e.g. for a profiler). CPU is the process's user+system time (<c>getrusage</c>, µs resolution, every thread:
/// the console logger's writer included) divided by the calls; allocations are <c>GC.GetTotalAllocatedBytes(precise)</c>.
/// </summary>
/// <remarks>
/// Whole paths: <c>pipeline</c> is <see cref="CommandPipeline.HandleAsync"/> alone (as the playground calls it);
/// <c>slack core</c> adds what the Slack adapter does around it without HTTP or signatures (the delivery read, the pipeline
/// inside <see cref="IDeliveryLog.RunAndRecordAsync{T}"/>, the ack body rendered to JSON); <c>HTTP playground</c> is
/// <c>POST /api/playground</c> through the host's middleware over the in-memory test server (no sockets). Stages are the same
/// parts called alone, each in its own transaction where it writes, so they do not add up exactly to the whole.
/// </remarks>
internal static class PipelineCost
{
    private const string Team = "T0BENCH";
    private const int Receivers = 50;
    private const int HeavyHistory = 700;
    private const string HeavyUser = "UHEAVY";
    private const string HeavyGapUser = "UHEAVYGAP";

    public static async Task RunAsync(string[] args)
    {
        var commands = Int(args, "--commands", 3000);
        var rounds = Int(args, "--rounds", 3);
        var warmup = Int(args, "--warmup", 3000);
        var http = !args.Contains("--no-http");
        var report = Console.Out;
        // The host's console logger writes to Console.Out on its own thread: its formatting and writes still count in the
        // process's CPU; only the lines go to /dev/null instead of burying the report.
        Console.SetOut(new StreamWriter(new FileStream("/dev/null", FileMode.Open, FileAccess.Write)) { AutoFlush = true });

        var directory = Path.Combine(Path.GetTempPath(), "learningbot-pipelinecost", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_LEARNINGBOT_WEB", ScheduledPrompts.ScheduledPromptsScenario.FindWebProjectDirectory());
        try
        {
            await using var factory = new WebApplicationFactory<SchedulerHostedService>().WithWebHostBuilder(builder =>
            {
                builder.UseEnvironment("Production");
                builder.UseSetting("Storage:Sqlite:Path", Path.Combine(directory, "bench.db"));
                builder.UseSetting("Search:Embeddings:Provider", "None");
                builder.UseSetting("Scheduler:Enabled", "false");
                builder.UseSetting("Playground:Enabled", "true");
                builder.UseSetting("Dashboard:SigningKey", new string('k', 40));
            });
            var bench = new Scenarios(factory);
            await bench.PrepareAsync();

            report.WriteLine($"{Environment.ProcessorCount} logical cores, .NET {Environment.Version}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, " +
                             $"{DateTimeOffset.UtcNow:u}, load {Load()}; {commands} calls per round, {rounds} rounds, warm-up {warmup} calls each");
            var only = Option(args, "--only");
            var measured = bench.All(http).Where(m => only is null || m.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
            foreach (var (_, _, run) in measured)
            {
                await Measure.OnceAsync(run, warmup);
            }

            var results = measured.ToDictionary(m => m.Name, _ => new List<Measure.Result>());
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, scale, run) in measured)
                {
                    results[name].Add(await Measure.OnceAsync(run, commands * scale));
                }
            }

            report.WriteLine("| path or stage | CPU per call (µs), median round | rounds (µs) | allocated per call (bytes) | wall p99 / max (ms), median round |");
            report.WriteLine("|---|--:|---|--:|--:|");
            foreach (var (name, _, _) in measured)
            {
                var byCpu = results[name].OrderBy(r => r.CpuMicroseconds).ToList();
                var median = byCpu[byCpu.Count / 2];
                report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {median.CpuMicroseconds:F1} | {string.Join(" / ", results[name].Select(r => r.CpuMicroseconds.ToString("F0", CultureInfo.InvariantCulture)))} | {median.Bytes:F0} | {median.WallP99:F2} / {median.WallMax:F1} |"));
            }

            foreach (var policy in FtsPolicy.All.Where(p => p.Created))
            {
                var segments = await bench.SegmentsAsync(policy);
                var same = policy.Results == FtsPolicy.All[0].Results && policy.Queries == FtsPolicy.All[0].Queries;
                var searches = policy.Queries > 0 ? $"; {policy.Queries} searches, results {(same ? "identical to" : "DIFFERENT from")} the defaults'" : "";
                report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{policy.Name}: {policy.Merges} merges beside, {policy.MergeCpu / Math.Max(1, policy.Merges):F0} µs CPU each ({policy.MergeCpu / Math.Max(1, policy.Commits):F1} µs per document), {segments} segments at the end{searches}"));
            }

            report.WriteLine($"load at the end {Load()}");
        }
        finally
        {
            SqliteDatabase.ClearPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int Int(string[] args, string name, int fallback) =>
        Option(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>The paths and stages, on one host and one file; each call is a new delivery, as in the load test.</summary>
    private sealed class Scenarios(WebApplicationFactory<SchedulerHostedService> factory)
    {
        private readonly string _run = Guid.NewGuid().ToString("N")[..8];
        private IServiceProvider _services = null!;
        private CommandPipeline _pipeline = null!;
        private CommandParser _parser = null!;
        private IDeliveryLog _deliveries = null!;
        private ILearningRepository _learnings = null!;
        private IMemberRepository _members = null!;
        private TeamSettingsCache _settings = null!;
        private ICommandHandler _learnedHandler = null!;
        private LearningBotMetrics _metrics = null!;
        private ILogger _pipelineLogger = null!;
        private HttpClient _client = null!;
        private BotReply _learnedReply = null!;
        private BotReply _kudosReply = null!;
        private int _sequence;
        private System.Text.Json.JsonSerializerOptions _json = null!;

        public async Task PrepareAsync()
        {
            _services = factory.Services;
            _pipeline = _services.GetRequiredService<CommandPipeline>();
            _parser = _services.GetRequiredService<CommandParser>();
            _deliveries = _services.GetRequiredService<IDeliveryLog>();
            _learnings = _services.GetRequiredService<ILearningRepository>();
            _members = _services.GetRequiredService<IMemberRepository>();
            _settings = _services.GetRequiredService<TeamSettingsCache>();
            _learnedHandler = _services.GetServices<ICommandHandler>().Single(h => h.CommandType == typeof(LogLearningCommand));
            _metrics = _services.GetRequiredService<LearningBotMetrics>();
            _pipelineLogger = _services.GetRequiredService<ILoggerFactory>().CreateLogger<CommandPipeline>();
            _client = factory.CreateClient();
            _json = _services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

            // The people kudos go to, stored once (Slack sends their names with the command; the playground confirms them).
            for (var i = 0; i < Receivers; i++)
            {
                await _members.UpsertAsync(new Member(Team, Receiver(i), $"r{i}"), CancellationToken.None);
            }

            // One person with two years of daily learnings: what their confirmation's streak read costs.
            var now = DateTimeOffset.UtcNow;
            for (var day = 1; day <= HeavyHistory; day++)
            {
                var n = Next();
                await _learnings.AddAsync(new LearningEntry(Guid.CreateVersion7().ToString("N"), Team, HeavyUser, $"daily learning {n} #habit",
                    ["habit"], 15, now.AddDays(-day), $"{_run}-h{n}"), CancellationToken.None);
            }

            // The same history with one week off three weeks ago: a long history, a short streak.
            for (var day = 1; day <= HeavyHistory; day++)
            {
                var n = Next();
                var at = now.AddDays(-day);
                if (at >= TeamClock.StartOfWeek(now.AddDays(-21), TimeZoneInfo.Utc) && at < TeamClock.StartOfWeek(now.AddDays(-14), TimeZoneInfo.Utc))
                {
                    continue;
                }

                await _learnings.AddAsync(new LearningEntry(Guid.CreateVersion7().ToString("N"), Team, HeavyGapUser, $"daily learning {n} #habit",
                    ["habit"], 15, at, $"{_run}-g{n}"), CancellationToken.None);
            }

            _learnedReply = Expect(await _pipeline.HandleAsync(Learned(), CancellationToken.None), "learned");
            _kudosReply = Expect(await _pipeline.HandleAsync(Kudos(), CancellationToken.None), "kudos");
            await HttpAsync("learned how the bench warms up #load");
            await HttpAsync("kudos @hr0 for the bench #teamwork");
        }

        public IEnumerable<(string Name, int Scale, Func<Task> Run)> All(bool http)
        {
            yield return ("pipeline: learned", 1, async () => Expect(await _pipeline.HandleAsync(Learned(), default), "learned"));
            yield return ("pipeline: kudos (new giver each)", 1, async () => Expect(await _pipeline.HandleAsync(Kudos(), default), "kudos"));
            yield return ("slack core: learned", 1, () => SlackCoreAsync(Learned()));
            yield return ("slack core: learned + the Information line each (as before 2026-11-30)", 1, async () =>
            {
                // The pipeline's "Handled …" line at Information, as it was written for every command before it moved to Debug:
                // interleaved with the row above, the difference is what that line cost in place (the logger thread woken each time).
                await SlackCoreAsync(Learned());
                LogHandled(_pipelineLogger, "slack", Team, nameof(LogLearningCommand), ReplyKind.Confirmation, false, null);
            });
            yield return ("slack core: kudos", 1, () => SlackCoreAsync(Kudos()));
            if (http)
            {
                yield return ("HTTP playground: learned", 1, () => HttpAsync($"learned how load item {Next()} moves through the retry queue #load"));
            }

            yield return ("stage: parse (learned)", 10, () =>
            {
                _ = _parser.Parse($"how load item {Next()} moves through the retry queue #load");
                return Task.CompletedTask;
            });
            yield return ("stage: team settings (cached)", 10, () => _settings.GetAsync(Team, default));
            yield return ("stage: member upsert (new person)", 1, () => _members.UpsertAsync(new Member(Team, $"UM{_run}{Next()}", "Someone New"), default));
            yield return ("stage: learned handler (store + streak + reply)", 1, () => LearnedHandlerAsync());
            yield return ("stage: learning insert alone (own transaction)", 1, () => _learnings.AddAsync(Entry(), default));
            // The confirmation's streak and "This week" reads (issue 18), alone: a person of the load, then two with 700 learnings in
            // two years, one on a 2-year streak and one whose streak broke three weeks ago.
            yield return ("stage: streak + this week reads (UL001)", 1, () => StreakAndWeekAsync("UL001"));
            yield return ($"stage: streak + this week reads, {HeavyHistory} learnings in 2 years, 2-year streak", 1, () => StreakAndWeekAsync(HeavyUser));
            yield return ($"stage: streak + this week reads, {HeavyHistory} learnings in 2 years, gap 3 weeks ago", 1, () => StreakAndWeekAsync(HeavyGapUser));
            // me's "in all" and "this month" counts: two tallies (before 2026-11-30's ftscost) and the one aggregate with conditional
            // sums that replaced them, interleaved; a person of the load and one with 700 learnings.
            foreach (var user in new[] { "UL001", HeavyUser })
            {
                yield return ($"stage: me's counts, two tallies (as before), {user}", 1, async () =>
                {
                    var month = TeamClock.StartOfMonth(DateTimeOffset.UtcNow, TimeZoneInfo.Utc);
                    _ = (await _learnings.TallyAsync(Team, user, null, default), await _learnings.TallyAsync(Team, user, month, default));
                });
                yield return ($"stage: me's counts, one aggregate, {user}", 1, async () =>
                    _ = await _learnings.TallyAllTimeAndSinceAsync(Team, user, TeamClock.StartOfMonth(DateTimeOffset.UtcNow, TimeZoneInfo.Utc), default));
            }

            // The same counts as single statements of three shapes, on the raw connection, for the person with 700 learnings.
            foreach (var (shape, sql) in MeCountShapes)
            {
                yield return ($"sqlite raw: me's counts, {shape}, {HeavyUser}", 1, () => RawReadAsync(sql, HeavyUser));
            }

            yield return ("stage: delivery read (FirstRecorded)", 1, () => _deliveries.FirstRecordedAsync("slack:" + Team, [$"D{_run}{Next()}"], default));
            yield return ("stage: delivery record alone (own transaction)", 1, () =>
                _deliveries.TryRecordAsync("slack:" + Team, $"D{_run}{Next()}", null, DateTimeOffset.UtcNow, default));
            yield return ("sqlite raw: empty write transaction", 1, () => RawAsync(null));
            yield return ("sqlite raw: learnings row, own transaction", 1, () => RawAsync(
                "INSERT INTO learnings (id, team_id, user_id, text, tags, minutes, is_private, created_at, idempotency_key) " +
                "VALUES ($id, 'T0RAW', 'U1', $text, 'load', NULL, 0, 0, $id)"));
            yield return ("sqlite raw: search_fts row, own transaction", 1, () => RawAsync(
                "INSERT INTO search_fts (title, body, tags, team_key, team_id, kind, ref_id, person_id, created_at) " +
                "VALUES ('', $text, 'load', 't1234567', 'T0RAW', 1, $id, 'U1', 0)"));
            foreach (var pages in new[] { 1000, 4000, 10000 })
            {
                // What a learning writes (the row and its search document) in one transaction, on a connection whose automatic
                // checkpoint runs past this many WAL pages (SQLite's default: 1000).
                yield return ($"sqlite raw: learning + search rows, wal_autocheckpoint={pages}", 1, () => RawAsync(
                    "INSERT INTO learnings (id, team_id, user_id, text, tags, minutes, is_private, created_at, idempotency_key) " +
                    "VALUES ($id, 'T0RAW', 'U1', $text, 'load', NULL, 0, 0, $id); " +
                    "INSERT INTO search_fts (title, body, tags, team_key, team_id, kind, ref_id, person_id, created_at) " +
                    "VALUES ('', $text, 'load', 't1234567', 'T0RAW', 1, $id, 'U1', 0)", pages));
            }

            // FTS5's merge policy (issue 18, branch ftscost): the same search document written into tables of search_fts's shape that
            // differ only in their merge settings, interleaved in one process. "beside" runs the merge every N commits after the
            // commit on the same connection, so its CPU is in the row; how much of it was the merge is printed under the table.
            foreach (var policy in FtsPolicy.All)
            {
                yield return ($"sqlite raw: search document, {policy.Name}", 1, () => RawFtsAsync(policy));
            }

            // What the segments each policy leaves cost a search: BM25's top 10 of the team's documents for a word every document
            // holds (the worst case) and for a rare one, on that policy's table after 20,000 documents (its rows above add more).
            foreach (var policy in FtsPolicy.All.Where(p => p.PerTransaction == 1))
            {
                yield return ($"sqlite raw: top 10 by BM25, a word in every document, {policy.Name}", 1, () => RawQueryAsync(policy, _ => "retry"));
                yield return ($"sqlite raw: top 10 by BM25, one document's number, {policy.Name}", 10, () =>
                    RawQueryAsync(policy, q => (q * 7919 % 20_000).ToString(CultureInfo.InvariantCulture)));
            }

            yield return ("stage: reply render, Slack ack JSON (learned)", 10, () =>
            {
                _ = SlackReplySender.AckResponse(_learnedReply, SlackTarget())!.ToJsonString();
                return Task.CompletedTask;
            });
            yield return ("stage: playground response, plain text + JSON (learned)", 10, () =>
            {
                var response = new LearningBot.Web.Playground.PlaygroundResponse(PlainTextRenderer.Render(_learnedReply), _learnedReply, [], false);
                _ = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(response, _json);
                return Task.CompletedTask;
            });
            yield return ("stage: reply render, plain text (kudos)", 10, () =>
            {
                _ = PlainTextRenderer.Render(_kudosReply);
                return Task.CompletedTask;
            });
            yield return ("stage: one Information log line (console)", 10, () =>
            {
                LogHandled(_pipelineLogger, "slack", Team, nameof(LogLearningCommand), ReplyKind.Confirmation, false, null);
                return Task.CompletedTask;
            });
            yield return ("stage: command metric (counter + histogram)", 10, () =>
            {
                _metrics.CommandHandled("LogLearning", "slack", "ok", TimeSpan.FromMilliseconds(1));
                return Task.CompletedTask;
            });
        }

        /// <summary>What <c>SlackConversation.OnceAsync</c> and <c>HandleAsync</c> do for a slash command, minus HTTP and Slack calls.</summary>
        private async Task SlackCoreAsync(IncomingMessage message)
        {
            var scope = "slack:" + Team;
            string[] ids = [message.IdempotencyKey];
            if (await _deliveries.FirstRecordedAsync(scope, ids, default) is not null)
            {
                throw new InvalidOperationException("A new delivery was found recorded.");
            }

            var run = await _deliveries.RunAndRecordAsync(scope, ids, async ct =>
            {
                var reply = await _pipeline.HandleAsync(message, ct);
                return new DeliveryWork<BotReply>(reply, !reply.NothingSaved, new DeliverySender(message.TeamId, message.UserId));
            }, DateTimeOffset.UtcNow, default);
            Expect(run.Value, message.Text);
            _ = SlackReplySender.AckResponse(run.Value, SlackTarget())!.ToJsonString();
        }

        /// <summary>One statement in its own BEGIN IMMEDIATE transaction on a connection of the bench's own (the host's PRAGMAs).</summary>
        private async Task RawAsync(string? sql, int autocheckpoint = 1000)
        {
            if (!_raw.TryGetValue(autocheckpoint, out var raw))
            {
                raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_services.GetRequiredService<SqliteDatabase>().Path};Pooling=false");
                await raw.OpenAsync();
                using var pragma = raw.CreateCommand();
                pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; " +
                                     $"PRAGMA wal_autocheckpoint = {autocheckpoint};";
                await pragma.ExecuteNonQueryAsync();
                _raw[autocheckpoint] = raw;
            }

            var n = Next();
            using var transaction = raw.BeginTransaction(deferred: false);
            if (sql is not null)
            {
                using var command = raw.CreateCommand();
                command.CommandText = sql;
                command.Parameters.AddWithValue("$id", $"raw-{_run}-{n}");
                command.Parameters.AddWithValue("$text", $"how load item {n} moves through the retry queue");
                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        private readonly Dictionary<int, Microsoft.Data.Sqlite.SqliteConnection> _raw = [];

        private static readonly (string Shape, string Sql)[] MeCountShapes =
        [
            ("conditional sums (CASE)",
                "SELECT COUNT(*), COALESCE(SUM(is_private), 0), COALESCE(SUM(minutes), 0), COALESCE(SUM(created_at >= $since), 0), " +
                "COALESCE(SUM(CASE WHEN created_at >= $since THEN is_private END), 0), COALESCE(SUM(CASE WHEN created_at >= $since THEN minutes END), 0) " +
                "FROM learnings WHERE team_id = $teamId AND user_id = $userId"),
            ("two aggregates as subqueries",
                "SELECT a.n, a.p, a.m, s.n, s.p, s.m FROM " +
                "(SELECT COUNT(*) AS n, COALESCE(SUM(is_private), 0) AS p, COALESCE(SUM(minutes), 0) AS m FROM learnings WHERE team_id = $teamId AND user_id = $userId) AS a, " +
                "(SELECT COUNT(*) AS n, COALESCE(SUM(is_private), 0) AS p, COALESCE(SUM(minutes), 0) AS m FROM learnings " +
                "WHERE team_id = $teamId AND user_id = $userId AND created_at >= $since) AS s"),
            ("all time alone",
                "SELECT COUNT(*), COALESCE(SUM(is_private), 0), COALESCE(SUM(minutes), 0) FROM learnings WHERE team_id = $teamId AND user_id = $userId AND $since = $since"),
        ];

        /// <summary>One read statement on the raw connection (prepared once per shape), its rows read to the end.</summary>
        private async Task RawReadAsync(string sql, string user)
        {
            await RawAsync(null);
            if (!_prepared.TryGetValue(sql, out var command))
            {
                command = _raw[1000].CreateCommand();
                command.CommandText = sql;
                command.Parameters.AddWithValue("$teamId", Team);
                command.Parameters.AddWithValue("$userId", user);
                command.Parameters.AddWithValue("$since", TeamClock.StartOfMonth(DateTimeOffset.UtcNow, TimeZoneInfo.Utc).ToUnixTimeMilliseconds());
                _prepared[sql] = command;
            }

            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
            }
        }

        private readonly Dictionary<string, Microsoft.Data.Sqlite.SqliteCommand> _prepared = [];

        /// <summary>One search document into <paramref name="policy"/>'s table, its own BEGIN IMMEDIATE transaction (the raw rows' connection).</summary>
        private async Task RawFtsAsync(FtsPolicy policy)
        {
            await RawAsync(null);
            var raw = _raw[1000];
            if (!policy.Created)
            {
                await ExecAsync(raw, $"CREATE VIRTUAL TABLE {policy.Table} USING fts5 (title, body, tags, team_key, team_id UNINDEXED, kind UNINDEXED, " +
                                     "ref_id UNINDEXED, person_id UNINDEXED, created_at UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')");
                foreach (var setting in policy.Settings)
                {
                    await ExecAsync(raw, $"INSERT INTO {policy.Table} ({policy.Table}, rank) VALUES {setting}");
                }

                policy.Created = true;
            }

            using (var transaction = raw.BeginTransaction(deferred: false))
            for (var i = 0; i < policy.PerTransaction; i++)
            {
                // Each table gets the same texts in the same order (rowid k + 1 holds item k), so their searches can be compared.
                var n = policy.Commits * policy.PerTransaction + i;
                using var command = raw.CreateCommand();
                command.CommandText = $"INSERT INTO {policy.Table} (title, body, tags, team_key, team_id, kind, ref_id, person_id, created_at) " +
                                      "VALUES ('', $text, 'load', 't1234567', 'T0RAW', 1, $id, 'U1', 0)";
                command.Parameters.AddWithValue("$id", $"raw-{_run}-{n}");
                command.Parameters.AddWithValue("$text", $"how load item {n} moves through the retry queue");
                await command.ExecuteNonQueryAsync();
                if (i == policy.PerTransaction - 1)
                {
                    await transaction.CommitAsync();
                }
            }

            if (++policy.Commits % Math.Max(1, policy.MergeEvery) == 0 && policy.MergeEvery > 0)
            {
                var before = Measure.ThreadCpuMicroseconds();
                await ExecAsync(raw, $"INSERT INTO {policy.Table} ({policy.Table}, rank) VALUES ('merge', {policy.MergePages})");
                policy.MergeCpu += Measure.ThreadCpuMicroseconds() - before;
                policy.Merges++;
            }
        }

        /// <summary>The segments <paramref name="policy"/>'s index holds now (distinct segment ids of its <c>_idx</c> table).</summary>
        public async Task<long> SegmentsAsync(FtsPolicy policy)
        {
            using var command = _raw[1000].CreateCommand();
            command.CommandText = $"SELECT count(DISTINCT segid) FROM {policy.Table}_idx";
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// BM25's top 10 of <paramref name="policy"/>'s table for the words of its next query (<paramref name="words"/> of the policy's
        /// query count), folded into <see cref="FtsPolicy.Results"/>: every table answers the same sequence, so equal folds mean
        /// identical hits in identical order with identical scores.
        /// </summary>
        private async Task RawQueryAsync(FtsPolicy policy, Func<long, string> words)
        {
            // An index after 20,000 single-document transactions under the policy (merges beside included), built at first use.
            while (policy.Commits < 20_000)
            {
                await RawFtsAsync(policy);
            }

            using var command = _raw[1000].CreateCommand();
            command.CommandText = $"SELECT rowid, bm25({policy.Table}, 2.0, 1.0, 2.0, 0.0) AS rank FROM {policy.Table} " +
                                  $"WHERE {policy.Table} MATCH $match ORDER BY rank LIMIT 10";
            command.Parameters.AddWithValue("$match", $"team_key : t1234567 AND ({words(policy.Queries++)})");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                policy.Results = HashCode.Combine(policy.Results, reader.GetInt64(0), reader.GetDouble(1));
            }
        }

        private static async Task ExecAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }

        /// <summary>What LogLearningHandler reads for its Streak and This week facts (since issue 18: a tally and week windows).</summary>
        private async Task StreakAndWeekAsync(string user)
        {
            var now = DateTimeOffset.UtcNow;
            var week = await _learnings.TallyAsync(Team, user, TeamClock.StartOfWeek(now, TimeZoneInfo.Utc), default);
            var streak = await WeeklyStreak.CountAsync((weeks, token) => _learnings.WeeksWithEntriesAsync(Team, user, weeks, token), now,
                TimeZoneInfo.Utc, default);
            _ = (week, streak);
        }

        private async Task LearnedHandlerAsync()
        {
            var message = Learned();
            var command = ((Parsed)_parser.Parse(message.Text)).Command;
            var settings = await _settings.GetAsync(Team, default);
            var context = new CommandContext(message, settings, TeamClock.FindOrUtc(settings.TimeZoneId), DateTimeOffset.UtcNow);
            Expect(await _learnedHandler.HandleAsync(command, context, default), "learned handler");
        }

        private async Task HttpAsync(string text)
        {
            using var response = await _client.PostAsJsonAsync("/api/playground", new { team = "bench", user = $"u{Next() % 500}", text, newPeople = new[] { "hr0" } });
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"/api/playground answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            await response.Content.CopyToAsync(Stream.Null);
        }

        private int Next() => Interlocked.Increment(ref _sequence);

        private static string Receiver(int i) => $"UR{i:D2}";

        private ReplyTarget SlackTarget() => new(Team, "UL001", "C0BENCH", "https://hooks.slack.com/commands/T0BENCH/1/x");

        /// <summary>As the Slack adapter builds a <c>/learned</c>: 500 people post in turn (they are known after their first).</summary>
        private IncomingMessage Learned()
        {
            var n = Next();
            return new IncomingMessage(Team, $"UL{n % 500:D3}", $"l{n % 500}", $"learned how load item {n} moves through the retry queue #load",
                $"{_run}-{n}")
            {
                Platform = "slack",
                ChannelId = "C0BENCH",
            };
        }

        /// <summary>As the load test's <c>/kudos</c>: a new giver each time (so no budget refuses it), one of 50 receivers.</summary>
        private IncomingMessage Kudos()
        {
            var n = Next();
            var receiver = Receiver(n % Receivers);
            return new IncomingMessage(Team, $"UK{_run}{n}", $"k{n}", $"kudos <@{receiver}> for load item {n} and a calm review #teamwork", $"{_run}-{n}")
            {
                Platform = "slack",
                ChannelId = "C0BENCH",
                Mentions = [new MentionedMember(receiver, $"r{n % Receivers}")],
            };
        }

        private LearningEntry Entry()
        {
            var n = Next();
            return new LearningEntry(Guid.CreateVersion7().ToString("N"), Team, $"UL{n % 500:D3}", $"how load item {n} moves through the retry queue",
                ["load"], null, DateTimeOffset.UtcNow, $"{_run}-e{n}");
        }

        private static BotReply Expect(BotReply reply, string what) =>
            reply.Kind == ReplyKind.Error || reply.IsRedelivery
                ? throw new InvalidOperationException($"'{what}' was answered with: {PlainTextRenderer.Render(reply)}")
                : reply;
    }

    /// <summary>An FTS5 merge policy of the raw search-document rows: its table's settings, and a merge run beside every <c>MergeEvery</c> commits.</summary>
    internal sealed class FtsPolicy(string name, string table, string[] settings, int mergeEvery = 0, int mergePages = 0, int perTransaction = 1)
    {
        public static readonly FtsPolicy[] All =
        [
            new("FTS5 defaults (automerge 4, crisismerge 16)", "bench_fts_default", []),
            new("automerge 0 (crisismerge 16 only)", "bench_fts_crisis", ["('automerge', 0)"]),
            new("crisismerge 64 (automerge 4)", "bench_fts_crisis64", ["('crisismerge', 64)"]),
            new("automerge 0 + crisismerge 64, merge 1000 pages beside every 32 commits", "bench_fts_beside32",
                ["('automerge', 0)", "('crisismerge', 64)", "('usermerge', 16)"], 32, 1000),
            new("automerge 0 + crisismerge 64, merge 1000 pages beside every 8 commits", "bench_fts_beside8",
                ["('automerge', 0)", "('crisismerge', 64)", "('usermerge', 4)"], 8, 1000),
            // What the segment per transaction costs: ten documents share one flush (the CPU printed is per call = 10 documents).
            new("FTS5 defaults, 10 documents per transaction (per call of 10)", "bench_fts_ten", [], perTransaction: 10),
        ];

        public string Name { get; } = name;
        public string Table { get; } = table;
        public string[] Settings { get; } = settings;
        public int MergeEvery { get; } = mergeEvery;
        public int MergePages { get; } = mergePages;
        public int PerTransaction { get; } = perTransaction;
        public bool Created { get; set; }
        public long Commits { get; set; }
        public long Merges { get; set; }
        public double MergeCpu { get; set; }
        public long Queries { get; set; }
        public int Results { get; set; }
    }

    // The pipeline's own "Handled …" line, same level, category and template (CommandPipeline.LogHandled).
    private static readonly Action<ILogger, string, string, string, ReplyKind, bool, Exception?> LogHandled =
        LoggerMessage.Define<string, string, string, ReplyKind, bool>(LogLevel.Information, default,
            "Handled {Command} from {Platform} in team {TeamId}: {Kind}, redelivery={Redelivery}");

    /// <summary>One timed run: the process's CPU (all threads) and bytes allocated, per call.</summary>
    private static class Measure
    {
        /// <param name="WallP99">Wall time of one call, 99th percentile, ms (on a shared machine: mostly the wait for a core).</param>
        /// <param name="WallMax">The slowest call, ms (e.g. the one that ran a WAL checkpoint).</param>
        public sealed record Result(double CpuMicroseconds, double Bytes, double WallP99, double WallMax);

        public static async Task<Result> OnceAsync(Func<Task> run, int calls)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var walls = new long[calls];
            var bytes = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = ProcessCpuMicroseconds();
            for (var i = 0; i < calls; i++)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await run();
                walls[i] = System.Diagnostics.Stopwatch.GetTimestamp() - started;
            }

            var cpuUsed = ProcessCpuMicroseconds() - cpu;
            Array.Sort(walls);
            static double Ms(long ticks) => ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
            return new Result(cpuUsed / calls, (GC.GetTotalAllocatedBytes(precise: true) - bytes) / (double)calls,
                Ms(walls[(int)(calls * 0.99)]), Ms(walls[^1]));
        }

        /// <summary>User + system CPU of the whole process, in µs (getrusage(RUSAGE_SELF); Process.TotalProcessorTime ticks at 10 ms).</summary>
        private static double ProcessCpuMicroseconds()
        {
            if (getrusage(0, out var usage) != 0)
            {
                throw new InvalidOperationException("getrusage failed: " + Marshal.GetLastPInvokeError());
            }

            return usage.UserSeconds * 1e6 + usage.UserMicroseconds + usage.SystemSeconds * 1e6 + usage.SystemMicroseconds;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct RUsage
        {
            public long UserSeconds;
            public long UserMicroseconds;
            public long SystemSeconds;
            public long SystemMicroseconds;
            public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NvCsw, NivCsw;
        }

        /// <summary>User + system CPU of the calling thread, in µs (getrusage(RUSAGE_THREAD)).</summary>
        public static double ThreadCpuMicroseconds()
        {
            if (getrusage(1, out var usage) != 0)
            {
                throw new InvalidOperationException("getrusage failed: " + Marshal.GetLastPInvokeError());
            }

            return usage.UserSeconds * 1e6 + usage.UserMicroseconds + usage.SystemSeconds * 1e6 + usage.SystemMicroseconds;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int getrusage(int who, out RUsage usage);
    }
}
