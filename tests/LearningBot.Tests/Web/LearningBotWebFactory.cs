using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace LearningBot.Tests.Web;

/// <summary>The real web host, in memory, over a real SQLite file of its own.</summary>
public sealed class LearningBotWebFactory(IDictionary<string, string?>? settings = null, string environment = "Development")
    : WebApplicationFactory<Program>
{
    private readonly TempDirectory _directory = new();

    public string DatabasePath => _directory.File("web.db");

    /// <summary>Also log to this provider (e.g. <c>CapturedLogs</c>); null: the host's own logging only.</summary>
    public ILoggerProvider? Logs { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("Storage:Sqlite:Path", DatabasePath);
        // Lexical search unless a test needs meaning (it then sets Search:Embeddings:Provider=MiniLM): the model costs a second per host.
        builder.UseSetting("Search:Embeddings:Provider", "None");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (Logs is { } logs)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _directory.Dispose();
        }
    }
}
