using System.Net;
using System.Text;

namespace LearningBot.Fuzz.Tests;

/// <summary>Bodies over each endpoint's limit are refused with 413, whether the length is declared or streamed (chunked).</summary>
[TestFixture]
[NonParallelizable]
public sealed class RequestLimitTests
{
    private FuzzHost _host = null!;

    [OneTimeSetUp]
    public void Start() => _host = new FuzzHost();

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    /// <summary>A body of the given size that would otherwise be valid enough to get past the first checks.</summary>
    private static byte[] Body(int size, string prefix)
    {
        var bytes = new byte[size];
        Array.Fill(bytes, (byte)'a');
        Encoding.ASCII.GetBytes(prefix).CopyTo(bytes, 0);
        return bytes;
    }

    [TestCase("/slack/commands", 1024 * 1024, "text=")]
    [TestCase("/slack/events", 1024 * 1024, "{\"type\":\"")]
    [TestCase("/slack/interactions", 1024 * 1024, "payload=")]
    [TestCase("/api/messages", 1024 * 1024, "{\"type\":\"")]
    [TestCase("/api/playground", 64 * 1024, "{\"text\":\"")]
    public async Task A_body_one_byte_over_the_limit_gets_413_and_one_at_the_limit_does_not(string path, int limit, string prefix)
    {
        foreach (var chunked in new[] { false, true })
        {
            using var over = await SendAsync(path, Body(limit + 1, prefix), chunked);
            Assert.That(over.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), $"{path} chunked={chunked}: {await over.Content.ReadAsStringAsync()}");

            using var at = await SendAsync(path, Body(limit, prefix), chunked);
            Assert.That((int)at.StatusCode, Is.Not.EqualTo(413).And.LessThan(500), $"{path} at the limit, chunked={chunked}");
        }
    }

    [Test]
    public async Task A_huge_declared_body_is_refused_before_it_is_read()
    {
        // 200 MB announced: refused from the header alone, so the test sends only a little and does not wait for the rest.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentLength = 200L * 1024 * 1024;
        request.Content.Headers.ContentType = new("application/json");
        HttpResponseMessage response;
        try
        {
            response = await _host.Client.SendAsync(request);
        }
        catch (HttpRequestException)
        {
            Assert.Inconclusive("the client refused to send a body shorter than its declared length");
            return;
        }

        using (response)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        }
    }

    [Test]
    public async Task Limits_are_configurable_and_validated_at_start()
    {
        await using var small = new FuzzHost(new Dictionary<string, string?> { ["RequestLimits:PlaygroundBytes"] = "100" });
        using var response = await small.PostAsync("/api/playground", "{\"team\":\"a\",\"user\":\"b\",\"text\":\"" + new string('x', 200) + "\"}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("100 bytes"));

        var error = Assert.Catch(() => _ = new FuzzHost(new Dictionary<string, string?> { ["RequestLimits:SlackBytes"] = "0" }));
        Assert.That(error!.ToString(), Does.Contain("RequestLimits"));
        var noSlots = Assert.Catch(() => _ = new FuzzHost(new Dictionary<string, string?> { ["RequestLimits:MaxConcurrentChatRequests"] = "0" }));
        Assert.That(noSlots!.ToString(), Does.Contain("MaxConcurrentChatRequests must be at least 1"));
        var noGrace = Assert.Catch(() => _ = new FuzzHost(new Dictionary<string, string?> { ["RequestLimits:MinBodyRateGracePeriod"] = "00:00:01" }));
        Assert.That(noGrace!.ToString(), Does.Contain("MinBodyRateGracePeriod must be more than 00:00:01"));
        var noTimeout = Assert.Catch(() => _ = new FuzzHost(new Dictionary<string, string?> { ["RequestLimits:BodyTimeout"] = "00:00:00" }));
        Assert.That(noTimeout!.ToString(), Does.Contain("HeadersTimeout and BodyTimeout must be positive"));
    }

    [TestCase("/api/playground")]
    [TestCase("/slack/commands")]
    [TestCase("/api/messages")]
    public async Task A_body_still_arriving_after_the_body_timeout_gets_408(string path)
    {
        await using var host = new FuzzHost(new Dictionary<string, string?> { ["RequestLimits:BodyTimeout"] = "00:00:00.500" });
        var body = Encoding.UTF8.GetBytes("{\"team\":\"a\",\"user\":\"b\",\"text\":\"help\"}");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StreamContent(new StallingStream(body, TimeSpan.FromSeconds(3))) };
        request.Content.Headers.ContentType = new("application/json");
        if (path.StartsWith("/slack", StringComparison.Ordinal))
        {
            var ts = FuzzHost.Now.ToString(System.Globalization.CultureInfo.InvariantCulture);
            request.Headers.Add(LearningBot.Slack.Verification.SlackSignature.TimestampHeader, ts);
            request.Headers.Add(LearningBot.Slack.Verification.SlackSignature.SignatureHeader,
                LearningBot.Slack.Verification.SlackSignature.Compute(FuzzHost.SigningSecret, ts, body));
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestTimeout), await response.Content.ReadAsStringAsync());
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.5)), "answered at the deadline, not when the body finally came");
    }

    /// <summary>Hands out half the body, then stalls for a while before the rest (a client that stopped sending).</summary>
    private sealed class StallingStream(byte[] data, TimeSpan stall) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position > 0 && _position < data.Length)
            {
                await Task.Delay(stall, cancellationToken);
            }

            var count = Math.Min(buffer.Length, _position == 0 ? data.Length / 2 : data.Length - _position);
            data.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private async Task<HttpResponseMessage> SendAsync(string path, byte[] body, bool chunked)
    {
        HttpContent content = chunked ? new StreamContent(new NoLengthStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new(path.StartsWith("/slack/commands") || path.StartsWith("/slack/interactions")
            ? "application/x-www-form-urlencoded" : "application/json");
        if (path.StartsWith("/slack", StringComparison.Ordinal))
        {
            // Correctly signed: the size is the only thing wrong with it.
            var ts = FuzzHost.Now.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var signed = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            signed.Headers.Add(LearningBot.Slack.Verification.SlackSignature.TimestampHeader, ts);
            signed.Headers.Add(LearningBot.Slack.Verification.SlackSignature.SignatureHeader,
                LearningBot.Slack.Verification.SlackSignature.Compute(FuzzHost.SigningSecret, ts, body));
            return await _host.Client.SendAsync(signed);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        return await _host.Client.SendAsync(request);
    }

    /// <summary>A stream that hides its length, so the client sends the body chunked with no Content-Length.</summary>
    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
