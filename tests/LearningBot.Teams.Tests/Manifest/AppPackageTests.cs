using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using LearningBot.Core.Commands;
using LearningBot.Teams.MessageExtensions;

namespace LearningBot.Teams.Tests.Manifest;

/// <summary>Builds the app package with scripts/teams-package.sh and checks what Teams checks on upload.</summary>
[TestFixture]
public sealed class AppPackageTests
{
    private const string AppId = "1e6a2a8e-1111-4222-8333-444455556666";
    private const string BotId = "3f1c2b9e-5d4a-4e8f-9a7b-1c2d3e4f5a6b";

    private TempFolder _folder = null!;
    private string _package = null!;

    [OneTimeSetUp]
    public async Task BuildPackage()
    {
        _folder = new TempFolder();
        _package = _folder.File("learningbot-teams.zip");
        var (exitCode, output) = await RunPackageScriptAsync(_package,
            ("TEAMS_APP_ID", AppId), ("BOT_ID", BotId), ("BOT_DOMAIN", "learningbot.example.com"), ("APP_VERSION", "1.2.3"));
        Assert.That(exitCode, Is.Zero, output);
    }

    [OneTimeTearDown]
    public void Remove() => _folder.Dispose();

    [Test]
    public async Task The_manifest_is_valid_against_microsofts_schema_for_its_version()
    {
        var manifestFile = _folder.File("manifest.json");
        await File.WriteAllTextAsync(manifestFile, Manifest().ToJsonString());

        var (exitCode, output) = await NodeChecks.RunAsync("validate-manifest.js", manifestFile);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("v1.30"));
    }

    [Test]
    public async Task The_schema_check_catches_a_broken_manifest()
    {
        var broken = Manifest();
        broken["bots"]![0]!["scopes"] = new JsonArray("personal", "everywhere");
        var file = _folder.File("broken.json");
        await File.WriteAllTextAsync(file, broken.ToJsonString());

        var (exitCode, output) = await NodeChecks.RunAsync("validate-manifest.js", file);

        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("/bots/0/scopes"));
    }

    [Test]
    public void Placeholders_are_filled_from_configuration()
    {
        var manifest = Manifest();

        Assert.That(manifest["id"]!.GetValue<string>(), Is.EqualTo(AppId));
        Assert.That(manifest["version"]!.GetValue<string>(), Is.EqualTo("1.2.3"));
        Assert.That(manifest["bots"]![0]!["botId"]!.GetValue<string>(), Is.EqualTo(BotId));
        Assert.That(manifest["composeExtensions"]![0]!["botId"]!.GetValue<string>(), Is.EqualTo(BotId));
        Assert.That(manifest["validDomains"]![0]!.GetValue<string>(), Is.EqualTo("learningbot.example.com"));
        Assert.That(manifest.ToJsonString(), Does.Not.Contain("${{"));
    }

    [Test]
    public void The_bot_works_in_personal_team_and_group_chats_and_features_commands_of_the_grammar()
    {
        var bot = Manifest()["bots"]![0]!;
        Assert.That(bot["scopes"]!.AsArray().Select(s => s!.GetValue<string>()), Is.EquivalentTo(new[] { "personal", "team", "groupChat" }));
        var titles = bot["commandLists"]![0]!["commands"]!.AsArray().Select(c => c!["title"]!.GetValue<string>()).ToList();
        // Teams shows at most 10 commands per list; "help" lists the rest, so it must be among them.
        Assert.That(titles, Has.Count.EqualTo(Math.Min(10, CommandCatalog.All.Count)));
        Assert.That(titles, Is.SubsetOf(CommandCatalog.All.Select(c => c.Name)));
        Assert.That(titles, Does.Contain("help").And.Contain("learned").And.Contain("kudos").And.Contain("ask"));
    }

    [Test]
    public void The_message_extension_commands_are_the_ones_the_bot_handles()
    {
        var commands = Manifest()["composeExtensions"]![0]!["commands"]!.AsArray();
        var search = commands.Single(c => c!["type"]!.GetValue<string>() == "query")!;
        var save = commands.Single(c => c!["type"]!.GetValue<string>() == "action")!;

        Assert.That(search["id"]!.GetValue<string>(), Is.EqualTo(MessageExtensionHandler.SearchCommandId));
        Assert.That(search["title"]!.GetValue<string>(), Is.EqualTo("Search shared answers"));
        Assert.That(search["parameters"]![0]!["name"]!.GetValue<string>(), Is.EqualTo("query"));
        Assert.That(save["id"]!.GetValue<string>(), Is.EqualTo(MessageExtensionHandler.SaveCommandId));
        Assert.That(save["title"]!.GetValue<string>(), Is.EqualTo("Save as shared answer"));
        Assert.That(save["context"]!.AsArray().Select(c => c!.GetValue<string>()), Is.EqualTo(new[] { "message" }));
        Assert.That(save["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "question", "tags" }));
    }

    [Test]
    public void The_icons_have_the_sizes_teams_requires_and_the_outline_is_white_on_transparent()
    {
        var color = ReadPng("color.png");
        var outline = ReadPng("outline.png");

        Assert.That((color.Width, color.Height), Is.EqualTo((192, 192)));
        Assert.That((outline.Width, outline.Height), Is.EqualTo((32, 32)));
        Assert.That(color.Pixels.All(p => p.A == 255), "the colour icon is opaque");
        Assert.That(outline.Pixels.Count(p => p.A == 0), Is.GreaterThan(32 * 32 / 3), "mostly transparent background");
        Assert.That(outline.Pixels.Where(p => p.A > 0).All(p => p is { R: 255, G: 255, B: 255 }), "only white pixels");
    }

    [Test]
    public async Task The_package_script_refuses_missing_or_malformed_ids()
    {
        var (exitCode, output) = await RunPackageScriptAsync(_folder.File("bad.zip"),
            ("TEAMS_APP_ID", "not-a-guid"), ("BOT_ID", BotId), ("BOT_DOMAIN", "https://learningbot.example.com/"));

        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("TEAMS_APP_ID").And.Contain("BOT_DOMAIN"));
        Assert.That(File.Exists(_folder.File("bad.zip")), Is.False);
    }

    private JsonObject Manifest()
    {
        using var zip = ZipFile.OpenRead(_package);
        Assert.That(zip.Entries.Select(e => e.FullName), Is.EquivalentTo(new[] { "manifest.json", "color.png", "outline.png" }));
        using var stream = zip.GetEntry("manifest.json")!.Open();
        return JsonNode.Parse(stream)!.AsObject();
    }

    private (int Width, int Height, List<(byte R, byte G, byte B, byte A)> Pixels) ReadPng(string name)
    {
        using var zip = ZipFile.OpenRead(_package);
        using var entry = zip.GetEntry(name)!.Open();
        using var buffer = new MemoryStream();
        entry.CopyTo(buffer);
        var bytes = buffer.ToArray();
        Assert.That(bytes[..8], Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "PNG signature");

        int width = 0, height = 0;
        using var idat = new MemoryStream();
        for (var offset = 8; offset < bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(bytes, offset + 4, 4);
            var data = bytes.AsSpan(offset + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.That((data[8], data[9]), Is.EqualTo(((byte)8, (byte)6)), "8-bit RGBA");
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            offset += 12 + length;
        }

        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflate.CopyTo(raw);
        var rows = raw.ToArray();
        var pixels = new List<(byte, byte, byte, byte)>();
        for (var y = 0; y < height; y++)
        {
            var row = y * (1 + width * 4);
            Assert.That(rows[row], Is.Zero, "unfiltered rows (as the icon script writes them)");
            for (var x = 0; x < width; x++)
            {
                var p = row + 1 + x * 4;
                pixels.Add((rows[p], rows[p + 1], rows[p + 2], rows[p + 3]));
            }
        }

        return (width, height, pixels);
    }

    private static async Task<(int ExitCode, string Output)> RunPackageScriptAsync(string output, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(NodeChecks.RepositoryRoot, "scripts", "teams-package.sh"));
        start.ArgumentList.Add(output);
        foreach (var name in new[] { "TEAMS_APP_ID", "BOT_ID", "BOT_DOMAIN", "APP_VERSION", "MicrosoftAppId" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
