using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningBot.Teams.Tests.Hosting;

[TestFixture]
public sealed class StartupTests
{
    [Test]
    public async Task The_app_starts_without_any_teams_configuration()
    {
        using var folder = new TempFolder();
        await using var connector = await BotConnectorStub.StartAsync();
        await using var host = new TeamsHost(connector, folder.File("bot.db"));

        using var client = host.CreateClient();
        using var response = await client.GetAsync("/health/live");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task In_production_without_an_app_id_the_endpoint_is_not_served_anonymously()
    {
        using var folder = new TempFolder();
        await using var connector = await BotConnectorStub.StartAsync();
        await using var host = new TeamsHost(connector, folder.File("bot.db"), environment: "Production");

        using var response = await host.PostActivityAsync(new TeamsActivities(connector.ServiceUrl).ChannelMessage("1", TeamsActivities.Ann, "help"));

        // The test host's UseEnvironment reaches Program's builder: this really ran Production.
        Assert.That(host.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>().EnvironmentName, Is.EqualTo("Production"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(connector.Requests, Is.Empty);
    }

    [TestCase("not-a-guid", "pw-Zq81x", null, null, "MicrosoftAppId must be")]
    [TestCase("3f1c2b9e-5d4a-4e8f-9a7b-1c2d3e4f5a6b", null, null, null, "MicrosoftAppPassword (the client secret) is required")]
    [TestCase("3f1c2b9e-5d4a-4e8f-9a7b-1c2d3e4f5a6b", "pw-Zq81x", "SingleTenant", null, "needs MicrosoftAppTenantId")]
    [TestCase("3f1c2b9e-5d4a-4e8f-9a7b-1c2d3e4f5a6b", "pw-Zq81x", "Sometimes", null, "MicrosoftAppType is 'Sometimes'")]
    [TestCase(null, "pw-Zq81x", null, null, "MicrosoftAppPassword is set but MicrosoftAppId is not")]
    public async Task Inconsistent_bot_credentials_stop_the_app_at_start_up_with_a_clear_message(string? appId, string? password,
        string? type, string? tenant, string expected)
    {
        using var folder = new TempFolder();
        await using var connector = await BotConnectorStub.StartAsync();
        await using var host = new TeamsHost(connector, folder.File("bot.db"), new Dictionary<string, string?>
        {
            ["MicrosoftAppId"] = appId,
            ["MicrosoftAppPassword"] = password,
            ["MicrosoftAppType"] = type,
            ["MicrosoftAppTenantId"] = tenant,
        });

        var error = Assert.Catch(() => host.CreateClient());

        var validation = error as OptionsValidationException ?? error?.InnerException as OptionsValidationException;
        Assert.That(validation, Is.Not.Null, error?.ToString());
        Assert.That(validation!.Message, Does.Contain(expected));
        Assert.That(validation.Message, Does.Not.Contain("pw-Zq81x"), "the password never appears in messages");
    }

    [TestCase("Teams:AllowedChannels:0", "teams", "Teams:AllowedChannels contains 'teams', which is not a Bot Framework channel id")]
    [TestCase("Teams:AdminUserIds:0", "29:1AnnTeamsUserId", "Teams:AdminUserIds contains '29:1AnnTeamsUserId', which is not an Entra object id")]
    public async Task Channels_and_admins_that_cannot_match_stop_the_app_at_start_up(string key, string value, string expected)
    {
        using var folder = new TempFolder();
        await using var connector = await BotConnectorStub.StartAsync();
        await using var host = new TeamsHost(connector, folder.File("bot.db"), new Dictionary<string, string?> { [key] = value });

        var error = Assert.Catch(() => host.CreateClient());

        var validation = error as OptionsValidationException ?? error?.InnerException as OptionsValidationException;
        Assert.That(validation, Is.Not.Null, error?.ToString());
        Assert.That(validation!.Message, Does.Contain(expected));
    }
}
