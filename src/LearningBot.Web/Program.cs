using System.Text.Json.Serialization;
using LearningBot.Core;
using LearningBot.Core.Storage;
using LearningBot.Teams.Hosting;
using LearningBot.Web.Hosting;
using LearningBot.Web.Playground;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddLearningBotCore();
builder.AddConfiguredStorage();
builder.AddTeams(); // POST /api/messages; anonymous (Emulator-only) when MicrosoftAppId is not configured
builder.Services.ConfigureHttpJsonOptions(options =>
    options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
builder.Services.AddProblemDetails();

// The playground accepts any team and user name, so it is for local use: on unless running in Production.
var playgroundEnabled = builder.Configuration.GetValue("Playground:Enabled", !builder.Environment.IsProduction());

var app = builder.Build();

foreach (var initializer in app.Services.GetServices<IStorageInitializer>())
{
    await initializer.InitializeAsync(app.Lifetime.ApplicationStopping);
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthEndpoints();
app.MapTeams();
if (playgroundEnabled)
{
    app.UseDefaultFiles();
    app.UseStaticFiles();
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
