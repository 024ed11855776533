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

    /// <summary>Records each request's origin before the rest of the pipeline runs.</summary>
    public static IApplicationBuilder UseRequestOrigin(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var request = context.Request;
        Current.Value = request.Host.HasValue ? $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}" : null;
        return next(context);
    });
}
