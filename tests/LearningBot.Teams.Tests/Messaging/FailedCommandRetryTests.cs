using System.Net;
using LearningBot.Core.Learnings;
using LearningBot.Core.Storage;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Learnings;
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
        var failOnce = new FailOnce();
        var databasePath = folder.File("bot.db");
        await using var host = new TeamsHost(connector, databasePath, services: services => services.AddSingleton<ILearningRepository>(sp =>
            new FailsAfterWriting(new SqliteLearningRepository(sp.GetRequiredService<SqliteDatabase>()), failOnce)));
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

    private sealed class FailOnce
    {
        public int Calls;
    }

    /// <summary>The real repository, then (the first time) a failure after its write: a command that fails part-way.</summary>
    private sealed class FailsAfterWriting(ILearningRepository inner, FailOnce once) : ILearningRepository
    {
        public async Task<WriteResult<LearningEntry>> AddAsync(LearningEntry entry, CancellationToken cancellationToken)
        {
            var result = await inner.AddAsync(entry, cancellationToken);
            if (Interlocked.Increment(ref once.Calls) == 1)
            {
                throw new IOException("disk went away after the write");
            }

            return result;
        }

        public Task<IReadOnlyList<LearningEntry>> ListAsync(LearningQuery query, CancellationToken cancellationToken) =>
            inner.ListAsync(query, cancellationToken);

        public Task<IReadOnlyList<LearningMark>> ListMarksAsync(string teamId, string userId, DateTimeOffset since, CancellationToken cancellationToken) =>
            inner.ListMarksAsync(teamId, userId, since, cancellationToken);

        public Task<LearningEntry?> GetAsync(string teamId, string id, CancellationToken cancellationToken) =>
            inner.GetAsync(teamId, id, cancellationToken);

        public Task<LearningEntry?> FindBySourceAsync(string teamId, string sourceMessage, CancellationToken cancellationToken) =>
            inner.FindBySourceAsync(teamId, sourceMessage, cancellationToken);

        public Task<LearningEntry?> UpdateAsync(LearningEntry entry, CancellationToken cancellationToken) =>
            inner.UpdateAsync(entry, cancellationToken);

        public Task<bool> DeleteAsync(string teamId, string id, CancellationToken cancellationToken) =>
            inner.DeleteAsync(teamId, id, cancellationToken);
    }
}
