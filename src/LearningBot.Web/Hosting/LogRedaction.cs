using System.Buffers;
using System.Collections;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LearningBot.Web.Hosting;

/// <summary>
/// Keeps bearer capabilities that travel in URLs out of every log entry, at every level and from every source:
/// ASP.NET Core's request logging (<c>Microsoft.AspNetCore.Hosting.Diagnostics</c> writes the full URL with its query),
/// HttpClient's logging and scopes (<c>System.Net.Http.HttpClient.*</c> write request URIs), Polly, Bot Framework and our
/// own lines. None of those offers a hook for URL redaction, so the logger factory itself is wrapped: each entry's
/// message, structured values, scopes and exception text pass through <see cref="LogRedactor"/> before any provider
/// (console, JSON, OpenTelemetry) sees them. HttpClient's header values are redacted by its own
/// <c>RedactLoggedHeaders</c> as well (the bot tokens ride in <c>Authorization</c>).
/// </summary>
public static class LogRedaction
{
    public static WebApplicationBuilder AddLogRedaction(this WebApplicationBuilder builder)
    {
        builder.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(services => new RedactingLoggerFactory(new LoggerFactory(
            services.GetServices<ILoggerProvider>(), services.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            services.GetService<IOptions<LoggerFactoryOptions>>(), services.GetService<IExternalScopeProvider>()))));
        builder.Services.ConfigureHttpClientDefaults(client => client.RedactLoggedHeaders(_ => true));
        return builder;
    }

    private sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        /// <summary>
        /// A structured scope (ASP.NET Core's request scope, HttpClient's URL scope: one or two per request) is redacted when a
        /// sink reads it, not when it begins: the default console, JSON and OpenTelemetry sinks do not read scopes unless
        /// <c>IncludeScopes</c> is on, and formatting and scanning every scope cost ~1 % of a chat request (issue 18).
        /// </summary>
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            state is IReadOnlyList<KeyValuePair<string, object?>>
                ? inner.BeginScope(new RedactedOnReadScope<TState>(state))
                : LogRedactor.Redact(state, out var redacted) ? inner.BeginScope(redacted) : inner.BeginScope(state);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            var redactedException = LogRedactor.Redact(exception);
            if (!LogRedactor.Redact(state, message, out var redacted) && ReferenceEquals(redactedException, exception))
            {
                // The message is already formatted: sinks get it instead of formatting the entry a second time.
                inner.Log(logLevel, eventId, state, exception, (_, _) => message);
                return;
            }

            inner.Log(logLevel, eventId, redacted, redactedException, static (s, _) => s.ToString());
        }
    }
}

/// <summary>
/// What counts as a capability in a URL, and its redaction (each becomes <c>[redacted]</c>):
/// <list type="bullet">
/// <item>the values of the query parameters <c>token</c> (our dashboard and export links), <c>code</c> and <c>state</c>
/// (OAuth, https://api.slack.com/authentication/oauth-v2), and the usual secret names <c>access_token</c>,
/// <c>refresh_token</c>, <c>client_secret</c>;</item>
/// <item>Slack's response and webhook URLs: the path after <c>hooks.slack.com/</c>, and, on any host, what follows
/// <c>/commands/</c>, <c>/actions/</c>, <c>/services/</c>, <c>/triggers/</c> or <c>/workflows/</c> and a workspace id
/// (<c>T…</c>) — a response_url is valid for 30 minutes and five posts to whoever holds it
/// (https://api.slack.com/interactivity/handling#message_responses).</item>
/// </list>
/// Percent-encoded separators (<c>%3F</c>, <c>%26</c>, <c>%3D</c>, <c>%2F</c>) count too, for URLs inside other URLs.
/// </summary>
public static partial class LogRedactor
{
    public const string Mask = "[redacted]";

    /// <summary>The text with every capability replaced by <see cref="Mask"/>; the same instance when there was none.</summary>
    public static string Redact(string text)
    {
        // Nearly every log line names no capability: one vectorised search for the words every pattern needs, instead of
        // three regex scans (each with a look-behind tried at every position), 1-2 % of a chat request's CPU (issue 18).
        if (text.Length < 6 || (text.AsSpan().IndexOfAny(Anchors) < 0 && text.AsSpan().IndexOfAny(RegexOnlyCaseFolds) < 0))
        {
            return text;
        }

        var result = QueryValue().Replace(text, Mask);
        result = SlackHookPath().Replace(result, Mask);
        return SlackPathShape().Replace(result, Mask) is var final && final == text ? text : final;
    }

    /// <summary>A structured log state (message + values) or scope: true with a redacted copy when anything was found.</summary>
    internal static bool Redact<TState>(TState state, out RedactedState redacted)
        where TState : notnull => Redact(state, state.ToString() ?? string.Empty, out redacted);

    internal static bool Redact<TState>(TState state, string message, out RedactedState redacted)
    {
        var redactedMessage = Redact(message);
        var changed = !ReferenceEquals(redactedMessage, message);
        List<KeyValuePair<string, object?>>? values = null;
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            values = [];
            foreach (var (key, value) in pairs)
            {
                var text = value switch
                {
                    null or bool or int or long or double or decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum => null,
                    string s => s,
                    IEnumerable and not string => null, // collections print as their type name in sinks; scanned by their message
                    _ => value.ToString(),
                };
                var clean = text is null ? text : Redact(text);
                changed |= !ReferenceEquals(clean, text);
                values.Add(new(key, ReferenceEquals(clean, text) ? value : clean));
            }
        }

        redacted = new RedactedState(redactedMessage, values ?? []);
        return changed;
    }

    /// <summary>The exception, or a stand-in carrying its redacted text when its message or stack trace named a capability.</summary>
    internal static Exception? Redact(Exception? exception)
    {
        if (exception is null)
        {
            return null;
        }

        var text = exception.ToString();
        var clean = Redact(text);
        return ReferenceEquals(clean, text) ? exception : new RedactedException(exception.GetType().FullName!, Redact(exception.Message), clean);
    }

    /// <summary>
    /// What a text must contain for a pattern below to match (compared ignoring ASCII case): a query name with its <c>=</c>
    /// (<c>access_token</c> and <c>refresh_token</c> end in <c>token=</c>, <c>client_secret</c> in <c>secret=</c>), Slack's
    /// webhook host, or a Slack path word with its slash.
    /// </summary>
    private static readonly SearchValues<string> Anchors = SearchValues.Create(
        [
            "token=", "token%3D", "code=", "code%3D", "state=", "state%3D", "secret=", "secret%3D",
            "hooks.slack.com",
            "commands/", "commands%2F", "actions/", "actions%2F", "services/", "services%2F", "triggers/", "triggers%2F", "workflows/", "workflows%2F",
        ],
        StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Letters the patterns' IgnoreCase also matches that ordinal ignore-case does not (the Kelvin sign for k; checked for every
    /// letter of the anchors by LogRedactionProperties): a text with one takes the full regex path, so the pre-check never lets
    /// through what the patterns would redact.
    /// </summary>
    private static readonly SearchValues<char> RegexOnlyCaseFolds = SearchValues.Create("\u212A");

    // A capability's value runs to the next separator: &, #, whitespace, quotes, angle brackets, or an encoded & (%26).
    [GeneratedRegex(@"(?<=(?:[?&]|%3F|%26)(?:token|code|state|access_token|refresh_token|client_secret)(?:=|%3D))(?:(?!%26)[^&#\s""'<>])+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QueryValue();

    [GeneratedRegex(@"(?<=hooks\.slack\.com(?:/|%2F))[^\s""'<>?#&]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SlackHookPath();

    [GeneratedRegex(@"(?<=(?:/|%2F)(?:commands|actions|services|triggers|workflows)(?:/|%2F))T[A-Z0-9]+(?:/|%2F)[^\s""'<>?#&]+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SlackPathShape();
}

/// <summary>A log entry's state after redaction: its message and structured values, as sinks read them.</summary>
internal sealed class RedactedState(string message, IReadOnlyList<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => values.Count;

    public KeyValuePair<string, object?> this[int index] => values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => message;
}

/// <summary>
/// A structured scope whose redaction waits until a sink reads it (<see cref="ToString"/> or its values); then it reads as
/// <see cref="LogRedactor.Redact{TState}(TState, out RedactedState)"/> made it, or as the scope itself when nothing was found.
/// </summary>
internal sealed class RedactedOnReadScope<TState>(TState state) : IReadOnlyList<KeyValuePair<string, object?>>
    where TState : notnull
{
    private IReadOnlyList<KeyValuePair<string, object?>>? _read;

    /// <summary>The redacted copy, or the scope's own values when nothing was found; computed once (a race computes it twice, alike).</summary>
    private IReadOnlyList<KeyValuePair<string, object?>> Read =>
        _read ??= LogRedactor.Redact(state, out var redacted) ? redacted : (IReadOnlyList<KeyValuePair<string, object?>>)state;

    public int Count => Read.Count;

    public KeyValuePair<string, object?> this[int index] => Read[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Read.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Read.ToString() ?? string.Empty;
}

/// <summary>Stands in for an exception whose text named a capability: same type name, redacted message and stack.</summary>
internal sealed class RedactedException(string typeName, string message, string text) : Exception($"{typeName}: {message}")
{
    public override string ToString() => text;
}
