using LearningBot.TestSupport;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Rest;

namespace LearningBot.Teams.Tests;

/// <summary>The real web host (Program) with a temp SQLite file and test configuration.</summary>
public sealed class TeamsHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string? _appId;

    private readonly string _environment;

    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">Replaces services after the host's own (e.g. a repository that fails on purpose).</param>
    public TeamsHost(BotConnectorStub connector, string databasePath, IDictionary<string, string?>? settings = null, string? appId = null,
        string environment = "Development", Action<IServiceCollection>? services = null)
    {
        _services = services;
        _environment = environment;
        _appId = appId;
        _settings = new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = databasePath,
            ["Playground:Enabled"] = "false",
            ["Teams:Proactive:BaseDelay"] = "00:00:00.050",
            ["Teams:Proactive:MaxDelay"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("TEAMS_TEST_LOG") ?? "Warning",
            // Lexical search unless a test needs meaning (it then sets MiniLM): loading the model costs every host a second.
            ["Search:Embeddings:Provider"] = "None",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public const string OutboundToken = "test-outbound-token";

    /// <summary>What the host logged (at the configured levels, Warning by default).</summary>
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }

        if (_appId is not null)
        {
            // Outgoing calls would fetch a token from Microsoft Entra, which does not exist offline; inbound
            // validation (what the auth tests check) still runs Bot Framework's real code against the stub's keys.
            builder.ConfigureTestServices(services =>
                services.AddSingleton<ServiceClientCredentialsFactory>(new StaticTokenCredentialsFactory(_appId)));
        }
    }

    public async Task<HttpResponseMessage> PostActivityAsync(string json, string? bearer = null)
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await client.SendAsync(request);
    }

    private sealed class StaticTokenCredentialsFactory(string appId) : ServiceClientCredentialsFactory
    {
        public override Task<bool> IsValidAppIdAsync(string appId1, CancellationToken cancellationToken) => Task.FromResult(appId1 == appId);

        public override Task<bool> IsAuthenticationDisabledAsync(CancellationToken cancellationToken) => Task.FromResult(false);

        public override Task<ServiceClientCredentials> CreateCredentialsAsync(string appId1, string audience, string loginEndpoint,
            bool validateAuthority, CancellationToken cancellationToken) => Task.FromResult<ServiceClientCredentials>(new StaticToken());
    }

    private sealed class StaticToken : ServiceClientCredentials
    {
        public override Task ProcessHttpRequestAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OutboundToken);
            return Task.CompletedTask;
        }
    }
}
