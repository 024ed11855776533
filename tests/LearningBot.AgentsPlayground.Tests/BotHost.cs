using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningBot.AgentsPlayground.Tests;

/// <summary>
/// The real web host (LearningBot.Web's Program) on a free 127.0.0.1 port, as a developer runs it for the Agents
/// Playground: Development, no <c>MicrosoftAppId</c> (anonymous Bot Framework auth), its own SQLite file.
/// </summary>
public sealed class BotHost : WebApplicationFactory<Program>
{
    private readonly string _databasePath;
    private readonly string _adminAadObjectId;

    public BotHost(string databasePath, string adminAadObjectId)
    {
        _databasePath = databasePath;
        _adminAadObjectId = adminAadObjectId;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>Starts the host; returns its messaging endpoint, e.g. <c>http://127.0.0.1:40123/api/messages</c>.</summary>
    public Uri Start()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Uri(address.TrimEnd('/') + "/api/messages");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Storage:Provider", "Sqlite");
        builder.UseSetting("Storage:Sqlite:Path", _databasePath);
        builder.UseSetting("Playground:Enabled", "false");
        // The playground's signed-in user is the team admin, so the channel prompt can be set.
        builder.UseSetting("Teams:AdminUserIds:0", _adminAadObjectId);
        // Prompts posted by "prompt now" go out through the outbox: poll it often so the suite stays quick.
        builder.UseSetting("Scheduler:PollInterval", "00:00:00.200");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
