using System.Diagnostics.Metrics;
using LearningBot.Core.Diagnostics;
using LearningBot.Storage.Cosmos;
using LearningBot.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Observability;

/// <summary>Request units and latency of each Cosmos DB request, from the client pipeline's request handler.</summary>
public sealed class CosmosMetricsTests
{
    [Test]
    public async Task Every_cosmos_request_records_its_charge_and_latency_by_operation()
    {
        var target = CosmosTestTarget.FindOrIgnore();
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var capture = new MetricCapture(factory);
        var meter = new CosmosRequestMeter { Metrics = new LearningBotMetrics(factory) };
        using var store = target.CreateStore(target.Options($"lbmet-{Guid.NewGuid():N}"[..20], CosmosSearchMode.Contains), meter);
        try
        {
            await store.InitializeAsync(default);
            var health = await store.CheckAsync(default);
            Assert.That(health.IsHealthy, Is.True, health.Description);
        }
        finally
        {
            await store.DeleteDatabaseAsync(default);
        }

        var charges = capture.Of("learningbot.storage.request_units");
        var durations = capture.Of("learningbot.storage.duration");
        Assert.That(charges, Has.Count.EqualTo(meter.Total.Requests), "one charge per request the meter counted");
        Assert.That(charges.Sum(m => m.Value), Is.EqualTo(meter.Total.RequestUnits).Within(0.001));
        Assert.That(durations, Has.Count.EqualTo(meter.Total.Requests));
        Assert.That(durations.Select(m => m.Tag("engine")), Has.All.EqualTo("cosmos"));
        // The readiness check is a point read of an item that never exists (404); ids never become tag values.
        Assert.That(charges, Has.Some.Matches<Measurement>(m => m.Tag("operation") == "GET docs" && m.Tag("status_code") == "404"));
        Assert.That(charges.Select(m => m.Tag("operation")), Has.None.Contains("lbmet"));
    }

    [TestCase("dbs/learningbot/colls/teams/docs/learning-abc", "docs")]
    [TestCase("dbs/learningbot/colls/teams/docs", "docs")]
    [TestCase("dbs/learningbot/colls/teams", "colls")]
    [TestCase("dbs/learningbot/colls", "colls")]
    [TestCase("dbs", "dbs")]
    [TestCase("", "account")]
    public void Resource_kind_names_the_resource_type_not_its_id(string path, string kind) =>
        Assert.That(CosmosRequestMeter.ResourceKind(path), Is.EqualTo(kind));
}
