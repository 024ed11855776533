using System.Net;
using LearningBot.Core.Learnings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Learnings;
using LearningBot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Messaging;

/// <summary>
/// A Teams message whose command fails part-way (issue 18): the person is told nothing was saved, none of its writes
/// stay, and the activity is not recorded as handled — so when Teams (or the person) sends it again it runs, once.
/// </summary>
[TestFixture]
public sealed class FailedCommandRetryTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task A_failed_command_is_not_recorded_and_the_same_activity_sent_again_stores_it_once()
    {
        using var folder = new TempFolder();
        await using var connector = await BotConnectorStub.StartAsync();
        var databasePath = folder.File("bot.db");
        await using var host = new TeamsHost(connector, databasePath, services: services => services.AddSingleton<ILearningRepository>(sp =>
            new LearningsFailingAfterWrite(new SqliteLearningRepository(sp.GetRequiredService<SqliteDatabase>()))));
        var teams = new TeamsActivities(connector.ServiceUrl);
        var activity = teams.PersonalMessage("1732600000701", Ann, "learned how retries meet idempotency keys #teams");

        var first = await host.PostActivityAsync(activity);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(connector.SentActivities.Single().Body!.ToJsonString(), Does.Contain("nothing was saved"));
        Assert.That((await StoredRows.CountAsync(databasePath))["learnings"], Is.Zero, "the learning written before the failure is gone");
        Assert.That((await StoredRows.CountAsync(databasePath))["deliveries"], Is.Zero, "the activity is not recorded as handled");

        var again = await host.PostActivityAsync(activity);

        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(connector.SentActivities, Has.Count.EqualTo(2), "the retry was answered");
        Assert.That(connector.SentActivities[1].Body!.ToJsonString(), Does.Contain("retries meet idempotency keys"));
        Assert.That((await StoredRows.CountAsync(databasePath))["learnings"], Is.EqualTo(1), "stored once, by the retry");

        await host.PostActivityAsync(activity);
        Assert.That(connector.SentActivities, Has.Count.EqualTo(2), "a third delivery of it has no effect");
        Assert.That((await StoredRows.CountAsync(databasePath))["learnings"], Is.EqualTo(1));
    }
}
