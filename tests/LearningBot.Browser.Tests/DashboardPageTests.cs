using LearningBot.Core.Insights;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LearningBot.Browser.Tests;

/// <summary>
/// The team dashboard in Debian's Chromium after a scripted week of activity: charts drawn with the right
/// numbers, names that can be hidden, another team's member refused, and a screenshot as an artifact.
/// </summary>
[TestFixture]
public sealed class DashboardPageTests
{
    private const string Team = "playground:acme";
    private string directory = null!;
    private PlaygroundServer server = null!;
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    [OneTimeSetUp]
    public async Task StartHostBrowserAndScriptAWeek()
    {
        directory = Path.Combine(Path.GetTempPath(), "learningbot-browser-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        server = new PlaygroundServer(Path.Combine(directory, "dashboard.db"));
        server.Start();
        playwright = await Playwright.CreateAsync();
        browser = await DebianChromium.LaunchAsync(playwright);
        await ScriptAWeekAsync(server.Services);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
        await server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // left to the OS temp cleaner
        }
    }

    /// <summary>
    /// This week: Ann logs two learnings (30m, 15m), Bo one (a prompt answer); three kudos; Dee shares an answer;
    /// two questions, one answered. Last week: Cy logs one learning and Ann thanks Cy. Four members.
    /// </summary>
    private static async Task ScriptAWeekAsync(IServiceProvider services)
    {
        var now = DateTimeOffset.UtcNow;
        var thisWeek = now.AddMinutes(-1);
        var lastWeek = TeamClock.StartOfWeek(now, TimeZoneInfo.Utc).AddDays(-2);
        var members = services.GetRequiredService<IMemberRepository>();
        foreach (var (id, name) in new[] { ("ann", "Ann"), ("bo", "Bo"), ("cy", "Cy"), ("dee", "Dee") })
        {
            await members.UpsertAsync(new Member(Team, id, name), default);
        }

        var learnings = services.GetRequiredService<ILearningRepository>();
        var n = 0;
        async Task Learn(string user, string text, DateTimeOffset at, int? minutes, string tag, string? occurrence = null) =>
            await learnings.AddAsync(new LearningEntry($"l{++n}", Team, user, text, [tag], minutes, at, $"k{n}") { OccurrenceId = occurrence }, default);
        await Learn("ann", "kubernetes probes", thisWeek, 30, "k8s");
        await Learn("ann", "kubernetes requests and limits", thisWeek, 15, "k8s");
        await Learn("bo", "pod disruption budgets", thisWeek, null, "k8s", occurrence: "occurrence-1");
        await Learn("cy", "go generics", lastWeek, 60, "go");

        var kudos = services.GetRequiredService<IKudosRepository>();
        var budget = new KudosBudget(50, lastWeek.AddDays(-7));
        async Task Thank(string giver, string receiver, DateTimeOffset at) =>
            await kudos.GiveAsync(new KudosGift($"g{++n}", Team, giver, [receiver], "help", null, at, $"k{n}"), budget, default);
        await Thank("ann", "bo", thisWeek);
        await Thank("bo", "ann", thisWeek);
        await Thank("cy", "bo", thisWeek);
        await Thank("ann", "cy", lastWeek);

        await services.GetRequiredService<IKnowledgeRepository>().AddAsync(
            new KnowledgePost("p1", Team, "dee", "How do probes work?", "Liveness restarts, readiness routes", ["k8s"], thisWeek, "kp1"), default);
        var questions = services.GetRequiredService<IQuestionRepository>();
        await questions.AddAsync(new AskedQuestion("q1", Team, "cy", "how do probes work", true, thisWeek, "kq1"), default);
        await questions.AddAsync(new AskedQuestion("q2", Team, "cy", "where is the vpn config", false, thisWeek, "kq2"), default);

        await members.UpsertAsync(new Member("playground:globex", "mallory", "Mallory"), default);
    }

    private async Task<IPage> SignedInPageAsync(string team, string user, int width = 1280, int height = 1400)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ReducedMotion = ReducedMotion.Reduce,
        });
        var page = await context.NewPageAsync();
        // Script errors and failed requests go to the test log, so a page that never settles says why.
        page.PageError += (_, error) => TestContext.Progress.WriteLine("page error: " + error);
        page.Console += (_, message) => TestContext.Progress.WriteLine($"console {message.Type}: {message.Text}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                TestContext.Progress.WriteLine($"HTTP {response.Status}: {response.Url}");
            }
        };
        await page.GotoAsync(server.Services.GetRequiredService<IPrivateLinks>().Dashboard(team, user));
        return page;
    }

    [Test]
    public async Task The_charts_show_the_weeks_numbers_and_names_can_be_hidden()
    {
        var page = await SignedInPageAsync(Team, "ann");
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await Expect(page.Locator("#dashboard")).ToHaveAttributeAsync("aria-busy", "false");

        Assert.That(page.Url, Does.EndWith("/dashboard/playground%3Aacme"));
        await Expect(page.Locator("#team-name")).ToHaveTextAsync("acme");
        await Expect(page.Locator("#kpi-participation")).ToHaveTextAsync("50%"); // Ann and Bo of four
        await Expect(page.Locator("#kpi-learnings")).ToHaveTextAsync("4");
        await Expect(page.Locator("#kpi-spread")).ToHaveTextAsync("75%"); // Bo, Ann and Cy received kudos
        await Expect(page.Locator("#kpi-answered")).ToHaveTextAsync("50%");

        var learningsPerWeek = await page.EvaluateAsync<int[]>("Chart.getChart(document.getElementById('chart-learnings')).data.datasets[0].data");
        var participation = await page.EvaluateAsync<int[]>("Chart.getChart(document.getElementById('chart-learnings')).data.datasets[1].data");
        var kudosPerWeek = await page.EvaluateAsync<int[]>("Chart.getChart(document.getElementById('chart-kudos')).data.datasets[0].data");
        var promptAnswers = await page.EvaluateAsync<int[]>("Chart.getChart(document.getElementById('chart-prompts')).data.datasets[0].data");
        Assert.That(learningsPerWeek, Has.Length.EqualTo(12));
        Assert.That(learningsPerWeek[^2..], Is.EqualTo(new[] { 1, 3 }));
        Assert.That(learningsPerWeek[..^2], Has.All.EqualTo(0));
        Assert.That(participation[^2..], Is.EqualTo(new[] { 25, 50 }));
        Assert.That(kudosPerWeek[^2..], Is.EqualTo(new[] { 1, 3 }));
        Assert.That(promptAnswers[^1], Is.EqualTo(1));

        var lastRow = await page.Locator("#table-learnings tr").Last.Locator("td").AllTextContentsAsync();
        Assert.That(lastRow[0], Does.Match(@"^\d{4}-\d{2}-\d{2}$"));
        Assert.That(lastRow.Skip(1), Is.EqualTo(new[] { "3", "2", "50%", "45" }));
        await Expect(page.Locator("#unanswered li")).ToHaveTextAsync(["where is the vpn config (asked 1×)"]);
        await Expect(page.Locator("#table-tags tr").Nth(1).Locator("td")).ToHaveTextAsync(["#k8s", "4", "Ann"]);
        await Expect(page.Locator("#network circle")).ToHaveCountAsync(3);
        await Expect(page.Locator("#network text")).ToContainTextAsync(["Ann", "Bo", "Cy"]);

        await page.Locator("#show-names").UncheckAsync();
        await Expect(page.Locator("#network text").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Person \\d$"));
        Assert.That(await page.Locator("body").InnerTextAsync(), Does.Not.Contain("Ann"));
        await page.Locator("#show-names").CheckAsync();
        await Expect(page.Locator("#network text").First).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Person"));

        await AttachScreenshotAsync(page, "dashboard");
        Assert.That(errors, Is.Empty);
    }

    [Test]
    public async Task The_personal_page_shows_what_me_shows_in_chat()
    {
        var page = await SignedInPageAsync(Team, "ann");
        await page.GotoAsync(server.Services.GetRequiredService<IPrivateLinks>().Personal(Team, "ann"));

        await Expect(page.Locator("#me")).ToHaveAttributeAsync("aria-busy", "false");
        Assert.That(page.Url, Does.EndWith("/me"));
        await Expect(page.Locator("#me h3")).ToHaveTextAsync("Ann's learning");
        await Expect(page.Locator("#me dd").First).ToHaveTextAsync("2 in all · 2 this month");
        await Expect(page.Locator("#me")).ToContainTextAsync("@Bo: help");
        await Expect(page.Locator("#team-link")).ToHaveAttributeAsync("href", "/dashboard/playground%3Aacme");
    }

    [Test]
    public async Task A_member_of_another_team_is_refused()
    {
        var page = await SignedInPageAsync("playground:globex", "mallory");

        var response = await page.GotoAsync("/dashboard/" + Uri.EscapeDataString(Team));
        var api = await page.APIRequest.GetAsync("/api/dashboard/" + Uri.EscapeDataString(Team));

        Assert.That(response!.Status, Is.EqualTo(403));
        await Expect(page.Locator("h1")).ToHaveTextAsync("This dashboard belongs to another team");
        Assert.That(api.Status, Is.EqualTo(403));
        Assert.That(await api.TextAsync(), Does.Not.Contain("kubernetes"));
    }

    [Test]
    public async Task Without_a_link_nobody_gets_in()
    {
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var address = server.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single();

        var response = await page.GotoAsync(address + "/dashboard/" + Uri.EscapeDataString(Team));

        Assert.That(response!.Status, Is.EqualTo(401));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in through LearningBot");
    }

    [Test]
    public async Task The_dashboard_is_readable_on_a_phone()
    {
        var page = await SignedInPageAsync(Team, "ann", width: 390, height: 844);
        await Expect(page.Locator("#dashboard")).ToHaveAttributeAsync("aria-busy", "false");

        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > document.documentElement.clientWidth");

        Assert.That(overflow, Is.False, "no sideways scrolling on a 390 px screen");
        await AttachScreenshotAsync(page, "phone");
    }

    private static async Task AttachScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"dashboard-{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, $"The team dashboard ({name})");
        if (name == "dashboard" && Environment.GetEnvironmentVariable(PlaygroundPageTests.ReadmeScreenshotVariable) == "1")
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "LearningBot.sln")))
            {
                root = Path.GetDirectoryName(root)!;
            }

            File.Copy(path, Path.Combine(root, "docs", "images", "dashboard.png"), overwrite: true);
        }
    }
}
