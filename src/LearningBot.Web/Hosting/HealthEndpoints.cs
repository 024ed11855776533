using LearningBot.Core.Storage;

namespace LearningBot.Web.Hosting;

public static class HealthEndpoints
{
    /// <summary><c>/health/live</c>: the process answers. <c>/health</c> and <c>/health/ready</c>: storage answers too.</summary>
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Ok(new { status = "Healthy" }));
        app.MapGet("/health", ReadyAsync);
        app.MapGet("/health/ready", ReadyAsync);
    }

    private static async Task<IResult> ReadyAsync(IStorageHealth storage, CancellationToken cancellationToken)
    {
        var health = await storage.CheckAsync(cancellationToken);
        var body = new { status = health.IsHealthy ? "Healthy" : "Unhealthy", storage = health.Description };
        return health.IsHealthy ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
