using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Learnings;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Learnings;
using LearningBot.TestSupport;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Web;

/// <summary>
/// <c>POST /api/playground</c> runs a command as one unit of work, as the Slack and Teams adapters do (issue 18): on the real host
/// and SQLite file, a command that fails part-way keeps none of its writes (the person's member row included), says so, and its
/// retry with the same message id stores it exactly once; concurrent duplicates store it once too.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class PlaygroundTransactionTests
{
    [Test]
    public async Task A_learning_whose_command_fails_after_the_write_is_not_kept_and_its_retry_stores_it_and_the_person_once()
    {
        using var factory = new LearningBotWebFactory();
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<ILearningRepository>(sp => new LearningsFailingAfterWrite(
                new SqliteLearningRepository(sp.GetRequiredService<SqliteDatabase>(), sp.GetService<EmbeddingSignal>())))));
        using var client = host.CreateClient();

        var failed = await SendAsync(client, new { team = "acme", user = "zed", text = "learned how half-done writes vanish #sqlite", messageId = "m-1" });

        Assert.That(failed.GetProperty("text").GetString(), Does.Contain("nothing was saved"));
        Assert.That(await CountAsync(factory, "SELECT COUNT(*) FROM learnings"), Is.Zero, "the learning written before the failure was rolled back");
        Assert.That(await CountAsync(factory, "SELECT COUNT(*) FROM members WHERE user_id = 'zed'"), Is.Zero, "so was zed's member row");

        var retried = await SendAsync(client, new { team = "acme", user = "zed", text = "learned how half-done writes vanish #sqlite", messageId = "m-1" });

        Assert.That(retried.GetProperty("text").GetString(), Does.Contain("Logged — nice one, zed!"));
        Assert.That(retried.GetProperty("redelivery").GetBoolean(), Is.False, "the retry stored it: the failed try left nothing to find");
        Assert.That(await CountAsync(factory, "SELECT COUNT(*) FROM learnings WHERE text = 'how half-done writes vanish'"), Is.EqualTo(1));
        Assert.That(await CountAsync(factory, "SELECT COUNT(*) FROM members WHERE user_id = 'zed'"), Is.EqualTo(1),
            "zed is stored by the retry (not skipped as stored by the failed try)");
    }

    [Test]
    public async Task Kudos_from_a_new_person_whose_gift_cannot_be_written_keep_nothing_and_the_retry_gives_once()
    {
        using var factory = new LearningBotWebFactory();
        using var client = factory.CreateClient();
        await SendAsync(client, new { team = "acme", user = "bo", text = "learned where the runbooks live" }); // the team has met bo
        // A real SQLite failure in the middle of the command: after yan's member row, at the gift's insert.
        await ExecuteAsync(factory, "CREATE TRIGGER fail_gifts BEFORE INSERT ON kudos_gifts BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;");

        var failed = await SendAsync(client, new { team = "acme", user = "yan", text = "kudos @bo for the calm incident review #teamwork", messageId = "k-1" });

        Assert.That(failed.GetProperty("text").GetString(), Does.Contain("nothing was saved"));
        Assert.That(await CountAsync(factory, "SELECT COUNT(*) FROM members WHERE user_id = 'yan'"), Is.Zero,
            "yan's member row, written before the gift, was rolled back with it");
        Assert.That(await CountAsync(factory, "SELECT COUNT(*) FROM kudos_receipts"), Is.Zero);

        await ExecuteAsync(factory, "DROP TRIGGER fail_gifts;");
        var retried = await SendAsync(client, new { team = "acme", user = "yan", text = "kudos @bo for the calm incident review #teamwork", messageId = "k-1" });
        var again = await SendAsync(client, new { team = "acme", user = "yan", text = "kudos @bo for the calm incident review #teamwork", messageId = "k-1" });

        Assert.That(retried.GetProperty("text").GetString(), Does.Contain("@yan gave kudos to @bo").And.Contain("4 of 5 kudos left"));
        Assert.That(again.GetProperty("redelivery").GetBoolean(), Is.True);
        Assert.That(await CountAsync(factory, "SELECT COUNT(*) FROM kudos_receipts WHERE giver_id = 'yan'"), Is.EqualTo(1));
        Assert.That(await CountAsync(factory, "SELECT COUNT(*) FROM members WHERE user_id = 'yan'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_duplicates_of_one_message_store_it_once_and_only_one_reply_is_not_a_redelivery()
    {
        using var factory = new LearningBotWebFactory();
        using var client = factory.CreateClient();

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            SendAsync(client, new { team = "acme", user = "ann", text = "learned how retries race #http", messageId = "dup-1" })));

        Assert.That(replies.Count(r => !r.GetProperty("redelivery").GetBoolean()), Is.EqualTo(1));
        Assert.That(replies.All(r => r.GetProperty("text").GetString()!.Contains("how retries race")), Is.True, "every reply shows the one learning");
        Assert.That(await CountAsync(factory, "SELECT COUNT(*) FROM learnings"), Is.EqualTo(1));
        Assert.That(await CountAsync(factory, "SELECT COUNT(*) FROM search_fts WHERE body = 'how retries race'"), Is.EqualTo(1));
    }

    private static async Task<JsonElement> SendAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/playground", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<long> CountAsync(LearningBotWebFactory factory, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(LearningBotWebFactory factory, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
