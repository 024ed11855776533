using LearningBot.Core;
using LearningBot.Core.Commands;
using LearningBot.Core.Insights;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;
using LearningBot.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LearningBot.Fuzz.Tests;

/// <summary>
/// Random and hostile text through the real pipeline, every real handler and a real SQLite file: never an
/// exception (not even one the pipeline swallows), nothing stored for a rejected command, and search input is
/// only ever words: FTS5 syntax cannot widen a query to another team's records.
/// </summary>
[TestFixture]
public sealed class PipelineFuzzTests
{
    private const string Secret = "zebrasecret";

    /// <summary>In the other team's records but never in a query, so a reply that shows it leaked their data.</summary>
    private const string Hidden = "quokkahidden";

    private TempFolder _folder = null!;
    private ServiceProvider _services = null!;
    private CapturingLoggerProvider _logs = null!;
    private string _db = null!;

    [SetUp]
    public async Task Start()
    {
        _folder = new TempFolder();
        _db = _folder.File("fuzz.db");
        _logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Information));
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero)));
        services.AddLearningBotCore();
        services.AddSqliteStorage(_db);
        services.AddSingleton<IPrivateLinks, FixedLinks>();
        _services = services.BuildServiceProvider();
        foreach (var initializer in _services.GetServices<IStorageInitializer>())
        {
            await initializer.InitializeAsync(default);
        }
    }

    [TearDown]
    public async Task Stop()
    {
        await _services.DisposeAsync();
        _folder.Dispose();
    }

    private Task<BotReply> SendAsync(string team, string user, string text, bool admin = false) =>
        _services.GetRequiredService<CommandPipeline>().HandleAsync(
            new IncomingMessage(team, user, user, text, Guid.NewGuid().ToString("N")) { IsTeamAdmin = admin }, default);

    [Test]
    public async Task Random_commands_never_fail_inside_and_a_rejected_command_stores_nothing()
    {
        var parser = new CommandParser();
        var inputs = HostileText.Sample(HostileText.Command, 250, seed: 8).Concat(HostileText.Sample(HostileText.Text, 100, seed: 9));
        var rejected = 0;
        foreach (var (text, i) in inputs.Select((t, i) => (t, i)))
        {
            var before = await SqliteRows.CountAsync(_db);
            var reply = await SendAsync("acme", i % 3 == 0 ? "UANN" : "UBO", text, admin: i % 2 == 0);
            var plain = PlainTextRenderer.Render(reply);
            Assert.That(plain, Does.Not.Contain("went wrong on my side"), $"the pipeline swallowed an exception for: {text}\n" + string.Join("\n", _logs.Errors));
            if (parser.Parse(text) is ParseFailure)
            {
                rejected++;
                Assert.That(reply.Kind, Is.EqualTo(ReplyKind.Error), text);
                Assert.That(await SqliteRows.CountAsync(_db), Is.EqualTo(before), $"a rejected command stored something: {text}");
            }
        }

        Assert.That(_logs.Errors, Is.Empty);
        // The generator must exercise both paths, or the property above says little.
        Assert.That(rejected, Is.InRange(30, 320));
    }

    [Test]
    public async Task Search_input_is_only_words_and_never_reaches_another_teams_records()
    {
        // The other team wrote every word the generator uses, plus FTS5 keywords and a marker only they know.
        const string everything = "rust postgres review kubernetes deploy keys how the NEAR AND OR NOT title text team_id";
        Assert.That(PlainTextRenderer.Render(await SendAsync("other", "UOTHER", $"share {Secret} {everything}? :: {Secret} {Hidden} {everything} #rust")),
            Does.Not.Contain("went wrong"));
        await SendAsync("other", "UOTHER", $"learned {Secret} {Hidden} {everything} #rust");
        await SendAsync("other", "UOTHER", $"kudos <@UOTHER2> for {Secret} {Hidden} {everything}");
        await SendAsync("acme", "UANN", "share how do we deploy rust? :: make deploy #rust");

        var index = _services.GetRequiredService<ISearchIndex>();
        var otherHits = await index.SearchAsync(new SearchQuery("other", Secret, [SearchKind.Knowledge, SearchKind.Learning, SearchKind.Kudos], 50), default);
        Assert.That(otherHits, Has.Count.GreaterThanOrEqualTo(2), "the other team's records are searchable in their own team");
        var otherIds = otherHits.Select(h => (h.Kind, h.Id)).ToHashSet();

        var queries = HostileText.Sample(HostileText.Text, 300, seed: 21)
            .Concat([Secret, $"{Secret}*", $"\"{Secret}\"", $"NEAR({Secret} rust)", $"- {Secret}", $"^{Secret}", $"team_key:other {Secret}",
                $"text:{Secret}", $"{{title text}}:{Secret}", $"(({Secret}", $"{Secret} OR team_key", "*", "\"", "\0", "\u202e" + Secret,
                $"{Secret} 😀 مرحبا", "team_key : other", "\" OR \"\" OR \"", "team_key"]);
        foreach (var query in queries)
        {
            foreach (var team in new[] { "acme", "nobody" })
            {
                var hits = await index.SearchAsync(new SearchQuery(team, query, [SearchKind.Knowledge, SearchKind.Learning, SearchKind.Kudos], 20), default);
                Assert.That(hits.Where(h => otherIds.Contains((h.Kind, h.Id))), Is.Empty, $"team {team} saw the other team's records for: {query}");
            }

            foreach (var command in new[] { "ask ", "who knows " })
            {
                var plain = PlainTextRenderer.Render(await SendAsync("acme", "UANN", command + query));
                Assert.That(plain, Does.Not.Contain(Hidden).IgnoreCase.And.Not.Contain("UOTHER").And.Not.Contain("went wrong"), command + query);
            }
        }

        Assert.That(_logs.Errors, Is.Empty);
    }

    [Test]
    public async Task Helped_with_another_teams_post_id_changes_nothing_there()
    {
        await SendAsync("other", "UOTHER", "share where are the keys? :: in the vault #ops");
        var post = (await _services.GetRequiredService<ISearchIndex>()
            .SearchAsync(new SearchQuery("other", "keys vault", [SearchKind.Knowledge], 5), default)).Single();
        var before = await SqliteRows.CountAsync(_db);

        var reply = PlainTextRenderer.Render(await SendAsync("acme", "UANN", "helped " + post.Id));

        Assert.That(reply, Does.Not.Contain("vault").And.Not.Contain("went wrong"));
        var after = await SqliteRows.CountAsync(_db);
        // Only acme's own rows may appear (the sender is remembered, the message id recorded); no vote, no post change.
        var changed = after.Where(kv => before.GetValueOrDefault(kv.Key) != kv.Value).Select(kv => kv.Key).ToList();
        Assert.That(changed, Is.SubsetOf(new[] { "members", "deliveries" }), string.Join(", ", changed));
    }
}
