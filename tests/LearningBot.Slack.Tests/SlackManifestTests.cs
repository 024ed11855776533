using System.Text.Json.Nodes;
using LearningBot.Slack.Adapter;
using LearningBot.Slack.Hosting;

namespace LearningBot.Slack.Tests;

/// <summary>The manifest an admin pastes must match what the code handles and asks for.</summary>
public sealed class SlackManifestTests
{
    private static JsonNode Manifest(string file = "manifest.json")
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LearningBot.sln")))
        {
            directory = directory.Parent;
        }

        Assert.That(directory, Is.Not.Null, "repository root not found");
        return JsonNode.Parse(File.ReadAllText(Path.Combine(directory!.FullName, "manifest", "slack", file)))!;
    }

    [Test]
    public void Declares_the_commands_events_shortcut_and_urls_the_app_serves()
    {
        var manifest = Manifest();
        var commands = manifest["features"]!["slash_commands"]!.AsArray();
        Assert.That(commands.Select(c => c!["command"]!.GetValue<string>()), Is.EquivalentTo(new[] { "/learned", "/kudos", "/ask", "/learnbot" }));
        Assert.That(commands.Select(c => new Uri(c!["url"]!.GetValue<string>()).AbsolutePath), Has.All.EqualTo("/slack/commands"));
        Assert.That(commands.Select(c => c!["should_escape"]!.GetValue<bool>()), Has.All.True, "mentions arrive as <@U…|name>");

        var settings = manifest["settings"]!;
        Assert.That(new Uri(settings["event_subscriptions"]!["request_url"]!.GetValue<string>()).AbsolutePath, Is.EqualTo("/slack/events"));
        Assert.That(settings["event_subscriptions"]!["bot_events"]!.AsArray().Select(e => e!.GetValue<string>()),
            Is.EquivalentTo(new[] { "app_home_opened", "app_mention", "app_uninstalled", "message.channels", "message.groups", "message.im", "reaction_added", "reaction_removed", "tokens_revoked" }));
        Assert.That(new Uri(settings["interactivity"]!["request_url"]!.GetValue<string>()).AbsolutePath, Is.EqualTo("/slack/interactions"));
        Assert.That(new Uri(manifest["oauth_config"]!["redirect_urls"]![0]!.GetValue<string>()).AbsolutePath, Is.EqualTo("/slack/oauth/callback"));
        Assert.That(manifest["features"]!["shortcuts"]![0]!["callback_id"]!.GetValue<string>(), Is.EqualTo(SlackModals.ShareShortcutCallback));
        Assert.That(manifest["features"]!["app_home"]!["home_tab_enabled"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public void Requests_exactly_the_scopes_the_install_link_asks_for()
    {
        var scopes = Manifest()["oauth_config"]!["scopes"]!["bot"]!.AsArray().Select(s => s!.GetValue<string>());

        Assert.That(scopes, Is.EquivalentTo(new SlackOptions().Scopes.Split(',')));
    }

    [Test]
    public void The_socket_mode_manifest_is_the_http_one_with_socket_mode_on_and_no_urls()
    {
        var http = Manifest().AsObject();
        var socket = Manifest("manifest.socket.json").AsObject();

        Assert.That(socket["settings"]!["socket_mode_enabled"]!.GetValue<bool>(), Is.True);
        Assert.That(http["settings"]!["socket_mode_enabled"]!.GetValue<bool>(), Is.False);
        Assert.That(socket.ToJsonString(), Does.Not.Contain("http"), "no request URL, no redirect URL: nothing for Slack to call");
        Assert.That(socket["settings"]!["interactivity"]!["is_enabled"]!.GetValue<bool>(), Is.True, "modals and buttons arrive as interactive envelopes");
        // Everything else is the same: commands, events, shortcut, scopes, App Home, texts.
        Assert.That(JsonNode.DeepEquals(WithoutUrls(socket), WithoutUrls(http)), Is.True,
            "manifest.socket.json must change together with manifest.json");
    }

    /// <summary>The manifest less what only HTTP mode has (request URLs, the OAuth redirect) and the mode switch.</summary>
    private static JsonNode WithoutUrls(JsonObject manifest)
    {
        var copy = manifest.DeepClone().AsObject();
        foreach (var command in copy["features"]!["slash_commands"]!.AsArray())
        {
            command!.AsObject().Remove("url");
        }

        copy["oauth_config"]!.AsObject().Remove("redirect_urls");
        var settings = copy["settings"]!.AsObject();
        settings["event_subscriptions"]!.AsObject().Remove("request_url");
        settings["interactivity"]!.AsObject().Remove("request_url");
        settings.Remove("socket_mode_enabled");
        return copy;
    }
}
