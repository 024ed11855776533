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

    /// <summary>The JWKS; Bot Framework only accepts a key whose endorsements name the activity's channel.</summary>
    public string Jwks() => new JsonObject
    {
        ["keys"] = new JsonArray(Key(_key, KeyId, "msteams"), Key(_otherChannelKey, OtherChannelKeyId, "skype")),
    }.ToJsonString();

    private static JsonObject Key(RSA rsa, string keyId, string endorsement)
    {
        var parameters = rsa.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = keyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            ["endorsements"] = new JsonArray(endorsement),
        };
    }

    public string Sign(string issuer, string audience, string serviceUrl, bool expired = false, RSA? signWith = null, string? keyId = null)
    {
        var now = DateTime.UtcNow;
        var key = new RsaSecurityKey(signWith ?? _key) { KeyId = keyId ?? KeyId };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = expired ? now.AddHours(-2) : now.AddMinutes(-5),
            IssuedAt = expired ? now.AddHours(-2) : now.AddMinutes(-5),
            Expires = expired ? now.AddHours(-1) : now.AddMinutes(30),
            Subject = new ClaimsIdentity([new Claim("serviceurl", serviceUrl)]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose()
    {
        _key.Dispose();
        _otherChannelKey.Dispose();
    }
}
