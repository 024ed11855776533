using Microsoft.Extensions.Options;

namespace LearningBot.Web.Dashboard;

/// <summary>
/// The address the current request reached the host at (<c>scheme://host[/path base]</c>), kept for the whole logical flow
/// of the request: private links are made absolute from it when <c>Dashboard:PublicBaseUrl</c> is not set. An
/// <see cref="AsyncLocal{T}"/> rather than <c>IHttpContextAccessor</c>, because Slack's work may finish after the request was
/// acknowledged and its <c>HttpContext</c> is gone.
/// </summary>
public static class RequestOrigin
{
    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>The origin of the request this code runs for; null outside a request (e.g. the scheduler).</summary>
    public static string? Value => Current.Value;

    /// <summary>
    /// Records each request's origin before the rest of the pipeline runs, outside Production only: the Host header is not
    /// covered by Slack's signature or Bot Framework's token, so in Production links are made only from the configured
    /// <c>Dashboard:PublicBaseUrl</c> (without it they are relative, and chat shows their label without the token).
    /// </summary>
    public static IApplicationBuilder UseRequestOrigin(this WebApplication app)
    {
        if (app.Environment.IsProduction())
        {
            if (string.IsNullOrWhiteSpace(app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value.PublicBaseUrl))
            {
                app.Logger.LogWarning("Dashboard:PublicBaseUrl is not set: private links in Slack and Teams cannot be opened (set it to this host's public address).");
            }

            return app;
        }

        return app.Use((context, next) => Record(context, next));
    }

    private static Task Record(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        Current.Value = request.Host.HasValue ? $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}" : null;
        return next(context);
    }
}
