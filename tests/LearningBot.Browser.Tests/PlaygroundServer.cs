using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningBot.Browser.Tests;

/// <summary>
/// The real web host (LearningBot.Web's Program) on a real loopback socket, storing in its own SQLite file.
/// A browser needs a real port: the default in-memory TestServer is only reachable through HttpClient.
/// </summary>
public sealed class PlaygroundServer : WebApplicationFactory<Program>
{
    private readonly string databasePath;

    public PlaygroundServer(string databasePath)
    {
        this.databasePath = databasePath;
        // 127.0.0.1 rather than "localhost": port 0 (a free port picked by the OS) needs one concrete address.
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>Starts the host and returns its base address, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.SingleOrDefault()
            ?? throw new InvalidOperationException($"Expected one listening address, got: {string.Join(", ", addresses)}");
        return new Uri(address.TrimEnd('/') + "/");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting (not ConfigureAppConfiguration): Program reads Storage while building, before
        // configuration added by later callbacks would be visible.
        builder.UseEnvironment("Development");
        builder.UseSetting("Storage:Provider", "Sqlite");
        builder.UseSetting("Storage:Sqlite:Path", databasePath);
        builder.UseSetting("Playground:Enabled", "true");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
