using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using LearningBot.Storage.Cosmos;
using LearningBot.Tests.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Web;

/// <summary>
/// The web host with <c>Storage__Provider=Cosmos</c> against a Cosmos server: the playground flow end to
/// end, and what each command path costs in request units.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CosmosPlaygroundTests
{
    private CosmosTestTarget _target = null!;
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartHost()
    {
        _target = CosmosTestTarget.FindOrIgnore();
        var database = $"lbweb-{Guid.NewGuid():N}"[..20];
        // The local server has no full-text search, so the host uses the CONTAINS fallback there.
        var search = _target.IsLocalServer ? CosmosSearchMode.Contains : CosmosSearchMode.FullText;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Storage:Provider", "Cosmos");
            builder.UseSetting("Storage:Cosmos:Endpoint", _target.Endpoint);
            builder.UseSetting("Storage:Cosmos:Key", _target.Key);
            builder.UseSetting("Storage:Cosmos:Database", database);
            builder.UseSetting("Storage:Cosmos:ConnectionMode", _target.ConnectionMode.ToString());
            builder.UseSetting("Storage:Cosmos:LimitToEndpoint", _target.LimitToEndpoint.ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Storage:Cosmos:Search", search.ToString());
            builder.UseSetting("Playground:Enabled", "true");
            // No background polling: every request the meter sees during a command belongs to that command.
            builder.UseSetting("Scheduler:Enabled", "false");
        });
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        if (_factory is null)
        {
            return;
        }

        await _factory.Services.GetRequiredService<CosmosStore>().DeleteDatabaseAsync(default);
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Test]
    public async Task Readiness_reports_cosmos_healthy()
    {
        using var response = await _client.GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), body);
        Assert.That(body, Does.Contain("Cosmos DB database"));
    }

    [Test]
    public async Task Learned_kudos_share_and_ask_work_end_to_end_on_cosmos()
    {
        var team = "e2e-" + Guid.NewGuid().ToString("N")[..8];

        var learned = await PostAsync(team, "ann", "learned how to read EXPLAIN plans #postgres 30m");
        Assert.That(learned.Text, Does.Contain("Logged — nice one, ann!"));
        Assert.That(learned.Text, Does.Contain("how to read EXPLAIN plans"));

        await PostAsync(team, "bo", "help"); // the team has met bo (a name never seen is confirmed first)
        var kudos = await PostAsync(team, "ann", "kudos @bo for walking me through the incident review #mentoring");
        Assert.That(kudos.Text, Does.Contain("🎉 Kudos!"));
        Assert.That(kudos.Text, Does.Contain("4 of 5 kudos left this week"));
        Assert.That(kudos.DirectMessageCount, Is.EqualTo(1));

        var share = await PostAsync(team, "bo", "share How do I rotate the staging keys? :: Run make rotate-keys from the ops repo #ops");
        Assert.That(share.Text, Does.Contain("📌 Shared answer saved"));

        var ask = await PostAsync(team, "cy", "ask how do we rotate staging keys");
        Assert.That(ask.Text, Does.Contain("What the team wrote about"));
        Assert.That(ask.Text, Does.Contain("How do I rotate the staging keys?"));
        Assert.That(ask.Text, Does.Contain("Shared answer by bo"));

        var again = await PostAsync(team, "ann", "kudos @bo for walking me through the incident review #mentoring", messageId: "m-1");
        var redelivered = await PostAsync(team, "ann", "kudos @bo for walking me through the incident review #mentoring", messageId: "m-1");
        Assert.That(again.Redelivery, Is.False);
        Assert.That(redelivered.Redelivery, Is.True);
        Assert.That(redelivered.Text, Does.Contain("3 of 5 kudos left this week"), "a redelivery spends nothing");
    }

    /// <summary>
    /// Each command's request-unit budget on the real service and its round trips on the local server (Contains search;
    /// on a real account a ranked search adds a query plan and a statistics request), as justified in docs/storage.md
    /// ("Request charges"): Microsoft's published costs (1 KB point read 1 RU, 1 KB insert about 5 RU, a replace or patch
    /// of an indexed document about twice that, a single-partition indexed query about 3 RU) applied to what each command does.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, (double RequestUnits, int Requests)> Budgets = new Dictionary<string, (double, int)>
    {
        ["learned"] = (15, 4), // create the learning (full-text indexed) + this week's aggregate (query plan + query) + the streak's first 6 weeks
        ["kudos"] = (20, 2), // conditional patch of the budget (billed like a replace) + create the gift
        ["share"] = (25, 4), // create the post and its review entry; the sharer's DM conversation (read + write, once an hour per instance)
        ["ask"] = (18, 4), // ranked full-text query (statistics + query) + the shown answers' review state (one query) + the team's recent questions (grouping by meaning, one query) + create the question
        ["digest"] = (10, 2), // the week's learnings and kudos: two queries
    };

    /// <summary>
    /// Each command path's cost, read from the responses' x-ms-request-charge (summed by the client's
    /// <see cref="CosmosRequestMeter"/>), measured once the team and its people are known (the steady state), against
    /// its budget. The local test server charges 1 RU for every request, so there only the round trips are checked;
    /// with LEARNINGBOT_TEST_COSMOS_ENDPOINT/_KEY the request units are.
    /// </summary>
    [Test]
    public async Task Every_command_path_stays_within_its_request_unit_budget()
    {
        var team = "ru-" + Guid.NewGuid().ToString("N")[..8];
        var meter = _factory.Services.GetRequiredService<CosmosStore>().Meter;
        // Warm up: the first message of each person writes their member document once per process.
        await PostAsync(team, "ann", "help");
        await PostAsync(team, "bo", "help");
        await PostAsync(team, "ann", "kudos @bo for the warm-up");

        var commands = new (string Path, string User, string Text)[]
        {
            ("learned", "ann", "learned how to read EXPLAIN plans #postgres 30m"),
            ("kudos", "ann", "kudos @bo for pairing on the flaky test #mentoring"),
            ("share", "bo", "share How do I rotate the staging keys? :: Run make rotate-keys from the ops repo #ops"),
            ("ask", "ann", "ask how do we rotate staging keys"),
            ("digest", "bo", "digest"),
        };
        var report = new List<string>();
        var charges = new Dictionary<string, CosmosCharge>();
        foreach (var (path, user, text) in commands)
        {
            var before = meter.Total;
            var reply = await PostAsync(team, user, text);
            var charge = meter.Total - before;
            var requests = meter.Recent.TakeLast(charge.Requests)
                .Select(r => $"{r.Method} {System.Text.RegularExpressions.Regex.Replace(r.Resource, "^.*/colls/", string.Empty)} → {r.StatusCode} ({r.RequestUnits:0.##} RU)");
            Assert.That(reply.Text, Does.Not.Contain("Something went wrong"), path);
            charges[path] = charge;
            var budget = Budgets[path];
            report.Add($"{path}: {charge.RequestUnits:0.##} RU of a {budget.RequestUnits} RU budget, {charge.Requests} requests: " +
                       string.Join("; ", requests));
        }

        TestContext.Out.WriteLine($"Cosmos request charge per command ({(_target.IsLocalServer ? "local test server: 1 RU per request" : _target.Endpoint)}):");
        report.ForEach(line => TestContext.Out.WriteLine("  " + line));
        Assert.Multiple(() =>
        {
            foreach (var (path, charge) in charges)
            {
                if (_target.IsLocalServer)
                {
                    Assert.That(charge.Requests, Is.LessThanOrEqualTo(Budgets[path].Requests), $"{path}: round trips");
                }
                else
                {
                    Assert.That(charge.RequestUnits, Is.LessThanOrEqualTo(Budgets[path].RequestUnits), $"{path}: request units");
                }
            }
        });
    }

    private async Task<PlaygroundResult> PostAsync(string team, string user, string text, string? messageId = null)
    {
        using var response = await _client.PostAsJsonAsync("/api/playground", new { team, user, text, messageId });
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, body);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return new PlaygroundResult(root.GetProperty("text").GetString()!, root.GetProperty("redelivery").GetBoolean(),
            root.GetProperty("directMessages").GetArrayLength());
    }

    private sealed record PlaygroundResult(string Text, bool Redelivery, int DirectMessageCount);
}
