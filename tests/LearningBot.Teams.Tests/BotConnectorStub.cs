using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningBot.Teams.Tests;

/// <param name="ConversationIdHeader">Bot Framework's <c>x-ms-conversation-id</c> header, sent with every activity post.</param>
/// <param name="ContentLength">The body's declared length (null: chunked).</param>
public sealed record ConnectorRequest(string Method, string Path, string? Authorization, JsonNode? Body, string? ConversationIdHeader = null,
    long? ContentLength = null)
{
    public JsonObject? Card =>
        Body?["attachments"]?.AsArray().FirstOrDefault()?["content"]?.AsObject();
}

/// <summary>
/// A real HTTPS server on 127.0.0.1 standing in for the Bot Connector service (the activity's serviceUrl),
/// and for the OpenID metadata + JWKS endpoints Bot Framework fetches to validate incoming tokens.
/// Records every request; answers can be scripted (e.g. 429 twice, then 200). It can be stopped and started
/// again on the same port (an outage: connections are refused meanwhile); the request log survives.
/// </summary>
public sealed class BotConnectorStub : IAsyncDisposable
{
    private readonly ConcurrentQueue<ConnectorRequest> _requests = new();
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> _scriptedSendResults = new();
    private WebApplication? _app;
    private int _port;

    private BotConnectorStub()
    {
    }

    public string BaseUrl { get; private set; } = null!;

    /// <summary>The stub's self-signed certificate (see <see cref="TestCertificate"/>).</summary>
    public X509Certificate2 Certificate { get; private init; } = null!;


    public string ServiceUrl => BaseUrl + "/teams/";

    /// <summary>
    /// Unique per stub: Bot Framework caches OpenID metadata and keys per URL in static fields for the whole process, so a
    /// later test whose stub got the same port would otherwise be validated against an earlier test's keys.
    /// </summary>
    private readonly string _openIdPath = "/openid/" + Guid.NewGuid().ToString("N")[..12];

    public string OpenIdMetadataUrl => BaseUrl + _openIdPath + "/.well-known/openid-configuration";

    public IReadOnlyList<ConnectorRequest> Requests => _requests.ToList();

    /// <summary>Activities the bot posted (replies, proactive messages), in order.</summary>
    public IReadOnlyList<ConnectorRequest> SentActivities =>
        Requests.Where(r => r.Method == "POST" && r.Path.Contains("/v3/conversations/", StringComparison.Ordinal)).ToList();

    public IReadOnlyList<ConnectorRequest> UpdatedActivities => Requests.Where(r => r.Method == "PUT").ToList();

    /// <summary>The roster: Teams user id (29:…) → (Entra object id, name).</summary>
    public ConcurrentDictionary<string, (string AadObjectId, string Name)> Members { get; } = new();

    /// <summary>The JWKS document served to Bot Framework (set by auth tests).</summary>
    public string Jwks { get; set; } = """{"keys":[]}""";

    public string Issuer { get; set; } = "https://api.botframework.com";

    /// <summary>The next sends answer these statuses, in order; afterwards sends succeed.</summary>
    public void ScriptSendResults(params (int Status, string? RetryAfter)[] results)
    {
        foreach (var result in results)
        {
            _scriptedSendResults.Enqueue(result);
        }
    }

    public static async Task<BotConnectorStub> StartAsync()
    {
        // HTTPS, because Bot Framework (Microsoft.IdentityModel) refuses OpenID metadata over plain HTTP.
        var stub = new BotConnectorStub { Certificate = TestCertificate.Instance };
        await stub.ListenAsync(port: 0);
        stub.BaseUrl = stub._app!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        stub._port = new Uri(stub.BaseUrl).Port;
        return stub;
    }

    /// <summary>An outage: the connector stops listening, so every call is refused at the TCP level.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The connector is back on the same address (what the bot's stored serviceUrl points at).</summary>
    public async Task RestartAsync()
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The stub is already running.");
        }

        // The port was just released; binding again may briefly fail while the OS lets go of it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ListenAsync(_port);
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(Certificate)));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(HandleAsync);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        if (path == _openIdPath + "/.well-known/openid-configuration")
        {
            await context.Response.WriteAsJsonAsync(new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["jwks_uri"] = BaseUrl + _openIdPath + "/keys",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt" },
            });
            return;
        }

        if (path == _openIdPath + "/keys")
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Jwks);
            return;
        }

        JsonNode? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            body = await JsonNode.ParseAsync(request.Body);
        }

        _requests.Enqueue(new ConnectorRequest(request.Method, path, request.Headers.Authorization.FirstOrDefault(), body,
            request.Headers["x-ms-conversation-id"].FirstOrDefault(), request.ContentLength));

        // GET {serviceUrl}/v3/conversations/{id}/members/{memberId}: the Teams roster API.
        var membersAt = path.IndexOf("/members/", StringComparison.Ordinal);
        if (request.Method == "GET" && membersAt >= 0)
        {
            var memberId = Uri.UnescapeDataString(path[(membersAt + "/members/".Length)..]);
            if (Members.TryGetValue(memberId, out var member))
            {
                await context.Response.WriteAsJsonAsync(new { id = memberId, name = member.Name, aadObjectId = member.AadObjectId, userRole = "user" });
            }
            else
            {
                context.Response.StatusCode = 404;
                await context.Response.WriteAsJsonAsync(new { error = new { code = "MemberNotFoundInConversation", message = "not found" } });
            }

            return;
        }

        if (request.Method == "POST" && _scriptedSendResults.TryDequeue(out var scripted))
        {
            context.Response.StatusCode = scripted.Status;
            if (scripted.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = scripted.RetryAfter;
            }

            await context.Response.WriteAsJsonAsync(new { error = new { code = "Scripted", message = $"status {scripted.Status}" } });
            return;
        }

        await context.Response.WriteAsJsonAsync(new { id = "sent-" + Guid.NewGuid().ToString("N")[..8] });
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
