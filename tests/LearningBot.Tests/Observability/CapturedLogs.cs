using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace LearningBot.Tests.Observability;

/// <summary>
/// A logger provider that keeps everything a sink could see: category, message, every structured value, scopes
/// and the full exception text. What a console, JSON or OpenTelemetry exporter writes is a subset of this.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Entries => _entries.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.Append($" | {key}={value}");
                }
            }

            owner._scopes.ForEachScope((scope, builder) => builder.Append(" | scope=").Append(scope), text);
            if (exception is not null)
            {
                text.Append(" | ").Append(exception);
            }

            owner._entries.Enqueue(text.ToString());
        }
    }
}
