using System.Text.Json.Serialization;
using LearningBot.Core;
using LearningBot.Core.Conversations;
using LearningBot.Core.Prompts;
using LearningBot.Core.Storage;
using LearningBot.Embeddings;
using LearningBot.Slack.Hosting;
using LearningBot.Teams.Hosting;
using LearningBot.Web.Dashboard;
using LearningBot.Web.Hosting;
using LearningBot.Web.Playground;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

var builder = WebApplication.CreateBuilder(args);
builder.AddObservability(); // JSON console logs option; OpenTelemetry export when OTEL_EXPORTER_OTLP_ENDPOINT / APPLICATIONINSIGHTS_CONNECTION_STRING is set
builder.AddLogRedaction(); // link tokens, OAuth code/state and Slack response_url paths never reach a log, at any level

builder.Services.AddLearningBotCore();
builder.AddConfiguredStorage();
// Hybrid search: the packaged embedding model (Search:Embeddings:Provider, default MiniLM; None = lexical only) and the
// background worker that embeds new documents. After storage: the worker drains the store's IEmbeddingStore.
builder.Services.AddLearningBotEmbeddings(builder.Configuration);
builder.AddSlack(); // no-op unless the Slack section configures it
builder.AddTeams(); // POST /api/messages; anonymous (Emulator-only) when MicrosoftAppId is not configured
builder.Services.ConfigureHttpJsonOptions(options =>
    options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
// A malformed body is answered with its reason (e.g. "The body is not valid JSON: … LineNumber: 0 | BytePositionInLine: 1"),
// in every environment: minimal APIs throw BadHttpRequestException for it only when ThrowOnBadRequest is on.
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
{
    if (context.Exception is BadHttpRequestException bad)
    {
        context.ProblemDetails.Detail = bad.InnerException is System.Text.Json.JsonException json
            ? "The body is not valid JSON: " + json.Message
            : bad.Message;
    }
});
builder.Services.AddOptions<SchedulerOptions>()
    .Bind(builder.Configuration.GetSection(SchedulerOptions.Section))
    .Validate(o => o.PollInterval > TimeSpan.Zero && o.GraceWindow >= TimeSpan.Zero && o.MaxParallelSends > 0 && o.BatchSize > 0,
        "Scheduler: PollInterval must be positive, GraceWindow not negative, MaxParallelSends and BatchSize at least 1.")
    .ValidateOnStart();
builder.Services.AddHostedService<SchedulerHostedService>();
builder.AddDashboard();
builder.AddRequestLimits();

// The playground accepts any team and user name, so it is for local use: on unless running in Production.
var playgroundEnabled = builder.Configuration.GetValue("Playground:Enabled", !builder.Environment.IsProduction());
if (playgroundEnabled)
{
    builder.Services.AddSingleton<PlaygroundFeed>();
    builder.Services.AddSingleton<IProactiveMessenger, PlaygroundMessenger>();
}

var app = builder.Build();

foreach (var initializer in app.Services.GetServices<IStorageInitializer>())
{
    await initializer.InitializeAsync(app.Lifetime.ApplicationStopping);
}

// Malformed bodies surface as BadHttpRequestException (always in Development): answer with its 4xx, not a 500.
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
    // A client's malformed request is not a server error: answered with its 4xx, not logged as an unhandled exception.
    SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
});
app.UseStatusCodePages();
app.UseChatActivity(); // requests in flight: the background embedder waits for a gap (docs/search.md, "Background embedding cost")
app.UseRequestOrigin(); // private links made absolute from the address the platform called, when no public address is set
app.UseRequestLimits(); // 413 for bodies over the per-endpoint limit, 408 for bodies late past RequestLimits:BodyTimeout
// Unverified chat requests are refused before they can take a chat slot: no Slack signature (or a wrong one), or no
// Teams bearer token, is a 401 here; then the chat body is read whole and only then waits for a slot.
app.UseSlackVerification();
app.UseTeamsBearerRequired();
app.UseChatConcurrencyLimit(); // RequestLimits:MaxConcurrentChatRequests in flight, then the queue, then 503
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.MapHealthEndpoints();
app.MapDashboard();
app.MapSlack();
app.MapTeams();
if (playgroundEnabled)
{
    app.MapGet("/", (IWebHostEnvironment environment) =>
        Results.File(Path.Combine(environment.WebRootPath, "index.html"), "text/html; charset=utf-8"));
    app.MapPlayground();
}

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (var address in addresses)
    {
        app.Logger.LogInformation("LearningBot is running: {Address}/ {What}", address.TrimEnd('/'),
            playgroundEnabled ? "(open it for the chat playground)" : "(playground disabled)");
    }
});

app.Run();
