using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Authentication;

/// <summary>
/// With MicrosoftAppId configured, Bot Framework validates every request's JWT against the OpenID metadata
/// and JWKS served by the loopback stub, exactly as it would against login.botframework.com.
/// </summary>
[TestFixture]
public sealed class AuthenticationTests
{
    private const string AppId = "3f1c2b9e-5d4a-4e8f-9a7b-1c2d3e4f5a6b";
    private const string Issuer = "https://api.botframework.com";

    private TempFolder _folder = null!;
    private BotConnectorStub _connector = null!;
    private TestTokenIssuer _tokens = null!;
    private TeamsHost _host = null!;
    private TeamsActivities _teams = null!;

    [SetUp]
    public async Task Start()
    {
        _folder = new TempFolder();
        _connector = await BotConnectorStub.StartAsync();
        _tokens = new TestTokenIssuer();
        _connector.Issuer = Issuer;
        _connector.Members[Bo.Id] = (Bo.AadObjectId, Bo.Name);
        _connector.Jwks = _tokens.Jwks();
        _host = new TeamsHost(_connector, _folder.File("bot.db"), new Dictionary<string, string?>
        {
            ["MicrosoftAppId"] = AppId,
            ["MicrosoftAppPassword"] = "not-a-real-secret",
            ["MicrosoftAppType"] = "MultiTenant",
            ["ToBotFromChannelOpenIdMetadataUrl"] = _connector.OpenIdMetadataUrl,
            ["ToBotFromChannelTokenIssuer"] = Issuer,
            // Outbound token settings Bot Framework needs once any endpoint is customised (the test credentials ignore them).
            ["ToChannelFromBotLoginUrl"] = "https://login.microsoftonline.com/botframework.com",
            ["ToChannelFromBotOAuthScope"] = "https://api.botframework.com",
            ["OAuthUrl"] = "https://api.botframework.com",
        }, AppId);
        _teams = new TeamsActivities(_connector.ServiceUrl);
    }

    [TearDown]
    public async Task Stop()
    {
        await _host.DisposeAsync();
        await _connector.DisposeAsync();
        _tokens.Dispose();
        _folder.Dispose();
    }

    private string Kudos(string id) => _teams.ChannelMessage(id, Ann, "kudos <at>Bo Chen</at> for the review", Bo);

    [Test]
    public async Task A_correctly_signed_request_is_handled_and_the_reply_carries_the_bots_token()
    {
        var response = await _host.PostActivityAsync(_teams.ChannelMessage("1732600000201", Ann, "help"),
            _tokens.Sign(Issuer, AppId, _connector.ServiceUrl));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var reply = _connector.SentActivities.Single();
        Assert.That(reply.Authorization, Is.EqualTo("Bearer " + TeamsHost.OutboundToken));
    }

    [Test]
    public async Task An_unsigned_request_is_rejected_and_changes_nothing()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = AppId, Expires = DateTime.UtcNow.AddMinutes(30),
            Claims = new Dictionary<string, object> { ["serviceurl"] = _connector.ServiceUrl },
        });

        var response = await _host.PostActivityAsync(Kudos("1732600000202"), unsigned);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await AssertNothingChangedAsync("1732600000202");
    }

    [Test]
    public async Task A_request_without_a_token_is_rejected()
    {
        var response = await _host.PostActivityAsync(Kudos("1732600000203"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await AssertNothingChangedAsync("1732600000203");
    }

    [Test]
    public async Task A_token_signed_with_another_key_is_rejected()
    {
        using var forger = RSA.Create(2048);

        var response = await _host.PostActivityAsync(Kudos("1732600000204"),
            _tokens.Sign(Issuer, AppId, _connector.ServiceUrl, signWith: forger));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await AssertNothingChangedAsync("1732600000204");
    }

    [TestCase("wrong audience")]
    [TestCase("wrong issuer")]
    [TestCase("wrong serviceUrl")]
    [TestCase("expired")]
    public async Task A_signed_token_with_wrong_claims_is_rejected(string what)
    {
        var token = what switch
        {
            "wrong audience" => _tokens.Sign(Issuer, Guid.NewGuid().ToString(), _connector.ServiceUrl),
            "wrong issuer" => _tokens.Sign("https://evil.example", AppId, _connector.ServiceUrl),
            "wrong serviceUrl" => _tokens.Sign(Issuer, AppId, "https://evil.example/teams/"),
            _ => _tokens.Sign(Issuer, AppId, _connector.ServiceUrl, expired: true),
        };

        var response = await _host.PostActivityAsync(Kudos("1732600000205"), token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), what);
        await AssertNothingChangedAsync("1732600000205");
    }

    [Test]
    public async Task A_key_not_endorsed_for_teams_is_rejected()
    {
        var response = await _host.PostActivityAsync(Kudos("1732600000206"),
            _tokens.Sign(Issuer, AppId, _connector.ServiceUrl, signWith: _tokens.OtherChannelKey, keyId: _tokens.OtherChannelKeyId));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await AssertNothingChangedAsync("1732600000206");
    }

    /// <summary>No reply was sent, and the kudos was not stored: the same activity, properly signed, is handled as new.</summary>
    private async Task AssertNothingChangedAsync(string activityId)
    {
        Assert.That(_connector.SentActivities, Is.Empty);
        var response = await _host.PostActivityAsync(Kudos(activityId), _tokens.Sign(Issuer, AppId, _connector.ServiceUrl));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var card = _connector.SentActivities.Single().Card!.ToJsonString();
        Assert.That(card, Does.Contain("has 4 of 5 kudos left"), "the rejected request had not used any budget");
    }
}
