using LearningBot.Core;
using LearningBot.Core.Commands;
using LearningBot.Core.Replies;
using LearningBot.Core.Storage;
using LearningBot.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LearningBot.Tests.Pipeline;

/// <summary>The real pipeline, every real handler, a real SQLite file and a clock the test controls.</summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ServiceProvider _services;

    private PipelineHarness(Action<IServiceCollection>? configure, string? databasePath)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddLearningBotCore();
        services.AddSqliteStorage(databasePath ?? _directory.File("pipeline.db"));
        services.AddSingleton<LearningBot.Core.Insights.IPrivateLinks, Insights.FixedLinks>(); // the web host signs real ones
        configure?.Invoke(services);
        _services = services.BuildServiceProvider();
    }

    /// <summary>Wednesday 25 Nov 2026, 10:00 UTC.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

    public IServiceProvider Services => _services;

    /// <param name="databasePath">Share one database file between harnesses (e.g. two "instances"); default: a file of its own.</param>
    public static async Task<PipelineHarness> StartAsync(Action<IServiceCollection>? configure = null, string? databasePath = null)
    {
        var harness = new PipelineHarness(configure, databasePath);
        foreach (var initializer in harness._services.GetServices<IStorageInitializer>())
        {
            await initializer.InitializeAsync(default);
        }

        return harness;
    }

    /// <summary>Sends text as an adapter would: <c>&lt;@id&gt;</c> mentions come with display names (here: the id, capitalised).</summary>
    public Task<BotReply> SendAsync(string user, string text, string? key = null, string team = "acme", bool admin = false,
        LearningBot.Core.Conversations.StoredConversation? conversation = null)
    {
        var mentions = System.Text.RegularExpressions.Regex.Matches(text, "<@([a-z]+)>")
            .Select(m => new MentionedMember(m.Groups[1].Value, Capitalise(m.Groups[1].Value)))
            .DistinctBy(m => m.UserId)
            .ToList();
        return _services.GetRequiredService<CommandPipeline>().HandleAsync(
            new IncomingMessage(team, user, Capitalise(user), text, key ?? Guid.NewGuid().ToString("N"))
            {
                IsTeamAdmin = admin,
                Mentions = mentions,
                Conversation = conversation,
            },
            default);
    }

    public async Task<string> SendTextAsync(string user, string text, string? key = null, string team = "acme", bool admin = false) =>
        PlainTextRenderer.Render(await SendAsync(user, text, key, team, admin));

    private static string Capitalise(string user) => char.ToUpperInvariant(user[0]) + user[1..];

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _directory.Dispose();
    }
}
