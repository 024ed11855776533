using System.Globalization;
using System.Security.Claims;
using LearningBot.Core.Privacy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace LearningBot.Web.Dashboard;

/// <summary>
/// Ends a forgotten person's sessions and links. Cookies and links are stateless (AES-GCM / HMAC), so each carries when it
/// was issued and is checked on use against the team's "forgotten at" stamp (<see cref="IPersonalDataStore.ForgottenAtAsync"/>,
/// one indexed read in SQLite, one point read in Cosmos): anything issued at or before it is refused.
/// </summary>
public sealed class ForgottenCredentials(IPersonalDataStore store)
{
    /// <summary>Claim in the sign-in cookie: when it was issued, in Unix milliseconds (invariant digits).</summary>
    public const string IssuedClaim = "learningbot:issued";

    /// <summary>True when the person was forgotten at or after <paramref name="issuedAt"/>.</summary>
    public async Task<bool> IsRevokedAsync(string teamId, string userId, DateTimeOffset issuedAt, CancellationToken cancellationToken) =>
        await store.ForgottenAtAsync(teamId, userId, cancellationToken) is { } forgottenAt && issuedAt <= forgottenAt;

    public static Claim Issued(DateTimeOffset at) =>
        new(IssuedClaim, at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64);

    /// <summary>
    /// The cookie handler's <c>OnValidatePrincipal</c>: a cookie of a forgotten person (or one without any issue time, which
    /// cannot be checked) is rejected and deleted, so the request is anonymous (401) from then on. Cookies made before the
    /// issued claim existed fall back to the ticket's own issue time (whole seconds).
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var teamId = principal?.FindFirstValue(DashboardEndpoints.TeamClaim);
        var userId = principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        DateTimeOffset? issuedAt = long.TryParse(principal?.FindFirstValue(IssuedClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : context.Properties.IssuedUtc;
        var valid = teamId is not null && userId is not null && issuedAt is { } issued
                    && !await context.HttpContext.RequestServices.GetRequiredService<ForgottenCredentials>()
                        .IsRevokedAsync(teamId, userId, issued, context.HttpContext.RequestAborted);
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}
