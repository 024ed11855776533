using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using LearningBot.Tests.Web;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Observability;

/// <summary>
/// Issue 18: a command that worked is counted (<c>learningbot.commands</c>) and logged at Debug, so the host's default
/// (Information) writes no line for it; refusals and redeliveries keep their Information line. The real host in Production
/// with its appsettings.json levels, through the playground API.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class CommandLogLevelTests
{
    [Test]
    public async Task A_command_that_worked_writes_no_information_line_but_is_counted_while_refusals_and_redeliveries_are_logged()
    {
        var logs = new CapturedLogs();
        using var factory = new LearningBotWebFactory(new Dictionary<string, string?>
        {
            ["Playground:Enabled"] = "true",
            ["Scheduler:Enabled"] = "false",
            ["Dashboard:SigningKey"] = new string('k', 40),
        }, environment: "Production") { Logs = logs };
        using var client = factory.CreateClient();
        using var metrics = new MetricCapture(factory.Services.GetRequiredService<IMeterFactory>());

        await SendAsync(client, "learned how EXPLAIN plans work #postgres", "m-1");
        await SendAsync(client, "learned how EXPLAIN plans work #postgres", "m-1"); // the same message again
        await SendAsync(client, "kudos @ann for being me", "m-2"); // refused politely: you cannot thank yourself

        var handled = logs.Entries.Where(e => e.Contains("CommandPipeline", StringComparison.Ordinal) && e.Contains("] Handled ", StringComparison.Ordinal)).ToList();
        Assert.That(handled, Has.Count.EqualTo(2), string.Join("\n", handled));
        Assert.That(handled, Has.All.StartWith("Information "));
        Assert.That(handled.Count(e => e.Contains("redelivery=True", StringComparison.Ordinal)), Is.EqualTo(1), "the redelivery");
        Assert.That(handled.Count(e => e.Contains("GiveKudosCommand", StringComparison.Ordinal) && e.Contains(": Error,", StringComparison.Ordinal)),
            Is.EqualTo(1), "the refusal");
        var counted = metrics.Of("learningbot.commands").Where(m => m.Tag("command") == "LogLearning").Select(m => m.Tag("outcome")).ToList();
        Assert.That(counted, Is.EquivalentTo(new[] { "ok", "redelivery" }), "the command that worked is still counted");
    }

    private static async Task SendAsync(HttpClient client, string text, string messageId)
    {
        using var response = await client.PostAsJsonAsync("/api/playground", new { team = "acme", user = "ann", text, messageId });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }
}
