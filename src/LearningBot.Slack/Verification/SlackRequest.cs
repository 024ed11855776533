using LearningBot.Slack.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LearningBot.Slack.Verification;

/// <summary>Reads the raw body once (the signature covers the exact bytes) and verifies it before anything is parsed.</summary>
internal static partial class SlackRequest
{
    /// <summary>Slack's payloads are small; anything far larger is not Slack.</summary>
    private const int MaxBodyBytes = 1024 * 1024;

    public sealed record Verified(byte[] Body, string Text);

    public static async Task<(Verified? Request, IResult? Rejection)> ReadVerifiedAsync(HttpContext http, IOptions<SlackOptions> options,
        TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
            {
                return (null, Results.Problem("Request body too large.", statusCode: StatusCodes.Status413PayloadTooLarge));
            }
        }

        var body = buffer.ToArray();
        var check = SlackSignature.Verify(options.Value.SigningSecret, http.Request.Headers[SlackSignature.TimestampHeader],
            http.Request.Headers[SlackSignature.SignatureHeader], body, time.GetUtcNow(), options.Value.MaxRequestAge);
        if (!check.IsValid)
        {
            LogRejected(logger, http.Request.Path, check.Reason);
            return (null, Results.Problem(title: "Slack request verification failed", detail: check.Reason,
                statusCode: StatusCodes.Status401Unauthorized));
        }

        return (new Verified(body, System.Text.Encoding.UTF8.GetString(body)), null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a request to {Path}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string path, string reason);
}
