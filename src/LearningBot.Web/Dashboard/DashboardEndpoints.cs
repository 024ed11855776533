using System.Security.Claims;
using System.Text;
using LearningBot.Core.Commands;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Privacy;
using LearningBot.Core.Replies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace LearningBot.Web.Dashboard;

/// <summary>
/// The team dashboard and data downloads. Nothing here is open: a signed link from a private chat reply
/// signs the person in (a cookie naming their team), and a dashboard answers only its own team's members.
/// </summary>
public static class DashboardEndpoints
{
    public const string TeamClaim = "learningbot:team";

    public static void AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DashboardOptions>()
            .Bind(builder.Configuration.GetSection(DashboardOptions.Section))
            .Validate(o => o.SigningKey is null || o.SigningKey.Length >= 32, "Dashboard:SigningKey must be at least 32 characters.")
            .Validate(o => o.PublicBaseUrl is null || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _),
                "Dashboard:PublicBaseUrl must be an absolute URL such as https://learningbot.example.com.")
            .Validate(o => o.LinkLifetime > TimeSpan.Zero && o.LinkLifetime <= TimeSpan.FromDays(1), "Dashboard:LinkLifetime must be between 0 and 1 day.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SignedLinks>();
        builder.Services.AddSingleton<LearningBot.Core.Insights.IPrivateLinks>(sp => sp.GetRequiredService<SignedLinks>());
        builder.Services.AddSingleton<DashboardData>();
        builder.Services.AddSingleton<TeamActivityExport>();
        builder.Services.AddSingleton<ForgottenCredentials>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "learningbot.dashboard";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = false;
                // An API caller gets a status code, not a redirect to a login page that does not exist.
                options.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
                // "forget me" ends the person's sessions: checked on every request that carries the cookie.
                options.Events.OnValidatePrincipal = ForgottenCredentials.ValidateAsync;
            });
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<SignedLinks>((options, links) => options.TicketDataFormat = new TicketDataFormat(links.CookieProtector));
        builder.Services.AddAuthorization();
    }

    public static void MapDashboard(this WebApplication app)
    {
        app.MapGet("/dashboard/signin", async (string? token, string? to, SignedLinks links, ForgottenCredentials forgotten, TimeProvider time,
            HttpContext http) =>
        {
            if (links.Read(token) is not { Purpose: SignedLinks.DashboardPurpose } claims
                || await forgotten.IsRevokedAsync(claims.TeamId, claims.UserId, claims.IssuedAt, http.RequestAborted))
            {
                return Page(StatusCodes.Status401Unauthorized, "This link is not valid any more",
                    "Links to the dashboard work for a short while. Ask LearningBot for insights again to get a fresh one.");
            }

            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, claims.UserId), new Claim(TeamClaim, claims.TeamId), ForgottenCredentials.Issued(time.GetUtcNow())],
                CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            // Only two destinations exist, so "to" cannot send anyone elsewhere.
            return Results.Redirect(to == "me" ? "/me" : "/dashboard/" + Uri.EscapeDataString(claims.TeamId));
        });

        app.MapGet("/dashboard/{team}", (string team, HttpContext http, IWebHostEnvironment environment) =>
            Refusal(http, team) ?? Results.File(Path.Combine(environment.WebRootPath, "dashboard", "index.html"), "text/html; charset=utf-8"));

        app.MapGet("/api/dashboard/{team}", async (string team, bool? names, HttpContext http, DashboardData data, CancellationToken ct) =>
            Refusal(http, team) ?? Results.Ok(await data.BuildAsync(team, names ?? true, ct)));

        app.MapGet("/me", (HttpContext http, IWebHostEnvironment environment) =>
            http.User.FindFirstValue(TeamClaim) is null
                ? Page(StatusCodes.Status401Unauthorized, "Sign in through LearningBot",
                    "Say \"me\" to LearningBot in Slack or Teams: the reply has a private link to this page.")
                : Results.File(Path.Combine(environment.WebRootPath, "me", "index.html"), "text/html; charset=utf-8"));

        // The personal page shows what the "me" command answers, run for the signed-in person.
        app.MapGet("/api/me", async (HttpContext http, CommandPipeline pipeline, IMemberRepository members, CancellationToken ct) =>
        {
            if (http.User.FindFirstValue(TeamClaim) is not { } teamId || http.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
            {
                return Results.Unauthorized();
            }

            var names = await members.GetDisplayNamesAsync(teamId, [userId], ct);
            var reply = await pipeline.HandleAsync(
                new IncomingMessage(teamId, userId, names.GetValueOrDefault(userId, userId), "me", "web:" + Guid.NewGuid().ToString("N"))
                {
                    Platform = "web",
                    IsReadOnly = true, // a page view is not someone using the bot: it records no member
                }, ct);
            return Results.Json(new { team = teamId, reply }, ReplyJson.Options);
        });

        app.MapGet("/export", async (string? token, SignedLinks links, IPersonalDataStore personal, TeamActivityExport teamExport,
            ForgottenCredentials forgotten, CancellationToken ct) =>
        {
            var claims = links.Read(token);
            if (claims is not null && await forgotten.IsRevokedAsync(claims.TeamId, claims.UserId, claims.IssuedAt, ct))
            {
                claims = null; // made before its person was forgotten
            }

            if (claims?.Purpose == SignedLinks.ExportPurpose(ExportScope.Me))
            {
                var data = await personal.ExportAsync(claims.TeamId, claims.UserId, ct);
                return Results.File(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(data, ReplyJson.Options), "application/json",
                    "learningbot-my-data.json");
            }

            if (claims?.Purpose == SignedLinks.ExportPurpose(ExportScope.Team))
            {
                return Results.File(Encoding.UTF8.GetBytes(await teamExport.CsvAsync(claims.TeamId, ct)), "text/csv; charset=utf-8",
                    "learningbot-team.csv");
            }

            return Page(StatusCodes.Status401Unauthorized, "This download link is not valid any more",
                "Download links work for a short while. Ask LearningBot to export again.");
        });
    }

    /// <summary>Null when the signed-in person belongs to <paramref name="team"/>; otherwise the refusal to send.</summary>
    private static IResult? Refusal(HttpContext http, string team)
    {
        var signedInTeam = http.User.FindFirstValue(TeamClaim);
        if (signedInTeam is null)
        {
            return Page(StatusCodes.Status401Unauthorized, "Sign in through LearningBot",
                "Ask LearningBot for insights in Slack or Teams: the reply has a private link that signs you in.");
        }

        return signedInTeam == team
            ? null
            : Page(StatusCodes.Status403Forbidden, "This dashboard belongs to another team",
                "You are signed in for a different team. Each team's dashboard is visible to its own members only.");
    }

    private static IResult Page(int status, string title, string message) => Results.Content(
        $"""
         <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
         <title>{System.Net.WebUtility.HtmlEncode(title)} · LearningBot</title><link rel="stylesheet" href="/assets/dashboard.css"></head>
         <body class="notice"><main><h1>{System.Net.WebUtility.HtmlEncode(title)}</h1><p>{System.Net.WebUtility.HtmlEncode(message)}</p></main></body></html>
         """, "text/html; charset=utf-8", Encoding.UTF8, status);
}

/// <summary>The team export: learnings (not private ones), kudos and shared answers as one CSV.</summary>
public sealed class TeamActivityExport(ILearningRepository learnings, IKudosRepository kudos, IKnowledgeRepository knowledge)
{
    public async Task<string> CsvAsync(string teamId, CancellationToken cancellationToken)
    {
        var csv = new StringBuilder("type,created_at,person,text,tags,minutes,to\r\n");
        void Row(params string?[] cells) => csv.Append(string.Join(',', cells.Select(Cell))).Append("\r\n");
        foreach (var entry in await learnings.ListAsync(new LearningQuery(teamId, null, null, 1_000_000), cancellationToken))
        {
            Row("learning", entry.CreatedAt.ToString("o"), entry.UserId, entry.Text, string.Join(' ', entry.Tags), entry.Minutes?.ToString(), null);
        }

        foreach (var gift in await kudos.ListSinceAsync(teamId, DateTimeOffset.MinValue, 1_000_000, cancellationToken))
        {
            Row("kudos", gift.CreatedAt.ToString("o"), gift.GiverId, gift.Reason, gift.Value, null, string.Join(' ', gift.ReceiverIds));
        }

        foreach (var post in await knowledge.ListAsync(new KnowledgeQuery(teamId, null, null, 1_000_000), cancellationToken))
        {
            Row("shared-answer", post.CreatedAt.ToString("o"), post.AuthorId, post.Question + " :: " + post.Answer, string.Join(' ', post.Tags), null, null);
        }

        return csv.ToString();
    }

    /// <summary>RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula.</summary>
    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
