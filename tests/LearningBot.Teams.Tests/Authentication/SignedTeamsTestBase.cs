using System.Net;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Authentication;

/// <summary>
/// The real host with <c>MicrosoftAppId</c> set: Bot Framework validates every token against the OpenID metadata and JWKS the
/// loopback stub serves, as it would against login.botframework.com. Tests sign their own tokens with <see cref="Tokens"/>.
/// </summary>
public abstract class SignedTeamsTestBase
{
    protected const string AppId = "3f1c2b9e-5d4a-4e8f-9a7b-1c2d3e4f5a6b";
    protected const string Issuer = "https://api.botframework.com";

    protected TempFolder Folder { get; private set; } = null!;

    protected BotConnectorStub Connector { get; private set; } = null!;

    protected TestTokenIssuer Tokens { get; private set; } = null!;

    protected TeamsHost Host { get; private set; } = null!;

    protected TeamsActivities Teams { get; private set; } = null!;

    /// <summary>Extra settings for the host (e.g. admins, allowed channels).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    [SetUp]
    public async Task StartSignedHost()
    {
        Folder = new TempFolder();
        Connector = await BotConnectorStub.StartAsync();
        Tokens = new TestTokenIssuer();
        Connector.Issuer = Issuer;
        Connector.Members[Ann.Id] = (Ann.AadObjectId, Ann.Name);
        Connector.Members[Bo.Id] = (Bo.AadObjectId, Bo.Name);
        Connector.Jwks = Tokens.Jwks();
        var settings = new Dictionary<string, string?>
        {
            ["MicrosoftAppId"] = AppId,
            ["MicrosoftAppPassword"] = "not-a-real-secret",
            ["MicrosoftAppType"] = "MultiTenant",
            ["ToBotFromChannelOpenIdMetadataUrl"] = Connector.OpenIdMetadataUrl,
            ["ToBotFromChannelTokenIssuer"] = Issuer,
            // Outbound token settings Bot Framework needs once any endpoint is customised (the test credentials ignore them).
            ["ToChannelFromBotLoginUrl"] = "https://login.microsoftonline.com/botframework.com",
            ["ToChannelFromBotOAuthScope"] = "https://api.botframework.com",
            ["OAuthUrl"] = "https://api.botframework.com",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        Host = new TeamsHost(Connector, Folder.File("bot.db"), settings, AppId);
        Teams = new TeamsActivities(Connector.ServiceUrl);
    }

    [TearDown]
    public async Task StopSignedHost()
    {
        await Host.DisposeAsync();
        await Connector.DisposeAsync();
        Tokens.Dispose();
        Folder.Dispose();
    }

    /// <summary>A token Bot Framework accepts for this bot and the stub's serviceUrl.</summary>
    protected string ValidToken(string? tenantId = null) => Tokens.Sign(Issuer, AppId, Connector.ServiceUrl, tenantId: tenantId);

    protected Task<HttpResponseMessage> PostSignedAsync(string activity, string? tenantClaim = null) =>
        Host.PostActivityAsync(activity, ValidToken(tenantClaim));

    protected async Task<string> PostSignedOkAsync(string activity)
    {
        using var response = await PostSignedAsync(activity);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK),
            () => body + "\n" + string.Join("\n", Host.Logs.Lines.Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Select(l => l.Message)));
        return body;
    }
}
