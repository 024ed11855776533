using static Microsoft.Playwright.Assertions;

namespace LearningBot.Browser.Tests;

/// <summary>
/// The playground page in a real Chromium against the real web host and a real SQLite file:
/// what a newcomer sees when they first try LearningBot.
/// </summary>
[TestFixture]
[Category("Browser")]
public sealed class PlaygroundPageTests
{
    /// <summary>Set to 1 to also write the README's screenshot (docs/images/playground.png).</summary>
    public const string ReadmeScreenshotVariable = "LEARNINGBOT_README_SCREENSHOT";

    private string directory = null!;
    private string databasePath = null!;
    private PlaygroundServer? server;
    private Uri baseAddress = null!;
    private IPlaywright? playwright;
    private IBrowser? browser;
    private IBrowserContext? context;
    private IPage page = null!;
    private readonly List<string> dialogs = [];
    private readonly List<string> pageErrors = [];

    [OneTimeSetUp]
    public async Task StartHostAndBrowser()
    {
        directory = Path.Combine(Path.GetTempPath(), "learningbot-browser-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        databasePath = Path.Combine(directory, "playground.db");
        server = new PlaygroundServer(databasePath);
        baseAddress = server.Start();

        playwright = await Playwright.CreateAsync();
        browser = await DebianChromium.LaunchAsync(playwright);
    }

    [OneTimeTearDown]
    public async Task StopHostAndBrowser()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
        if (server is not null) await server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the OS temp cleaner; it must not fail the run.
        }
    }

    [SetUp]
    public async Task OpenPage()
    {
        dialogs.Clear();
        pageErrors.Clear();
        context = await browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1200, Height = 800 },
            Locale = "en-GB",
            TimezoneId = "UTC",
            // The page turns off its fade-in and smooth scrolling for this, so screenshots show settled content.
            ReducedMotion = ReducedMotion.Reduce,
        });
        page = await context.NewPageAsync();
        // An alert() would mean typed text ran as script; dismiss it so the test can report it.
        page.Dialog += (_, dialog) => { dialogs.Add(dialog.Message); _ = dialog.DismissAsync(); };
        page.PageError += (_, error) => pageErrors.Add(error);
        await page.GotoAsync("/");
    }

    [TearDown]
    public async Task ClosePage()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            await AttachScreenshotAsync("failure");
        }

        if (context is not null) await context.CloseAsync();
    }

    [Test]
    public async Task A_short_conversation_renders_each_reply_as_a_card()
    {
        await SetIdentityAsync(team: "acme", user: "ann");

        var learned = await SendAsync("learned how EXPLAIN ANALYZE shows where a Postgres query spends its time #postgres 30m");
        await Expect(learned.Locator(".card h3")).ToHaveTextAsync("Logged — nice one, ann!");
        await Expect(learned.Locator(".card .badge")).ToHaveTextAsync(PrivateBadge);
        await Expect(learned.Locator(".card")).ToContainTextAsync("how EXPLAIN ANALYZE shows where a Postgres query spends its time");
        await Expect(learned.Locator(".card dd")).ToContainTextAsync(["#postgres", "30m"]);

        var share = await SendAsync("share How do I rotate the staging keys? :: Run make rotate-keys in the ops repo, then restart the API pods #ops");
        await Expect(share.Locator(".card h3")).ToHaveTextAsync("📌 Shared answer saved");
        await Expect(share.Locator(".card .badge")).ToHaveTextAsync(ChannelBadge);
        await Expect(share.Locator(".card")).ToContainTextAsync("Run make rotate-keys in the ops repo");

        // Someone else on the team finds the answer...
        await SetIdentityAsync(team: "acme", user: "bo");
        var ask = await SendAsync("ask how do I rotate staging keys");
        await Expect(ask.Locator(".card")).ToHaveAttributeAsync("data-kind", "searchResults");
        await Expect(ask.Locator(".card .badge")).ToHaveTextAsync(PrivateBadge);
        await Expect(ask.Locator(".card h3")).ToContainTextAsync("rotate staging keys");
        var hit = ask.Locator(".card li").First;
        await Expect(hit).ToContainTextAsync("How do I rotate the staging keys?");
        await Expect(hit).ToContainTextAsync("Shared answer by ann");

        // ...and thanks its author, who also gets a direct message.
        var kudos = await SendAsync("kudos @ann for writing down the key rotation steps #documentation");
        await Expect(kudos.Locator(".card")).ToHaveAttributeAsync("data-kind", "kudos");
        await Expect(kudos.Locator(".card h3")).ToHaveTextAsync("🎉 Kudos!");
        await Expect(kudos.Locator(".card .badge")).ToHaveTextAsync(ChannelBadge);
        await Expect(kudos.Locator(".card .mention")).ToHaveTextAsync(["@bo", "@ann"]);
        await Expect(kudos.Locator(".card")).ToContainTextAsync("writing down the key rotation steps");
        await Expect(kudos.Locator(".dm")).ToHaveCountAsync(1);
        await Expect(kudos.Locator(".dm .dm-title")).ToHaveTextAsync("Direct message to @ann");
        await Expect(kudos.Locator(".dm")).ToContainTextAsync("@bo gave you kudos for writing down the key rotation steps");

        await AttachScreenshotAsync("conversation");

        // The search result's button runs its command through the same pipeline.
        var repliesBefore = await BotMessages.CountAsync();
        await ask.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "This helped" }).ClickAsync();
        await Expect(BotMessages).ToHaveCountAsync(repliesBefore + 1);
        await Expect(UserMessages.Last).ToContainTextAsync("Pressed “This helped");
        await Expect(BotMessages.Last.Locator(".card")).ToContainTextAsync("Glad it helped!");

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(databasePath), Is.True, "the host should store in the configured SQLite file");
            Assert.That(new FileInfo(databasePath).Length, Is.GreaterThan(0));
            Assert.That(pageErrors, Is.Empty, "script errors on the page");
        });
    }

    [Test]
    public async Task Html_typed_into_a_command_is_shown_as_text_not_rendered()
    {
        await SetIdentityAsync(team: "xss", user: "mallory");
        const string Payload = "<img src=x onerror=alert(1)>";

        var learned = await SendAsync($"learned {Payload} #xss");
        await Expect(learned.Locator(".card strong")).ToHaveTextAsync(Payload);
        await Expect(UserMessages.Last.Locator(".body")).ToHaveTextAsync($"learned {Payload} #xss");

        var share = await SendAsync("share <b>Is this bold?</b> :: <script>alert(2)</script> #xss");
        await Expect(share.Locator(".card")).ToContainTextAsync("<b>Is this bold?</b>");
        await Expect(share.Locator(".card")).ToContainTextAsync("<script>alert(2)</script>");

        var ask = await SendAsync("ask bold");
        await Expect(ask.Locator(".card li").First).ToContainTextAsync("<b>Is this bold?</b>");

        Assert.Multiple(async () =>
        {
            Assert.That(await page.Locator("#log img").CountAsync(), Is.Zero, "an <img> typed by a user became an element");
            Assert.That(await page.Locator("#log script").CountAsync(), Is.Zero, "a <script> typed by a user became an element");
            Assert.That(await page.Locator("#log b").CountAsync(), Is.Zero, "a <b> typed by a user became an element");
            Assert.That(dialogs, Is.Empty, "typed text ran as script");
            Assert.That(pageErrors, Is.Empty, "script errors on the page");
        });
    }

    [Test]
    public async Task Mistakes_get_a_private_error_card_and_nothing_breaks()
    {
        await SetIdentityAsync(team: "oops", user: "cy");

        var unknown = await SendAsync("dance");
        await Expect(unknown.Locator(".card")).ToHaveAttributeAsync("data-kind", "error");
        await Expect(unknown.Locator(".card .badge")).ToHaveTextAsync(PrivateBadge);
        await Expect(unknown.Locator(".card")).ToContainTextAsync("I don't know the command \"dance\" yet.");

        // A team name the API refuses: the page shows the server's reason instead of failing silently.
        await SetIdentityAsync(team: "no spaces allowed", user: "cy");
        var refused = await SendAsync("help");
        await Expect(refused.Locator(".card")).ToHaveAttributeAsync("data-kind", "error");
        await Expect(refused.Locator(".card")).ToContainTextAsync("A team name of 1–40 letters");

        // Blank input sends nothing.
        var before = await BotMessages.CountAsync();
        await Composer.FillAsync("   ");
        await Composer.PressAsync("Enter");
        await Expect(UserMessages).ToHaveCountAsync(2);
        Assert.That(await BotMessages.CountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_new_name_is_confirmed_with_a_button_before_kudos_are_given()
    {
        await SetIdentityAsync(team: "newbies", user: "fay");

        var asked = await SendAsync("kudos @gus for the onboarding notes");
        await Expect(asked.Locator(".card")).ToHaveAttributeAsync("data-kind", "error");
        await Expect(asked.Locator(".card")).ToContainTextAsync("I haven't met @gus in newbies yet");
        var repliesBefore = await BotMessages.CountAsync();
        await asked.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Yes, @gus is new here" }).ClickAsync();

        await Expect(BotMessages).ToHaveCountAsync(repliesBefore + 1);
        await Expect(BotMessages.Last.Locator(".card")).ToHaveAttributeAsync("data-kind", "kudos");
        await Expect(BotMessages.Last.Locator(".card .mention")).ToHaveTextAsync(["@fay", "@gus"]);
    }

    [Test]
    public async Task Example_commands_fill_the_composer_from_the_keyboard()
    {
        await SetIdentityAsync(team: "keys", user: "dee");
        var help = page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "See every command" });
        await help.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(Composer).ToHaveValueAsync("help");
        await Expect(Composer).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("Enter");
        await Expect(BotMessages).ToHaveCountAsync(1);
        await Expect(BotMessages.Last.Locator(".card")).ToHaveAttributeAsync("data-kind", "help");
        await Expect(BotMessages.Last.Locator(".card")).ToContainTextAsync("kudos");
    }

    [Test]
    public async Task Every_control_has_an_accessible_name()
    {
        await Expect(page.GetByRole(AriaRole.Textbox, new PageGetByRoleOptions { Name = "Team", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Textbox, new PageGetByRoleOptions { Name = "You are", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Checkbox, new PageGetByRoleOptions { Name = "Team admin", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Textbox, new PageGetByRoleOptions { Name = "Command", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Send", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Log, new PageGetByRoleOptions { Name = "Conversation" })).ToBeVisibleAsync();

        var unnamed = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll("input, button, select, textarea")]
              .filter(e => !(e.labels?.length || e.getAttribute("aria-label") || e.getAttribute("aria-labelledby") || e.textContent.trim()))
              .map(e => e.outerHTML)
            """);
        Assert.That(unnamed, Is.Empty, "controls without a label");
    }

    [Test]
    public async Task The_page_works_on_a_narrow_screen()
    {
        await page.SetViewportSizeAsync(420, 860);
        await SetIdentityAsync(team: "phone", user: "eve");
        var reply = await SendAsync("help");
        await Expect(reply.Locator(".card")).ToBeInViewportAsync();
        await Expect(Composer).ToBeInViewportAsync();
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.That(overflow, Is.False, "the page scrolls sideways on a narrow screen");
    }

    private const string PrivateBadge = "Only visible to you";
    private const string ChannelBadge = "Posted to the channel";

    private ILocator Composer => page.GetByLabel("Command", new PageGetByLabelOptions { Exact = true });

    private ILocator BotMessages => page.Locator("#log .msg.bot");

    private ILocator UserMessages => page.Locator("#log .msg.user");

    private async Task SetIdentityAsync(string team, string user)
    {
        await page.GetByLabel("Team", new PageGetByLabelOptions { Exact = true }).FillAsync(team);
        await page.GetByLabel("You are", new PageGetByLabelOptions { Exact = true }).FillAsync(user);
    }

    /// <summary>Types a command, presses Enter and returns the bot's answer to it.</summary>
    private async Task<ILocator> SendAsync(string command)
    {
        var before = await BotMessages.CountAsync();
        await Composer.FillAsync(command);
        await Composer.PressAsync("Enter");
        await Expect(BotMessages).ToHaveCountAsync(before + 1);
        return BotMessages.Nth(before);
    }

    private async Task AttachScreenshotAsync(string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{TestContext.CurrentContext.Test.MethodName}-{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled });
        TestContext.AddTestAttachment(path, $"The playground page ({name})");

        if (name == "conversation" && Environment.GetEnvironmentVariable(ReadmeScreenshotVariable) == "1")
        {
            var readmeImage = Path.Combine(RepositoryRoot(), "docs", "images", "playground.png");
            Directory.CreateDirectory(Path.GetDirectoryName(readmeImage)!);
            File.Copy(path, readmeImage, overwrite: true);
            TestContext.Progress.WriteLine($"README screenshot written to {readmeImage}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "LearningBot.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("LearningBot.sln not found above " + AppContext.BaseDirectory);
    }
}
