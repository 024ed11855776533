using System.Text.RegularExpressions;
using LearningBot.Browser.Tests;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Prompts;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.AgentsPlayground.Tests;

/// <summary>
/// End to end through Microsoft's own Teams client emulator: the Agents Playground drives the real host's
/// <c>/api/messages</c> like Teams (personal chat, group chat, a team channel, the @-mention picker, Adaptive Card
/// buttons, the message extension), and Playwright drives the playground's UI in Debian's Chromium. One playground
/// and one page for the fixture (its conversations are stateful), steps in order. Screenshots go to
/// <c>artifacts/agents-playground/</c>. Nothing leaves loopback.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AgentsPlaygroundTests
{
    // The playground's built-in mock tenant (its default configuration): the signed-in user and one colleague.
    private const string AlexAadObjectId = "00000000-0000-0000-0000-0000000000020";
    private const string MeganAadObjectId = "00000000-0000-0000-0000-0000000000021";
    private const string TenantTeamId = "msteams:00000000-0000-0000-0000-0000000000001";
    private const string BotName = "Test Bot";

    private string _folder = null!;
    private BotHost _host = null!;
    private AgentsPlaygroundProcess _playground = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IPage _page = null!;
    private string _artifacts = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        var root = RepositoryRoot();
        _artifacts = Path.Combine(root, "artifacts", "agents-playground");
        Directory.CreateDirectory(_artifacts);
        _folder = Directory.CreateTempSubdirectory("learningbot-agents-playground-").FullName;
        _host = new BotHost(Path.Combine(_folder, "bot.db"), AlexAadObjectId);
        var endpoint = _host.Start();
        _playground = await AgentsPlaygroundProcess.StartAsync(Path.Combine(root, "tests", "LearningBot.AgentsPlayground.Tests", "node"), endpoint,
            _folder);
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
        _page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        _page.SetDefaultTimeout(20_000);
        await _page.GotoAsync(_playground.Url.ToString());
        await Expect(_page.GetByRole(AriaRole.Treeitem, new() { Name = "Personal Chat" })).ToBeVisibleAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_playground is not null)
        {
            await _playground.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [TearDown]
    public async Task Screenshot()
    {
        // Every step leaves a picture (a failing one too): the artifact a reviewer opens first.
        var name = Regex.Replace(TestContext.CurrentContext.Test.Name, "[^A-Za-z0-9_-]", "_");
        var path = Path.Combine(_artifacts, $"{name}.png");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path);
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            TestContext.Out.WriteLine(_playground.Output);
        }
    }

    [Test]
    [Order(1)]
    public async Task Personal_chat_help_learned_share_ask_and_this_helped()
    {
        await OpenAsync("Personal Chat");

        await SendAsync(Composer(), "help");
        await Expect(Card("What I can do")).ToBeVisibleAsync();

        await SendAsync(Composer(), "learned how to read flame graphs #perf 20m");
        await Expect(Card("Logged — nice one")).ToBeVisibleAsync();

        await SendAsync(Composer(), "share How do we rotate staging keys? :: run make rotate-keys, then restart the pods #ops");
        await Expect(Card("Shared answer saved")).ToBeVisibleAsync();

        await SendAsync(Composer(), "ask how do we rotate staging keys");
        var helped = _page.GetByRole(AriaRole.Button, new() { Name = "This helped" });
        await Expect(helped.Last).ToBeVisibleAsync();
        await helped.Last.ClickAsync();
        // The Agents Playground has one signed-in user, who shared the answer: their own vote is not counted (as kudos never thank
        // oneself), but it still closes their question.
        await Expect(Card("That's your own answer")).ToBeVisibleAsync();

        var learnings = await _host.Services.GetRequiredService<ILearningRepository>()
            .ListAsync(new LearningQuery(TenantTeamId, AlexAadObjectId, null, 5), default);
        Assert.That(learnings.Select(l => (l.Text, l.Minutes)), Is.EqualTo(new[] { ("how to read flame graphs", (int?)20) }));
        var helpful = await _host.Services.GetRequiredService<IKnowledgeRepository>().ListMostHelpfulAsync(TenantTeamId, 5, default);
        Assert.That(helpful.Single().HelpfulCount, Is.EqualTo(0));
        var asked = await _host.Services.GetRequiredService<IQuestionRepository>()
            .ListSinceAsync(TenantTeamId, DateTimeOffset.UtcNow.AddHours(-1), 5, default);
        Assert.That(asked.Single().Verdict, Is.EqualTo(AnswerVerdict.Helped));
    }

    [Test]
    [Order(2)]
    public async Task The_message_extension_search_finds_the_shared_answer()
    {
        await OpenAsync("Personal Chat");
        // The shared answer's question is on the page already (the share and ask cards): the search adds one more.
        var question = _page.GetByText("How do we rotate staging keys?", new() { Exact = true });
        var before = await question.CountAsync();

        await _page.GetByRole(AriaRole.Button, new() { Name = "Trigger Message Extension App" }).Last.ClickAsync();
        await _page.GetByRole(AriaRole.Menuitem, new() { Name = "Search Command" }).ClickAsync();
        // The playground does not read the manifest, so the command and its parameter are named by hand (as in manifest.json).
        await _page.GetByText("Specify Command ID or Parameter").ClickAsync();
        await _page.GetByPlaceholder("Command ID").FillAsync("searchAnswers");
        await _page.GetByPlaceholder("Parameter name").FillAsync("query");
        await _page.GetByPlaceholder("Enter a search term").FillAsync("rotate staging keys");
        await _page.GetByPlaceholder("Enter a search term").PressAsync("Enter");

        await Expect(question).ToHaveCountAsync(before + 1);
        await _page.GetByPlaceholder("Enter a search term").PressAsync("Escape");
    }

    [Test]
    [Order(3)]
    public async Task Group_chat_kudos_through_the_mention_picker_and_a_prompt_is_refused_with_what_to_do()
    {
        await OpenAsync("Group Chat");

        await Composer().ClickAsync();
        await MentionAsync(BotName);
        await _page.Keyboard.TypeAsync(" kudos ");
        await MentionAsync("Megan Bowen");
        await _page.Keyboard.TypeAsync(" for the onboarding guide #mentoring");
        await _page.Keyboard.PressAsync("Enter");
        await Expect(Card("Kudos!")).ToBeVisibleAsync();

        var gifts = await _host.Services.GetRequiredService<IKudosRepository>().ListSinceAsync(TenantTeamId, DateTimeOffset.MinValue, 5, default);
        Assert.That(gifts.Single().ReceiverIds, Is.EqualTo(new[] { MeganAadObjectId }), "Megan was credited by her Entra id");
        Assert.That(gifts.Single().Reason, Is.EqualTo("the onboarding guide"));

        await Composer().ClickAsync();
        await MentionAsync(BotName);
        await _page.Keyboard.TypeAsync(" prompt set mon 09:30 Europe/Berlin");
        await _page.Keyboard.PressAsync("Enter");
        await Expect(Card("this chat has no threads")).ToBeVisibleAsync();
    }

    [Test]
    [Order(4)]
    public async Task Channel_help_and_a_prompt_answered_with_a_mention_in_its_thread()
    {
        await OpenAsync("My Team - General");

        await NewPostAsync(" help");
        await Expect(Card("What I can do")).ToBeVisibleAsync();

        await NewPostAsync(" prompt set mon 09:30 Europe/Berlin");
        await Expect(Card("Standing-meeting prompt set")).ToBeVisibleAsync();
        await NewPostAsync(" prompt now");
        var promptThread = _page.Locator(".fui-Card").Filter(new() { HasText = "Learning minute" })
            .Filter(new() { Has = _page.GetByRole(AriaRole.Textbox) }).Last;
        await Expect(promptThread).ToBeVisibleAsync();

        await promptThread.GetByRole(AriaRole.Textbox).ClickAsync();
        await MentionAsync(BotName);
        await _page.Keyboard.TypeAsync(" I learned how to profile the API with dotnet-trace #perf 20m");
        await _page.Keyboard.PressAsync("Enter");
        await Expect(promptThread.GetByText("Added to this prompt's answers")).ToBeVisibleAsync();

        var answers = await _host.Services.GetRequiredService<ILearningRepository>()
            .ListAsync(new LearningQuery(TenantTeamId, AlexAadObjectId, null, 10), default);
        var answer = answers.Single(a => a.Text == "I learned how to profile the API with dotnet-trace");
        Assert.That((answer.Minutes, string.Join(",", answer.Tags)), Is.EqualTo(((int?)20, "perf")));
        Assert.That(answer.OccurrenceId, Is.Not.Null, "the answer is linked to the prompt's occurrence, so its digest shows it");
        var occurrence = await _host.Services.GetRequiredService<IPromptRepository>().GetOccurrenceAsync(answer.OccurrenceId!, default);
        Assert.That(occurrence?.TeamId, Is.EqualTo(TenantTeamId));
    }

    private async Task OpenAsync(string conversation)
    {
        var item = _page.GetByRole(AriaRole.Treeitem, new() { Name = conversation, Exact = true });
        await item.ClickAsync();
        // A channel shows its "new post" box; a chat its single composer.
        await Expect(conversation.StartsWith("My Team", StringComparison.Ordinal)
            ? _page.GetByRole(AriaRole.Button, new() { Name = "Post", Exact = true })
            : Composer()).ToBeVisibleAsync();
    }

    private ILocator Composer() => _page.GetByRole(AriaRole.Textbox).Last;

    /// <summary>The newest message card containing the text (Adaptive Cards render with the class <c>ac-adaptiveCard</c>).</summary>
    private ILocator Card(string text) => _page.Locator(".ac-adaptiveCard").Filter(new() { HasText = text }).Last;

    private async Task SendAsync(ILocator composer, string text)
    {
        await composer.ClickAsync();
        await _page.Keyboard.TypeAsync(text);
        await _page.Keyboard.PressAsync("Enter");
    }

    /// <summary>Types "@" and picks the person (or the bot) from the playground's mention picker.</summary>
    private async Task MentionAsync(string name)
    {
        await _page.Keyboard.TypeAsync("@");
        await _page.GetByRole(AriaRole.Menuitem, new() { Name = name }).ClickAsync(); // its name also holds the avatar's label
    }

    /// <summary>A new channel post that mentions the bot, then the text.</summary>
    private async Task NewPostAsync(string text)
    {
        var newPost = _page.Locator(".fui-Card").Filter(new() { Has = _page.GetByRole(AriaRole.Button, new() { Name = "Post", Exact = true }) });
        await newPost.GetByRole(AriaRole.Textbox).ClickAsync();
        await MentionAsync(BotName);
        await _page.Keyboard.TypeAsync(text);
        await newPost.GetByRole(AriaRole.Button, new() { Name = "Post", Exact = true }).ClickAsync();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LearningBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LearningBot.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
