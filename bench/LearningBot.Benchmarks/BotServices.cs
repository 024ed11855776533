using LearningBot.Core;
using LearningBot.Core.Commands;
using LearningBot.Core.Insights;
using LearningBot.Core.Storage;
using LearningBot.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Benchmarks;

/// <summary>
/// The bot's services wired exactly as the web host wires them (Program.cs: AddLearningBotCore, then the
/// SQLite storage, then every IStorageInitializer), minus ASP.NET Core itself. Logging has no providers,
/// as a host with logging filtered out would: the benchmarks measure the bot, not the console.
/// </summary>
public static class BotServices
{
    public static async Task<ServiceProvider> StartAsync(string databasePath)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLearningBotCore();
        services.AddSqliteStorage(databasePath);
        services.AddSingleton<IPrivateLinks, BenchLinks>(); // the web host registers signed links; the commands only need one
        var provider = services.BuildServiceProvider();
        foreach (var initializer in provider.GetServices<IStorageInitializer>())
        {
            await initializer.InitializeAsync(CancellationToken.None);
        }

        return provider;
    }
}

/// <summary>Stands in for the web host's signed private links (dashboard, export), which need the host's signing key.</summary>
internal sealed class BenchLinks : IPrivateLinks
{
    public TimeSpan Lifetime => TimeSpan.FromMinutes(15);

    public string Dashboard(string teamId, string userId) => $"https://links.bench/dashboard/{teamId}/{userId}";

    public string Export(string teamId, string userId, ExportScope scope) => $"https://links.bench/export/{scope}/{teamId}/{userId}";
}
