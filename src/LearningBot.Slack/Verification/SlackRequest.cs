using LearningBot.Slack.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningBot.Slack.Verification;

/// <summary>
/// Reads the raw body once (the signature covers the exact bytes) and verifies it before anything is parsed. Headers
/// are checked first, so a request without a signature, or with a stale timestamp, is refused before its body is read.
/// </summary>
internal static partial class SlackRequest
{
    /// <summary>Slack's payloads are small; anything far larger is not Slack.</summary>
    private const int MaxBodyBytes = 1024 * 1024;

    /// <summary>A request whose signature matched: its exact body bytes and their UTF-8 text.</summary>
    public sealed record Verified(byte[] Body, string Text);

    /// <summary>
    /// The verified request, or a 401/413 to answer with. When <see cref="SlackHosting.UseSlackVerification"/> already
    /// verified this request (before it took a chat slot), its result is returned without reading again.
    /// </summary>
    public static async Task<(Verified? Request, IResult? Rejection)> ReadVerifiedAsync(HttpContext http, IOptions<SlackOptions> options,
        TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        if (http.Features.Get<Verified>() is { } already)
        {
            return (already, null);
        }

        var (timestamp, signature) = (http.Request.Headers[SlackSignature.TimestampHeader].ToString(),
            http.Request.Headers[SlackSignature.SignatureHeader].ToString());
        var headers = SlackSignature.CheckHeaders(options.Value.SigningSecret, timestamp, signature, time.GetUtcNow(), options.Value.MaxRequestAge);
        if (!headers.IsValid)
        {
            return (null, Reject(http, logger, headers.Reason));
        }

        var body = await ReadBodyAsync(http.Request, cancellationToken);
        if (body is null)
        {
            return (null, Results.Problem("Request body too large.", statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        var check = SlackSignature.Verify(options.Value.SigningSecret, timestamp, signature, body, time.GetUtcNow(), options.Value.MaxRequestAge);
        if (!check.IsValid)
        {
            return (null, Reject(http, logger, check.Reason));
        }

        var verified = new Verified(body, System.Text.Encoding.UTF8.GetString(body));
        http.Features.Set(verified);
        return (verified, null);
    }

    /// <summary>
    /// The body's bytes; null when it is larger than <see cref="MaxBodyBytes"/>. With a <c>Content-Length</c> (Slack always
    /// sends one) it is read straight into an array of that size (issue 18: no growing stream, no 16 KB chunk per request);
    /// Kestrel ends the body at that length, and a body that ends early is what arrived (its signature then fails).
    /// </summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length and >= 0)
        {
            if (length > MaxBodyBytes)
            {
                return null;
            }

            var exact = new byte[length];
            var filled = 0;
            int read;
            while (filled < exact.Length && (read = await request.Body.ReadAsync(exact.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }

            return filled == exact.Length ? exact : exact[..filled];
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int count;
        while ((count = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, count);
            if (buffer.Length > MaxBodyBytes)
            {
                return null;
            }
        }

        return buffer.ToArray();
    }

    private static IResult Reject(HttpContext http, ILogger logger, string reason)
    {
        LogRejected(logger, http.Request.Path, reason);
        return Results.Problem(title: "Slack request verification failed", detail: reason, statusCode: StatusCodes.Status401Unauthorized);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a request to {Path}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string path, string reason);
}
