using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LearningBot.Teams.Tests.Authentication;

/// <summary>Signs Bot Framework-style channel tokens with a test RSA key and publishes the key as a JWKS.</summary>
public sealed class TestTokenIssuer : IDisposable
{
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherChannelKey = RSA.Create(2048);

    public string KeyId { get; } = "test-key-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A second published key, endorsed only for another channel (Skype).</summary>
    public string OtherChannelKeyId { get; } = "skype-key-" + Guid.NewGuid().ToString("N")[..8];

    public RSA OtherChannelKey => _otherChannelKey;

    /// <summary>
    /// The channels the main key is endorsed for. Bot Framework's published keys are shared by many channels, so a token
    /// that is valid for Web Chat or Direct Line passes Bot Framework's own checks at a Teams bot's endpoint too.
    /// </summary>
    public static readonly string[] MainKeyEndorsements = ["msteams", "webchat", "directline", "emulator"];

    /// <summary>The JWKS; Bot Framework only accepts a key whose endorsements name the activity's channel.</summary>
    public string Jwks() => new JsonObject
    {
        ["keys"] = new JsonArray(Key(_key, KeyId, MainKeyEndorsements), Key(_otherChannelKey, OtherChannelKeyId, "skype")),
    }.ToJsonString();

    private static JsonObject Key(RSA rsa, string keyId, params string[] endorsements)
    {
        var parameters = rsa.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = keyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            ["endorsements"] = new JsonArray(endorsements.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
        };
    }

    /// <param name="tenantId">When set, the token carries it as the <c>tid</c> claim (as Entra-issued channel tokens do).</param>
    public string Sign(string issuer, string audience, string serviceUrl, bool expired = false, RSA? signWith = null, string? keyId = null,
        string? tenantId = null)
    {
        var claims = new List<Claim> { new("serviceurl", serviceUrl) };
        if (tenantId is not null)
        {
            claims.Add(new Claim("tid", tenantId));
        }

        var now = DateTime.UtcNow;
        var key = new RsaSecurityKey(signWith ?? _key) { KeyId = keyId ?? KeyId };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = expired ? now.AddHours(-2) : now.AddMinutes(-5),
            IssuedAt = expired ? now.AddHours(-2) : now.AddMinutes(-5),
            Expires = expired ? now.AddHours(-1) : now.AddMinutes(30),
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose()
    {
        _key.Dispose();
        _otherChannelKey.Dispose();
    }
}
