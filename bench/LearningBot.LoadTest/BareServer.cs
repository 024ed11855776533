using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LearningBot.LoadTest;

/// <summary>
/// The ceiling: ASP.NET Core answering 200 to every POST and nothing else, in its own process on the same
/// machine, driven by the same client. What the real host adds per request is the difference.
/// </summary>
public static class BareServer
{
    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapGet("/health/live", () => Results.Ok());
        app.MapPost("/{**path}", () => Results.Ok());
        await app.RunAsync();
    }
}
