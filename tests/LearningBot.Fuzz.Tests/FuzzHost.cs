using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using LearningBot.Slack.Verification;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace LearningBot.Fuzz.Tests;

/// <summary>
/// The real web host (Program) on a temp SQLite file with Slack, Teams and the playground all on, a WireMock server
/// on loopback standing in for Slack's Web API and the Bot Connector, and every log line captured.
/// </summary>
public sealed class FuzzHost : IAsyncDisposable
{
    public const string SigningSecret = "fuzz-signing-secret-5b2f0c1d9e8a7b6c";
    public const string BotToken = "xoxb-fuzz-bot-token-3e4f5a6b7c8d";
    public const string ClientSecret = "fuzz-client-secret-9f8e7d6c5b4a";
    public const string DashboardKey = "fuzz-dashboard-signing-key-0123456789abcdef";

    private readonly TempFolder _folder = new();

    public FuzzHost(IDictionary<string, string?>? overrides = null)
    {
        Platform = WireMockServer.Start();
        Platform.Given(Request.Create().UsingAnyMethod()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("{\"ok\":true,\"id\":\"1\",\"channel\":{\"id\":\"D1\"},\"user\":{\"id\":\"U1\",\"name\":\"x\",\"profile\":{}}}"));
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = _folder.File("fuzz.db"),
            ["Playground:Enabled"] = "true",
            ["Scheduler:Enabled"] = "false",
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:BotToken"] = BotToken,
            ["Slack:ClientId"] = "1234.5678",
            ["Slack:ClientSecret"] = ClientSecret,
            ["Slack:ApiBaseUrl"] = Platform.Url + "/api/",
            ["Slack:ApiRetryBaseDelay"] = "00:00:00.010",
            ["Dashboard:SigningKey"] = DashboardKey,
            ["Teams:Proactive:BaseDelay"] = "00:00:00.010",
            ["Teams:Proactive:MaxDelay"] = "00:00:00.050",
            ["Logging:LogLevel:Default"] = "Trace",
            // appsettings.json quiets these; here every line is wanted (outgoing calls are where a token could leak).
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
            ["Logging:LogLevel:Polly"] = "Trace",
            ["Logging:LogLevel:Microsoft.Bot"] = "Trace",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        });
        try
        {
            Client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        }
        catch
        {
            // Start-up refused (what configuration tests look for): release what was started before rethrowing.
            Platform.Stop();
            Platform.Dispose();
            _folder.Dispose();
            throw;
        }
    }

    public WireMockServer Platform { get; }

    public WebApplicationFactory<Program> Factory { get; }

    public HttpClient Client { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public string ServiceUrl => Platform.Url + "/teams/";

    public string DatabasePath => _folder.File("fuzz.db");

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>Signed exactly as Slack signs, so verification passes and the parser behind it is what gets tested.</summary>
    public async Task<HttpResponseMessage> PostSlackAsync(string path, byte[] body, string? contentType, long? timestamp = null, string? signature = null)
    {
        var ts = (timestamp ?? Now).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        request.Headers.Add(SlackSignature.TimestampHeader, ts);
        request.Headers.Add(SlackSignature.SignatureHeader, signature ?? SlackSignature.Compute(SigningSecret, ts, body));
        return await Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostSlackAsync(string path, string body, string? contentType = "application/x-www-form-urlencoded") =>
        PostSlackAsync(path, Encoding.UTF8.GetBytes(body), contentType);

    public async Task<HttpResponseMessage> PostAsync(string path, string body, string? contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Waits until acknowledged Slack work has run, so failures in the background show in the logs.</summary>
    public async Task DrainAsync()
    {
        var queue = Factory.Services.GetRequiredService<LearningBot.Slack.Adapter.SlackWorkQueue>();
        var watch = Stopwatch.StartNew();
        while (queue.Pending > 0 && watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(10);
        }

        Assert.That(queue.Pending, Is.Zero, "Slack work still pending after 20 s");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        Platform.Stop();
        Platform.Dispose();
        _folder.Dispose();
    }
}
