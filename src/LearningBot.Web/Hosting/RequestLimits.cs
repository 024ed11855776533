using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace LearningBot.Web.Hosting;

/// <summary>
/// Bound from the <c>RequestLimits</c> section: the largest request body each kind of endpoint accepts.
/// Anything larger is refused with 413 before it is read, so a huge body costs neither memory nor a 5xx.
/// </summary>
public sealed class RequestLimitsOptions
{
    public const string Section = "RequestLimits";

    /// <summary>Slack commands, events and interactions. Slack's own are a few KB; a message shortcut on a 40,000-character
    /// message, form-encoded, is the largest legitimate one (under 1 MB).</summary>
    public long SlackBytes { get; set; } = 1024 * 1024;

    /// <summary>Bot Framework activities on <c>/api/messages</c> (Teams caps a message at about 28 KB; cards and entities add some).</summary>
    public long TeamsBytes { get; set; } = 1024 * 1024;

    /// <summary><c>POST /api/playground</c>: a command is at most 4,000 characters.</summary>
    public long PlaygroundBytes { get; set; } = 64 * 1024;

    /// <summary>Every other endpoint (all of them are GETs or small forms).</summary>
    public long DefaultBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Slack and Teams requests handled at once. Each runs a command (a store write) before it answers, so past what
    /// the machine can do more parallelism only adds memory and latency; the rest wait in the queue.
    /// </summary>
    public int MaxConcurrentChatRequests { get; set; } = 64;

    /// <summary>Chat requests waiting for a slot; beyond this the host answers 503 with Retry-After (Slack and Teams retry).</summary>
    public int MaxQueuedChatRequests { get; set; } = 2_000;

    public static bool IsChat(PathString path) => path.StartsWithSegments("/slack") || path.StartsWithSegments("/api/messages");

    public long For(PathString path) =>
        path.StartsWithSegments("/slack") ? SlackBytes
        : path.StartsWithSegments("/api/messages") ? TeamsBytes
        : path.StartsWithSegments("/api/playground") ? PlaygroundBytes
        : DefaultBytes;
}

public sealed class RequestLimitsOptionsValidator : IValidateOptions<RequestLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestLimitsOptions options) =>
        options is { SlackBytes: > 0, TeamsBytes: > 0, PlaygroundBytes: > 0, DefaultBytes: > 0 }
            ? options is { MaxConcurrentChatRequests: > 0, MaxQueuedChatRequests: >= 0 }
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("RequestLimits: MaxConcurrentChatRequests must be at least 1 and MaxQueuedChatRequests not negative.")
            : ValidateOptionsResult.Fail("RequestLimits: SlackBytes, TeamsBytes, PlaygroundBytes and DefaultBytes must be positive byte counts.");
}

public static class RequestLimits
{
    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RequestLimitsOptions>().Bind(builder.Configuration.GetSection(RequestLimitsOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RequestLimitsOptions>, RequestLimitsOptionsValidator>();
        builder.Services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!RequestLimitsOptions.IsChat(context.Request.Path))
                {
                    return RateLimitPartition.GetNoLimiter("other");
                }

                var limits = context.RequestServices.GetRequiredService<IOptions<RequestLimitsOptions>>().Value;
                return RateLimitPartition.GetConcurrencyLimiter("chat", _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = limits.MaxConcurrentChatRequests,
                    QueueLimit = limits.MaxQueuedChatRequests,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                });
            });
            options.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            options.OnRejected = (rejected, _) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }

    /// <summary>
    /// A declared length over the limit is refused at once. A body without one (chunked) is cut off where it passes
    /// the limit: Kestrel enforces its per-request maximum, and the wrapper does the same on any server (test host
    /// included), throwing the 413 <see cref="BadHttpRequestException"/> the exception handler answers with.
    /// </summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app)
    {
        var limits = app.ApplicationServices.GetRequiredService<IOptions<RequestLimitsOptions>>().Value;
        app.UseRateLimiter(); // chat requests in flight (MaxConcurrentChatRequests), 503 past the queue
        return app.Use(async (context, next) =>
        {
            var limit = limits.For(context.Request.Path);
            if (context.Request.ContentLength > limit)
            {
                await TooLarge(limit).ExecuteAsync(context);
                return;
            }

            // A charset nobody can decode made the JSON binder throw (a 500): the body cannot be read, so 415.
            if (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var media)
                && media.Charset.HasValue && !IsKnownCharset(media.Charset.Value!))
            {
                await Results.Problem(title: "Unsupported charset", detail: $"The charset \"{media.Charset.Value}\" is not supported; send UTF-8.",
                    statusCode: StatusCodes.Status415UnsupportedMediaType).ExecuteAsync(context);
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrel)
            {
                kestrel.MaxRequestBodySize = limit;
            }

            context.Request.Body = new LimitedStream(context.Request.Body, limit);
            await next(context);
        });
    }

    private static bool IsKnownCharset(string name)
    {
        try
        {
            _ = System.Text.Encoding.GetEncoding(name.Trim('"'));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static IResult TooLarge(long limit) => Results.Problem(
        title: "Request body too large", detail: $"This endpoint accepts at most {limit:N0} bytes.",
        statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>Reads through to the request body and fails once more than <c>limit</c> bytes have come.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            return _read > limit
                ? throw new BadHttpRequestException($"Request body too large: this endpoint accepts at most {limit:N0} bytes.",
                    StatusCodes.Status413PayloadTooLarge)
                : read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
