using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LearningBot.Benchmarks.ScheduledPrompts;

/// <summary>
/// Slack's Web API on loopback (Kestrel), as far as the scheduler uses it: chat.postMessage answers
/// <c>{ok:true, ts}</c> and is counted per channel. Slack's posting limit is enforced: a second message to a
/// channel within <see cref="PerChannelSpacing"/> gets 429 with Retry-After, as Slack does.
/// </summary>
internal sealed class FakeSlackWebApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ChannelState> _channels = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _allReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _expectedChannels;
    private int _distinctChannels;
    private int _accepted;
    private int _rateLimited;
    private long _lastAcceptedTimestamp;
    private long _firstAcceptedTimestamp;
    private long _tsCounter;

    private readonly TimeSpan _latency;

    private FakeSlackWebApi(WebApplication app, int expectedChannels, TimeSpan latency)
    {
        _app = app;
        _expectedChannels = expectedChannels;
        _latency = latency;
    }

    public TimeSpan PerChannelSpacing { get; } = TimeSpan.FromSeconds(1);

    public string ApiBaseUrl { get; private set; } = string.Empty;

    public int Accepted => Volatile.Read(ref _accepted);

    public int RateLimited => Volatile.Read(ref _rateLimited);

    public int DistinctChannels => Volatile.Read(ref _distinctChannels);

    /// <summary>Channels that received more than one post (must be none: one prompt each).</summary>
    public int ChannelsWithDuplicates => _channels.Count(c => c.Value.Accepted > 1);

    public long FirstAcceptedTimestamp => Interlocked.Read(ref _firstAcceptedTimestamp);

    public long LastAcceptedTimestamp => Interlocked.Read(ref _lastAcceptedTimestamp);

    public Task AllReceived => _allReceived.Task;

    /// <summary>A fresh fake per run; <see cref="AllReceived"/> completes when this many channels have a post.</summary>
    /// <param name="latency">Added to every answer: Slack is an internet round trip away, loopback is not.</param>
    public static async Task<FakeSlackWebApi> StartAsync(int expectedChannels, TimeSpan latency)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeSlackWebApi(app, expectedChannels, latency);
        Func<HttpContext, Task<IResult>> postMessage = fake.PostMessageAsync;
        app.MapPost("/api/chat.postMessage", (Delegate)postMessage); // as a route handler, so the IResult is written
        app.MapPost("/api/{method}", () => Results.Json(new JsonObject { ["ok"] = true }));
        await app.StartAsync();
        fake.ApiBaseUrl = app.Urls.Single() + "/api/";
        return fake;
    }

    private async Task<IResult> PostMessageAsync(HttpContext http)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body);
        if (_latency > TimeSpan.Zero)
        {
            await Task.Delay(_latency);
        }

        var channel = body?["channel"]?.GetValue<string>();
        if (channel is null || http.Request.Headers.Authorization.Count == 0)
        {
            return Results.Json(new JsonObject { ["ok"] = false, ["error"] = channel is null ? "channel_not_found" : "not_authed" });
        }

        var now = Stopwatch.GetTimestamp();
        var state = _channels.GetOrAdd(channel, _ => new ChannelState());
        bool first;
        lock (state)
        {
            if (state.Accepted > 0 && Stopwatch.GetElapsedTime(state.LastAccepted, now) < PerChannelSpacing)
            {
                Interlocked.Increment(ref _rateLimited);
                http.Response.Headers.RetryAfter = "1";
                return Results.Json(new JsonObject { ["ok"] = false, ["error"] = "ratelimited" }, statusCode: 429);
            }

            first = ++state.Accepted == 1;
            state.LastAccepted = now;
        }

        Interlocked.CompareExchange(ref _firstAcceptedTimestamp, now, 0);
        Interlocked.Exchange(ref _lastAcceptedTimestamp, now);
        Interlocked.Increment(ref _accepted);
        if (first && Interlocked.Increment(ref _distinctChannels) >= _expectedChannels)
        {
            _allReceived.TrySetResult();
        }

        var ts = "1700000000." + Interlocked.Increment(ref _tsCounter).ToString("D6", CultureInfo.InvariantCulture);
        return Results.Json(new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class ChannelState
    {
        public int Accepted;
        public long LastAccepted;
    }
}
