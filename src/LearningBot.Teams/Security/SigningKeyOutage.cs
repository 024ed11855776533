using Microsoft.Extensions.Logging;

namespace LearningBot.Teams.Security;

/// <summary>
/// Bot Framework validates a bearer token against signing keys it fetches (OpenID metadata, then the JWKS, from
/// login.botframework.com by default). When they cannot be fetched the caller is not at fault and nothing can be
/// decided: <c>POST /api/messages</c> answers 503 with <see cref="RetryAfter"/> (the channel retries), and this type logs
/// the cause once when an outage starts and once when it ends, not once per request.
/// </summary>
public sealed partial class SigningKeyOutage(TimeProvider time, ILogger<SigningKeyOutage> logger)
{
    /// <summary>What the 503 tells the channel to wait, in whole seconds (<c>Retry-After: 5</c>).</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private DateTimeOffset? _since;
    private int _refused;
    private volatile bool _down;

    /// <summary>
    /// True when <paramref name="exception"/> is Microsoft.IdentityModel failing to obtain the signing configuration
    /// (IDX20803 "Unable to obtain configuration from", with the network or HTTP error inside), not a bad token.
    /// </summary>
    public static bool IsCause(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is InvalidOperationException && e.Message.StartsWith("IDX20803:", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Records a request refused for lack of keys; the first one of an outage logs the cause.</summary>
    public void Failed(Exception exception)
    {
        lock (_gate)
        {
            _refused++;
            if (_since is not null)
            {
                return;
            }

            _since = time.GetUtcNow();
            _down = true;
        }

        LogOutage(exception, Cause(exception));
    }

    /// <summary>Records that a token was validated (so the keys were there); ends an outage and logs how long it lasted.</summary>
    public void Succeeded()
    {
        if (!_down)
        {
            return; // the usual case, without taking the lock
        }

        DateTimeOffset since;
        int refused;
        lock (_gate)
        {
            if (_since is not { } start)
            {
                return;
            }

            (since, refused, _since, _refused, _down) = (start, _refused, null, 0, false);
        }

        LogRecovered((time.GetUtcNow() - since).TotalSeconds, refused);
    }

    /// <summary>The innermost messages (e.g. "Connection refused (host:port)" or the HTTP status IdentityModel saw).</summary>
    private static string Cause(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception.InnerException ?? exception; e is not null; e = e.InnerException)
        {
            // IdentityModel's own wrappers repeat the inner text; the last two levels say what failed and why.
            messages.Add(e.Message.Split('\n')[0]);
        }

        return string.Join(" → ", messages.TakeLast(2));
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Bot Framework signing keys cannot be fetched, so Teams requests are answered 503 until they can: {Cause}")]
    private partial void LogOutage(Exception exception, string cause);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Bot Framework signing keys can be fetched again after {Seconds:F0} s; {Refused} Teams requests were answered 503 meanwhile")]
    private partial void LogRecovered(double seconds, int refused);
}
