using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LearningBot.Core.Commands;
using LearningBot.Core.Insights;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace LearningBot.Web.Dashboard;

/// <summary>Bound from the <c>Dashboard</c> section.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// The HMAC key for private links (at least 32 characters). Unset: a random key per process, so links
    /// stop working on restart and across instances — fine locally, set it in production.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// The public address of this host (e.g. <c>https://learningbot.example.com</c>). Unset outside Production: links are made
    /// absolute from the address the chat request reached the host at (<see cref="RequestOrigin"/>), which is right when nothing
    /// rewrites the request on the way (a tunnel or a plain host). Unset in Production: links are relative (the Host header is
    /// not trusted there), so set it, as also behind a TLS-terminating proxy.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>What a verified link says: who it was made for, for what, and when it was made.</summary>
public sealed record LinkClaims(string TeamId, string UserId, string Purpose, DateTimeOffset IssuedAt);

/// <summary>
/// Signed, expiring links: <c>base64url(json) "." base64url(HMAC-SHA256(key, json))</c>. The link is the
/// credential, so it is short-lived and handed out only in a private reply.
/// </summary>
public sealed class SignedLinks : IPrivateLinks
{
    public const string DashboardPurpose = "dashboard";
    private readonly byte[] _key;
    private readonly string _baseUrl;
    private readonly TimeProvider _time;

    public SignedLinks(IOptions<DashboardOptions> options, TimeProvider time, ILogger<SignedLinks> logger)
    {
        _time = time;
        Lifetime = options.Value.LinkLifetime;
        _baseUrl = options.Value.PublicBaseUrl?.TrimEnd('/') ?? string.Empty;
        if (string.IsNullOrEmpty(options.Value.SigningKey))
        {
            _key = RandomNumberGenerator.GetBytes(32);
            logger.LogWarning("Dashboard:SigningKey is not set: private links use a random key and stop working when this process restarts.");
        }
        else
        {
            _key = Encoding.UTF8.GetBytes(options.Value.SigningKey);
        }
    }

    public TimeSpan Lifetime { get; }

    /// <summary>Protects the sign-in cookie under the same secret as the links, so it holds across instances and restarts.</summary>
    internal Microsoft.AspNetCore.DataProtection.IDataProtector CookieProtector => new SigningKeyProtector(_key, "dashboard-cookie");

    public string Dashboard(string teamId, string userId) => $"{BaseUrl}/dashboard/signin?token={Create(teamId, userId, DashboardPurpose)}";

    public string Personal(string teamId, string userId) => Dashboard(teamId, userId) + "&to=me";

    public string Export(string teamId, string userId, ExportScope scope) =>
        $"{BaseUrl}/export?token={Create(teamId, userId, ExportPurpose(scope))}";

    /// <summary>
    /// The configured public address; else the one the current request came in at; else empty (a relative link, which chat
    /// renderers show as text without the token). The request is one Slack or Teams signed (or the local playground), so its
    /// Host is the address the platform was configured to call.
    /// </summary>
    private string BaseUrl => _baseUrl.Length > 0 ? _baseUrl : RequestOrigin.Value ?? string.Empty;

    public static string ExportPurpose(ExportScope scope) => scope == ExportScope.Me ? "export-me" : "export-team";

    public string Create(string teamId, string userId, string purpose)
    {
        var now = _time.GetUtcNow();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(teamId, userId, purpose, (now + Lifetime).ToUnixTimeSeconds(),
            now.ToUnixTimeMilliseconds()));
        return WebEncoders.Base64UrlEncode(payload) + "." + WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_key, payload));
    }

    /// <summary>The claims of a genuine, unexpired token; null for anything else (forged, altered, expired, malformed).</summary>
    public LinkClaims? Read(string? token)
    {
        var parts = token?.Split('.');
        if (parts is not { Length: 2 })
        {
            return null;
        }

        try
        {
            var payload = WebEncoders.Base64UrlDecode(parts[0]);
            var signature = WebEncoders.Base64UrlDecode(parts[1]);
            if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, payload)))
            {
                return null;
            }

            var claims = JsonSerializer.Deserialize<Payload>(payload);
            return claims is not null && claims.Expires > _time.GetUtcNow().ToUnixTimeSeconds()
                ? new LinkClaims(claims.Team, claims.User, claims.Purpose, DateTimeOffset.FromUnixTimeMilliseconds(claims.Issued))
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <param name="Issued">Unix milliseconds: a link made before the person was forgotten is refused (links made before this field read as 0).</param>
    private sealed record Payload(string Team, string User, string Purpose, long Expires, long Issued = 0);
}
