using System.Collections.Concurrent;
using LearningBot.Core.Commands;
using LearningBot.Core.Insights;
using Microsoft.Extensions.Logging;

namespace LearningBot.Fuzz.Tests;

/// <summary>A fresh folder for one fixture's real SQLite file, removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "learningbot-fuzz", Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS temp cleaner
        }
    }
}

public sealed class FixedLinks : IPrivateLinks
{
    public TimeSpan Lifetime => TimeSpan.FromMinutes(15);

    public string Dashboard(string teamId, string userId) => $"https://links.test/dashboard/{teamId}/{userId}";

    public string Personal(string teamId, string userId) => $"https://links.test/me/{teamId}/{userId}";

    public string Export(string teamId, string userId, ExportScope scope) => $"https://links.test/export/{scope}/{teamId}/{userId}";
}

/// <summary>Keeps every log line (formatted message, state, scopes and exception) so a test can scan them: errors, secrets.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public ConcurrentQueue<(LogLevel Level, string Category, string Text)> Lines { get; } = new();

    /// <summary>Every line any provider in this test run captured, for the run-wide secret scan.</summary>
    public static ConcurrentQueue<string> Everything { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public IEnumerable<string> Errors => Lines.Where(l => l.Level >= LogLevel.Error).Select(l => $"{l.Category}: {l.Text}");

    public string All => string.Join("\n", Lines.Select(l => $"{l.Level} {l.Category}: {l.Text}"));

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            // State too: structured values reach sinks even when the message template leaves them out.
        {
            var line = new System.Text.StringBuilder(formatter(state, exception) + " " + state + " " + exception);
            // Scopes too: HttpClient's names the request URI, and JSON/OpenTelemetry sinks write scopes with each line.
            owner._scopes.ForEachScope((scope, builder) => builder.Append(" | scope=").Append(scope), line);
            var text = line.ToString();
            owner.Lines.Enqueue((logLevel, category, text));
            Everything.Enqueue(text);
        }
    }
}

/// <summary>Row counts of every table in a SQLite file: "nothing stored" means none of them changed.</summary>
public static class SqliteRows
{
    public static async Task<IReadOnlyDictionary<string, long>> CountAsync(string path)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM \"{table.Replace("\"", "\"\"")}\"";
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }

        return counts;
    }
}
