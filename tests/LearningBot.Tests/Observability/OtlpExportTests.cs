using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using LearningBot.Tests.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningBot.Tests.Observability;

/// <summary>
/// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, the host exports traces, metrics and logs over OTLP: a loopback
/// stand-in for an OpenTelemetry collector receives them (OTLP/HTTP protobuf; names are plain UTF-8 in the payload).
/// </summary>
public sealed class OtlpExportTests
{
    [Test]
    public async Task Commands_reach_an_otlp_collector_as_metrics_traces_and_logs()
    {
        var received = new ConcurrentDictionary<string, ConcurrentQueue<byte[]>>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var collector = builder.Build();
        collector.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.GetOrAdd(signal, _ => new ConcurrentQueue<byte[]>()).Enqueue(body.ToArray());
            return Results.Ok();
        });
        await collector.StartAsync();
        var endpoint = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        string Text(string signal) => received.TryGetValue(signal, out var bodies)
            ? string.Join("\n", bodies.Select(b => Encoding.UTF8.GetString(b)))
            : string.Empty;

        using (var factory = new LearningBotWebFactory(new Dictionary<string, string?>
        {
            ["Scheduler:Enabled"] = "false",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        }))
        {
            var client = factory.CreateClient();
            var response = await client.PostAsJsonAsync("/api/playground", new { team = "acme", user = "ann", text = "learned OTLP is just protobuf #otel" });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            // A command that worked is logged at Debug (issue 18); a refusal keeps its Information line, which is exported.
            var refused = await client.PostAsJsonAsync("/api/playground", new { team = "acme", user = "ann", text = "kudos @ann for logging it" });
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            // Traces and logs go out in batches every few seconds while the host runs; on a loaded machine the
            // flush at stop alone was sometimes too late for its 5 s budget, so give the running host a while first.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < deadline && !(Text("traces").Contains("command LogLearning") && Text("logs").Contains("Handled {Command}")))
            {
                await Task.Delay(100);
            }
        } // stopping the host exports what is left (Observability's flush-on-stop service: without it the meter factory
          // could be disposed before the meter provider's last collect, and the metrics of the last interval were lost)

        Assert.Multiple(() =>
        {
            Assert.That(Text("metrics"), Does.Contain("learningbot.commands").And.Contain("learningbot.command.duration").And.Contain("LogLearning"));
            Assert.That(Text("metrics"), Does.Contain("http.server.request.duration"), "ASP.NET Core's own metrics");
            Assert.That(Text("traces"), Does.Contain("command LogLearning"));
            Assert.That(Text("traces"), Does.Contain("learningbot"), "service.name resource attribute");
            Assert.That(Text("logs"), Does.Contain("Handled {Command} from {Platform}"));
        });
        await collector.StopAsync();
    }
}
