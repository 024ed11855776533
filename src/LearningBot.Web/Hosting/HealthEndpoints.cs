using System.Text.Json.Nodes;
using LearningBot.Core.Diagnostics;
using LearningBot.Core.Storage;

namespace LearningBot.Web.Hosting;

public static class HealthEndpoints
{
    /// <summary>
    /// <c>/health/live</c>: the process answers. <c>/health</c> and <c>/health/ready</c>: storage answers and every
    /// <see cref="IReadinessCheck"/> is ready (e.g. a Slack Socket Mode connection is open), else 503; the body names each
    /// (<c>{"status":"Healthy","storage":"…","slackSocketMode":"2 connection(s) open"}</c>).
    /// </summary>
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Ok(new { status = "Healthy" }));
        app.MapGet("/health", ReadyAsync);
        app.MapGet("/health/ready", ReadyAsync);
    }

    private static async Task<IResult> ReadyAsync(IStorageHealth storage, IEnumerable<IReadinessCheck> checks, CancellationToken cancellationToken)
    {
        var health = await storage.CheckAsync(cancellationToken);
        var ready = health.IsHealthy;
        var body = new JsonObject { ["status"] = null, ["storage"] = health.Description };
        foreach (var check in checks)
        {
            var result = check.Check();
            ready &= result.IsReady;
            body[check.Name] = result.Description;
        }

        body["status"] = ready ? "Healthy" : "Unhealthy";
        return ready ? Results.Json(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
