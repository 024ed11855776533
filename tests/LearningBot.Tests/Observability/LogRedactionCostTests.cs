using LearningBot.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LearningBot.Tests.Observability;

/// <summary>
/// What the host's log redaction (<see cref="LogRedaction.AddLogRedaction"/>, the real registration) costs a request that
/// logs nothing secret (issue 18): a scope is formatted and scanned only when a sink reads it, and a sink gets the message
/// the redactor already formatted instead of formatting the entry again. Redaction itself still happens when read.
/// </summary>
public sealed class LogRedactionCostTests
{
    // The shape of HttpClient's per-request scope (LoggingScopeHttpMessageHandler: "HTTP {HttpMethod} {Uri}").
    private static readonly Func<ILogger, string, Counted, IDisposable?> HttpScope =
        LoggerMessage.DefineScope<string, Counted>("HTTP {HttpMethod} {Uri}");

    private static readonly Action<ILogger, Counted, Exception?> Handled =
        LoggerMessage.Define<Counted>(LogLevel.Information, new EventId(1, "Handled"), "Handled {Command}");

    private const string ResponseUrl = "https://hooks.slack.com/commands/T024BE7LD/1234567890/Xy7Kq2sRUPhSecretPart";

    [Test]
    public void A_scope_is_not_formatted_when_no_sink_reads_scopes()
    {
        var sink = new MessageOnlySink();
        using var app = Host(sink);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LearningBot.Test");
        var uri = new Counted(ResponseUrl);

        using (HttpScope(logger, "POST", uri))
        {
            Handled(logger, new Counted("learned"), null);
        }

        Assert.That(sink.Messages, Is.EqualTo(new[] { "Handled learned" }));
        Assert.That(uri.Formatted, Is.Zero, "the scope's values were never turned into text");
    }

    [Test]
    public void A_scope_a_sink_reads_is_redacted()
    {
        var sink = new CapturedLogs();
        using var app = Host(sink);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LearningBot.Test");

        using (HttpScope(logger, "POST", new Counted(ResponseUrl)))
        using (logger.BeginScope("plain {Url}", ResponseUrl))
        {
            Handled(logger, new Counted("learned"), null);
        }

        var entry = sink.Entries.Single(e => e.Contains("Handled learned", StringComparison.Ordinal));
        Assert.That(entry, Does.Contain("scope=HTTP POST https://hooks.slack.com/" + LogRedactor.Mask));
        Assert.That(entry, Does.Contain("scope=plain https://hooks.slack.com/" + LogRedactor.Mask));
        Assert.That(entry, Does.Not.Contain("SecretPart"));
    }

    [Test]
    public void A_sink_formatting_an_entry_gets_the_message_already_formatted()
    {
        var sink = new MessageOnlySink();
        using var app = Host(sink);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LearningBot.Test");
        var command = new Counted("learned");

        Handled(logger, command, null);

        Assert.That(sink.Messages, Is.EqualTo(new[] { "Handled learned" }));
        Assert.That(sink.FormattedDuringSinkFormatting, Is.Zero, "the sink's formatter call did not format the values again");
    }

    [Test]
    public void A_message_naming_a_capability_still_reaches_the_sink_redacted()
    {
        var sink = new MessageOnlySink();
        using var app = Host(sink);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LearningBot.Test");

        Handled(logger, new Counted("reply to " + ResponseUrl), null);

        Assert.That(sink.Messages.Single(), Is.EqualTo("Handled reply to https://hooks.slack.com/" + LogRedactor.Mask));
    }

    private static WebApplication Host(ILoggerProvider sink)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(sink);
        builder.AddLogRedaction();
        return builder.Build();
    }

    /// <summary>A value that counts how often it is turned into text (every format and every redaction scan does).</summary>
    private sealed class Counted(string text)
    {
        private int _formatted;

        public int Formatted => _formatted;

        public override string ToString()
        {
            Interlocked.Increment(ref _formatted);
            return text;
        }
    }

    /// <summary>A sink like the default console formatter: the message only, no scopes.</summary>
    private sealed class MessageOnlySink : ILoggerProvider
    {
        public List<string> Messages { get; } = [];

        public int FormattedDuringSinkFormatting { get; private set; }

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(MessageOnlySink owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var counted = Counts(state);
                var message = formatter(state, exception);
                owner.FormattedDuringSinkFormatting += Counts(state) - counted;
                owner.Messages.Add(message);
            }

            private static int Counts<TState>(TState state) =>
                state is IEnumerable<KeyValuePair<string, object?>> values ? values.Sum(v => v.Value is Counted c ? c.Formatted : 0) : 0;
        }
    }
}
