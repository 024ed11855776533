using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using KestrelServerOptions = Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions;
using MinDataRate = Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate;
using Microsoft.AspNetCore.WebUtilities;
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

    /// <summary>
    /// Kestrel's minimum request body data rate (bytes per second, averaged once <see cref="MinBodyRateGracePeriod"/> has
    /// passed): a client trickling its body slower than this is cut off with 408. Kestrel's own default is 240 B/s,
    /// which a slow-body attack at 300 B/s passes. Slack and Bot Framework send their few KB at once.
    /// </summary>
    public int MinBodyBytesPerSecond { get; set; } = 1024;

    /// <summary>How long a body may arrive slower than <see cref="MinBodyBytesPerSecond"/> at first (Kestrel needs more than 1 s).</summary>
    public TimeSpan MinBodyRateGracePeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Kestrel's <c>RequestHeadersTimeout</c>: all request headers must have arrived within this (Kestrel's default is 30 s).</summary>
    public TimeSpan HeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The whole body must have arrived within this, counted from when the request reached the app; later reads fail
    /// with 408. Slack gives up on an answer after 3 s and Teams after 15 s, so a body still arriving after 10 s is not theirs.
    /// </summary>
    public TimeSpan BodyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public static bool IsChat(PathString path) => path.StartsWithSegments("/slack") || path.StartsWithSegments("/api/messages");

    public long For(PathString path) =>
        path.StartsWithSegments("/slack") ? SlackBytes
        : path.StartsWithSegments("/api/messages") ? TeamsBytes
        : path.StartsWithSegments("/api/playground") ? PlaygroundBytes
        : DefaultBytes;
}

public sealed class RequestLimitsOptionsValidator : IValidateOptions<RequestLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestLimitsOptions options)
    {
        var failures = new List<string>();
        if (options is not { SlackBytes: > 0, TeamsBytes: > 0, PlaygroundBytes: > 0, DefaultBytes: > 0 })
        {
            failures.Add("RequestLimits: SlackBytes, TeamsBytes, PlaygroundBytes and DefaultBytes must be positive byte counts.");
        }

        if (options is not { MaxConcurrentChatRequests: > 0, MaxQueuedChatRequests: >= 0 })
        {
            failures.Add("RequestLimits: MaxConcurrentChatRequests must be at least 1 and MaxQueuedChatRequests not negative.");
        }

        if (options.MinBodyBytesPerSecond < 0 || options.MinBodyRateGracePeriod <= TimeSpan.FromSeconds(1))
        {
            failures.Add("RequestLimits: MinBodyBytesPerSecond must not be negative (0 turns the minimum off) and MinBodyRateGracePeriod " +
                         "must be more than 00:00:01 (Kestrel checks rates once a second).");
        }

        if (options.HeadersTimeout <= TimeSpan.Zero || options.BodyTimeout <= TimeSpan.Zero)
        {
            failures.Add("RequestLimits: HeadersTimeout and BodyTimeout must be positive durations such as 00:00:10.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class RequestLimits
{
    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RequestLimitsOptions>().Bind(builder.Configuration.GetSection(RequestLimitsOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RequestLimitsOptions>, RequestLimitsOptionsValidator>();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitsOptions>>((kestrel, limits) =>
        {
            var value = limits.Value;
            kestrel.Limits.RequestHeadersTimeout = value.HeadersTimeout;
            kestrel.Limits.MinRequestBodyDataRate = value.MinBodyBytesPerSecond == 0
                ? null
                : new MinDataRate(value.MinBodyBytesPerSecond, value.MinBodyRateGracePeriod);
        });
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
    /// included), throwing the 413 <see cref="BadHttpRequestException"/> the exception handler answers with. A body still
    /// arriving after <see cref="RequestLimitsOptions.BodyTimeout"/> fails the same way with 408.
    /// </summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app)
    {
        var limits = app.ApplicationServices.GetRequiredService<IOptions<RequestLimitsOptions>>().Value;
        var time = app.ApplicationServices.GetService<TimeProvider>() ?? TimeProvider.System;
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

            using var deadline = new CancellationTokenSource(limits.BodyTimeout, time);
            context.Request.Body = new LimitedStream(context.Request.Body, limit, limits.BodyTimeout, deadline.Token);
            await next(context);
        });
    }

    /// <summary>
    /// The chat concurrency limit (<see cref="RequestLimitsOptions.MaxConcurrentChatRequests"/> in flight, then the queue,
    /// then 503). Put it after the platforms' own checks (Slack signature, Teams bearer token): a chat request's whole
    /// body is read here, before it waits for a slot, so a slow or unverified sender holds a connection at most, never
    /// a slot that verified requests need (bounded by the minimum data rate and <see cref="RequestLimitsOptions.BodyTimeout"/>).
    /// </summary>
    public static IApplicationBuilder UseChatConcurrencyLimit(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            if (RequestLimitsOptions.IsChat(context.Request.Path) && context.Request.ContentLength is not 0
                && (context.Request.ContentLength is not null || context.Request.Headers.TransferEncoding.Count > 0))
            {
                context.Request.EnableBuffering(); // memory up to 30 KB, then a temp file; bounded by the body limit
                await context.Request.Body.DrainAsync(context.RequestAborted);
                context.Request.Body.Position = 0;
            }

            await next(context);
        });
        return app.UseRateLimiter();
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

    /// <summary>
    /// Reads through to the request body and fails with 413 once more than <c>limit</c> bytes have come, or with 408 when
    /// a read is still waiting at the deadline.
    /// </summary>
    private sealed class LimitedStream(Stream inner, long limit, TimeSpan timeout, CancellationToken deadline) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline);
            try
            {
                return Count(await inner.ReadAsync(buffer, both.Token));
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new BadHttpRequestException($"Request body not received in time: it must arrive within {timeout.TotalSeconds:0.#} s.",
                    StatusCodes.Status408RequestTimeout);
            }
        }

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
