using System.Text.Json.Nodes;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Messaging;

/// <summary>
/// Answers offered where questions are asked, in a Teams channel where the bot is mentioned (issue 14): the real host with the
/// packaged MiniLM model and a loopback Bot Connector.
/// </summary>
[Category("Embeddings")]
public sealed class ChannelAnswerTests
{
    private TempFolder _folder = null!;
    private BotConnectorStub _connector = null!;
    private TeamsHost _host = null!;
    private TeamsActivities _teams = null!;

    [SetUp]
    public async Task Start()
    {
        _folder = new TempFolder();
        _connector = await BotConnectorStub.StartAsync();
        _connector.Members[Ann.Id] = (Ann.AadObjectId, Ann.Name);
        _connector.Members[Bo.Id] = (Bo.AadObjectId, Bo.Name);
        _host = new TeamsHost(_connector, _folder.File("bot.db"), new Dictionary<string, string?>
        {
            ["Search:Embeddings:Provider"] = "MiniLM",
            ["Teams:AdminUserIds:0"] = Ann.AadObjectId,
        });
        _teams = new TeamsActivities(_connector.ServiceUrl);
    }

    [TearDown]
    public async Task Stop()
    {
        await _host.DisposeAsync();
        await _connector.DisposeAsync();
        _folder.Dispose();
    }

    private async Task PostOkAsync(string activity)
    {
        using var response = await _host.PostActivityAsync(activity);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
    }

    private List<string> Offers() => _connector.SentActivities
        .Select(a => a.Body?.ToJsonString() ?? string.Empty).Where(b => b.Contains("This may answer it", StringComparison.Ordinal)).ToList();

    [Test]
    public async Task A_question_to_the_bot_in_a_channel_with_answers_on_gets_the_shared_answer_once_and_a_command_still_runs()
    {
        await PostOkAsync(_teams.ChannelMessage("1732600000401", Bo, "share How do I rotate the staging keys? :: Run make rotate-keys from the ops repo #ops"));
        // Off by default: the question is not a command, so the bot says what it understands (as before).
        await PostOkAsync(_teams.ChannelMessage("1732600000402", Bo, "how do I rotate the staging keys?"));
        Assert.That(Offers(), Is.Empty);

        await PostOkAsync(_teams.ChannelMessage("1732600000403", Ann, "settings answers on"));
        Assert.That(_connector.SentActivities.Last().Body!.ToJsonString(), Does.Contain("Answers on in this channel"));

        await PostOkAsync(_teams.ChannelMessage("1732600000404", Bo, "how do I rotate the staging keys?"));
        var offers = Offers();
        Assert.That(offers, Has.Count.EqualTo(1));
        Assert.That(offers[0], Does.Contain("make rotate-keys").And.Contain("This helped").And.Contain("Not it"));
        var reply = _connector.SentActivities.Last();
        Assert.That(reply.Path, Does.Contain(Uri.EscapeDataString(ChannelConversationId)).Or.Contain(ChannelConversationId),
            "the reply goes to the message's thread");

        // A redelivery of that activity, and a second question in the same thread: no second offer.
        await PostOkAsync(_teams.ChannelMessage("1732600000404", Bo, "how do I rotate the staging keys?"));
        await PostOkAsync(_teams.ChannelMessage("1732600000405", Ann, "so how do we rotate staging keys?"));
        Assert.That(Offers(), Has.Count.EqualTo(1));

        // Commands still run as commands in that channel.
        var before = _connector.SentActivities.Count;
        await PostOkAsync(_teams.ChannelMessage("1732600000406", Ann, "ask how do I rotate staging keys"));
        Assert.That(_connector.SentActivities.Count, Is.EqualTo(before + 1));
        Assert.That(_connector.SentActivities.Last().Body!.ToJsonString(), Does.Contain("What the team wrote about"));
    }

    [Test]
    public async Task Only_admins_turn_answers_on()
    {
        await PostOkAsync(_teams.ChannelMessage("1732600000501", Bo, "settings answers on"));
        var refusal = _connector.SentActivities.Last().Body!.ToJsonString();
        Assert.That(refusal, Does.Contain("Only team admins"));
    }
}
