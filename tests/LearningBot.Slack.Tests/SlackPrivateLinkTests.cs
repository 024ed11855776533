using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LearningBot.Slack.Tests;

/// <summary>
/// With no public address configured, a private link in a Slack reply is an absolute mrkdwn link made from the address
/// Slack called, and its token never appears as text (the message's notification text, or outside the link).
/// </summary>
public sealed partial class SlackPrivateLinkTests
{
    private SlackHost _host = null!;

    [OneTimeSetUp]
    public void Start() => _host = new SlackHost();

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [TestCase("me")]
    [TestCase("insights")]
    [TestCase("export me")]
    public async Task A_private_link_is_a_clickable_absolute_link_and_its_token_is_never_text(string command)
    {
        var reply = Guid.NewGuid().ToString("N")[..10];
        var team = "T" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        using var ack = await _host.CommandAsync("/learnbot", command, _host.ResponseUrl(reply), team: team);

        var message = (await _host.WaitForRepliesAsync("/response/" + reply)).Single();
        var blocks = SlackHost.Strings(message["blocks"]);
        var link = LinkRegex().Match(blocks);
        Assert.That(link.Success, Is.True, blocks);
        Assert.That(Uri.TryCreate(link.Groups["url"].Value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https", Is.True);
        Assert.That(LinkRegex().Replace(blocks, "<link>"), Does.Not.Contain("token="));
        Assert.That(message["text"]?.GetValue<string>() ?? "", Does.Not.Contain("token="));
    }

    [GeneratedRegex(@"<(?<url>https?://[^|>]+token=[^|>]+)\|[^>]+>")]
    private static partial Regex LinkRegex();
}
