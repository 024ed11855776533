namespace LearningBot.Browser.Tests;

/// <summary>
/// Launches the distribution's Chromium (installed by scripts/install-test-deps.sh), never a browser
/// downloaded by <c>playwright install</c>: this network has no route to Playwright's CDN.
/// </summary>
public static class DebianChromium
{
    /// <summary>Overridable for machines that keep Chromium elsewhere (e.g. a developer's Mac).</summary>
    public const string PathVariable = "LEARNINGBOT_CHROMIUM";

    public const string DefaultPath = "/usr/bin/chromium";

    // Without the background-networking flags Chromium keeps dialling Google services, which on a
    // closed network means a stream of refused connections and slower start-up.
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : DefaultPath;

    /// <summary>Fails (never skips) when Chromium is missing, so a machine without it cannot report green.</summary>
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        var path = ExecutablePath;
        if (!File.Exists(path))
        {
            Assert.Fail($"Chromium was not found at {path}. The browser tests need Debian's chromium package: " +
                        $"run ./scripts/install-test-deps.sh (or `apt-get install -y chromium` as root), or set {PathVariable} " +
                        "to a Chromium binary. Do not use `playwright install`.");
        }

        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = Flags,
            Timeout = 20_000,
        });
    }
}
