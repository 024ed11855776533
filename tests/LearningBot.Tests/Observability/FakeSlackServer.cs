using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LearningBot.Tests.Observability;

/// <summary>
/// Slack's Web API and response_url on loopback (Kestrel), answering with failures on purpose so the host's
/// error paths run and log: users.info says invalid_auth, oauth.v2.access invalid_code, response_url 500.
/// </summary>
public sealed class FakeSlackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeSlackServer(WebApplication app) => _app = app;

    public string Url { get; private set; } = string.Empty;

    public ConcurrentQueue<string> Calls { get; } = new();

    public static async Task<FakeSlackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeSlackServer(app);
        app.MapPost("/api/{method}", (string method) =>
        {
            server.Calls.Enqueue(method);
            return method switch
            {
                "users.info" => Results.Json(new { ok = false, error = "invalid_auth" }),
                "oauth.v2.access" => Results.Json(new { ok = false, error = "invalid_code" }),
                _ => Results.Json(new { ok = true, ts = "1700000000.000100", channel = "C0001" }),
            };
        });
        app.MapPost("/response/{id}", (string id) =>
        {
            server.Calls.Enqueue("response/" + id);
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        });
        // A response_url in Slack's own shape (hooks.slack.com/commands/{team}/{id}/{secret}), answered like Slack does.
        app.MapPost("/commands/{team}/{id}/{secret}", () =>
        {
            server.Calls.Enqueue("commands");
            return Results.Text("ok");
        });
        await app.StartAsync();
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
