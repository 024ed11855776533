using System.Text.Json.Nodes;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Messaging;

/// <summary>
/// With no public address configured, a private link is made absolute from the address Teams called (so it can be opened
/// from the card) and is shown as a link, never as text with its token in it.
/// </summary>
public sealed class PrivateLinkAddressTests : TeamsTestBase
{
    [TestCase("me")]
    [TestCase("insights")]
    [TestCase("export me")]
    public async Task A_private_link_is_an_absolute_open_url_action_and_its_token_is_never_text(string command)
    {
        await PostOkAsync(Teams.PersonalMessage("17326000008" + command.Length, Ann, command));

        var activity = Connector.SentActivities.Last().Body!;
        var urls = Descendants(activity).OfType<JsonObject>()
            .Where(o => o["type"]?.GetValue<string>() == "Action.OpenUrl")
            .Select(o => o["url"]!.GetValue<string>())
            .ToList();
        Assert.That(urls, Has.Count.EqualTo(1), activity.ToJsonString());
        Assert.That(Uri.TryCreate(urls[0], UriKind.Absolute, out var url) && url.Scheme is "http" or "https", Is.True, urls[0]);
        Assert.That(url!.Query, Does.StartWith("?token="));

        var texts = Descendants(activity).OfType<JsonObject>()
            .SelectMany(o => new[] { o["text"], o["summary"] })
            .OfType<JsonValue>()
            .Select(v => v.ToString());
        Assert.That(texts, Has.None.Contains("token="), activity.ToJsonString());
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
