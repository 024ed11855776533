using LearningBot.Core.Conversations;
using Microsoft.Extensions.DependencyInjection;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests;

/// <summary>A fresh web host (anonymous Teams auth), SQLite file and loopback Bot Connector per test.</summary>
public abstract class TeamsTestBase
{
    protected TempFolder Folder { get; private set; } = null!;

    protected BotConnectorStub Connector { get; private set; } = null!;

    protected TeamsHost Host { get; private set; } = null!;

    protected TeamsActivities Teams { get; private set; } = null!;

    protected IConversationRepository Conversations => Host.Services.GetRequiredService<IConversationRepository>();

    [SetUp]
    public async Task StartHost()
    {
        Folder = new TempFolder();
        Connector = await BotConnectorStub.StartAsync();
        Connector.Members[Ann.Id] = (Ann.AadObjectId, Ann.Name);
        Connector.Members[Bo.Id] = (Bo.AadObjectId, Bo.Name);
        Host = new TeamsHost(Connector, Folder.File("bot.db"));
        Teams = new TeamsActivities(Connector.ServiceUrl);
    }

    [TearDown]
    public async Task StopHost()
    {
        await Host.DisposeAsync();
        await Connector.DisposeAsync();
        Folder.Dispose();
    }

    protected async Task<string> PostOkAsync(string activity)
    {
        using var response = await Host.PostActivityAsync(activity);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        return body;
    }
}
