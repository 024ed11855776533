using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LearningBot.Tests.Web;

public sealed class HostConfigurationTests
{
    [Test]
    public void An_unknown_storage_provider_stops_start_up_with_a_clear_message()
    {
        using var factory = new LearningBotWebFactory(new Dictionary<string, string?> { ["Storage:Provider"] = "Oracle" });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.That(error!.Message, Does.Contain("Storage:Provider is 'Oracle'"));
        Assert.That(error.Message, Does.Contain("Sqlite"));
    }

    [Test]
    public async Task The_playground_is_off_in_production_unless_enabled()
    {
        using var production = new LearningBotWebFactory(environment: "Production");
        using var enabled = new LearningBotWebFactory(new Dictionary<string, string?> { ["Playground:Enabled"] = "true" }, "Production");

        var off = await production.CreateClient().PostAsync("/api/playground",
            new StringContent("{\"team\":\"a\",\"user\":\"b\",\"text\":\"help\"}", System.Text.Encoding.UTF8, "application/json"));
        var health = await production.CreateClient().GetAsync("/health");
        var on = await enabled.CreateClient().PostAsync("/api/playground",
            new StringContent("{\"team\":\"a\",\"user\":\"b\",\"text\":\"help\"}", System.Text.Encoding.UTF8, "application/json"));

        // UseEnvironment reaches Program's builder (no launchSettings.json applies to a test host): these really ran Production.
        Assert.That(production.Services.GetRequiredService<IHostEnvironment>().EnvironmentName, Is.EqualTo(Environments.Production));
        Assert.That(enabled.Services.GetRequiredService<IHostEnvironment>().EnvironmentName, Is.EqualTo(Environments.Production));
        Assert.That(off.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(on.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task An_unreachable_database_makes_readiness_fail()
    {
        // The scheduler is off so that no pooled connection keeps reading the old file while the test corrupts it.
        using var factory = new LearningBotWebFactory(new Dictionary<string, string?> { ["Scheduler:Enabled"] = "false" });
        var client = factory.CreateClient();
        File.Delete(factory.DatabasePath + "-wal");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        LearningBot.Storage.Sqlite.SqliteDatabase.ClearPools();
        await File.WriteAllTextAsync(factory.DatabasePath, "this is not a database");

        var ready = await client.GetAsync("/health/ready");

        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await ready.Content.ReadAsStringAsync(), Does.Contain("Unhealthy"));
    }
}
