using LearningBot.Storage.Sqlite;
using LearningBot.Tests.Web;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Search;

/// <summary>The host reads the search vocabulary into memory after start-up, before any question (real host, real SQLite file).</summary>
public sealed class SearchWarmupTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task The_host_reads_the_search_vocabulary_after_start_up_without_waiting_for_a_question()
    {
        using var directory = new TempDirectory();
        using var host = new LearningBotWebFactory(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = directory.File("warm.db"),
            ["Scheduler:Enabled"] = "false",
        });
        using var client = host.CreateClient(); // starts the host; no search is sent
        var database = host.Services.GetRequiredService<SqliteDatabase>();

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (database.SearchVocabulary.Reads == 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        Assert.That(database.SearchVocabulary.Reads, Is.EqualTo(1), "read once, by the start-up warm-up");
        Assert.That(database.SearchVocabulary.Served, Is.Zero, "no search has used it yet");
    }
}
