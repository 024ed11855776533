using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LearningBot.Teams.Tests;

/// <summary>
/// Runs the Node checks in <c>node/</c> (the official adaptivecards library, the Teams manifest JSON schema).
/// Their npm packages are installed by scripts/install-test-deps.sh (npm ci, pinned by package-lock.json).
/// </summary>
public static class NodeChecks
{
    public static string Folder { get; } = FindFolder();

    /// <summary>Fails the test with the library's own messages when any card is not valid Adaptive Card JSON ≤ 1.5.</summary>
    public static async Task AssertValidCardsAsync(IEnumerable<JsonObject> cards)
    {
        var list = new JsonArray(cards.Select(c => (JsonNode)c.DeepClone()).ToArray());
        Assert.That(list, Is.Not.Empty, "no card to validate");
        var file = Path.Combine(Path.GetTempPath(), $"learningbot-cards-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, list.ToJsonString());
        try
        {
            var (exitCode, output) = await RunAsync("check-cards.js", file);
            Assert.That(exitCode, Is.Zero, "Adaptive Card validation failed:\n" + output + "\n" + list.ToJsonString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string script, params string[] arguments)
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules")))
        {
            Assert.Fail($"The Node test dependencies are missing in {Folder}: run scripts/install-test-deps.sh (npm ci).");
        }

        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "LearningBot.Teams.Tests", "node");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/LearningBot.Teams.Tests/node not found above " + AppContext.BaseDirectory);
    }

    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(Folder, "..", "..", ".."));
}
