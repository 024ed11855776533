using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LearningBot.Slack.Verification;

namespace LearningBot.Slack.Tests;

/// <summary>
/// Slow-body clients against the real host on a loopback socket (Kestrel): unverified or trickling requests must not
/// hold the chat slots (RequestLimits:MaxConcurrentChatRequests) that a signed Slack command needs.
/// </summary>
[NonParallelizable] // timing: one slow-client crowd at a time on this machine
public sealed class SlowBodyTests
{
    private const int Slots = 12;
    private const int BodyBytes = 4000;
    private const int BytesPerTick = 30; // every 100 ms: 300 B/s, above Kestrel's default minimum of 240 B/s
    private static readonly TimeSpan ClientLifetime = TimeSpan.FromSeconds(8);

    private enum Kind
    {
        Unsigned,
        WrongSignature,
        TeamsWithoutToken,
        TeamsWithToken,
    }

    private sealed record Outcome(Kind Kind, string? StatusLine, TimeSpan After, bool CutOff);

    [Test]
    public async Task Slow_bodies_without_a_valid_signature_do_not_delay_a_signed_command_and_are_cut_off()
    {
        await using var host = new SlackHost(new Dictionary<string, string?>
        {
            ["RequestLimits:MaxConcurrentChatRequests"] = Slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Teams with an app id: Bot Framework requires a bearer token on every request.
            ["MicrosoftAppId"] = "3f1c2b9e-5d4a-4e8f-9a7b-1c2d3e4f5a6b",
            ["MicrosoftAppPassword"] = "slow-body-test-password",
        }, kestrel: true);
        host.StubUser("UANN", "Ann");
        using (var warmUp = await host.CommandAsync("/learned", "warm up the host", host.ResponseUrl("warm"), team: "TSLOW"))
        {
            Assert.That(warmUp.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        // Four crowds, each larger than the slot count: Slack without signature headers, Slack with a well-formed but wrong
        // signature (its body must be read to find out), Teams without a bearer token, and Teams with one (whose check
        // needs the body, so only reading it before the slot stands in the way).
        var crowd = Enumerable.Range(0, Slots + 2)
            .SelectMany(_ => new[] { Kind.Unsigned, Kind.WrongSignature, Kind.TeamsWithoutToken, Kind.TeamsWithToken })
            .Select(kind => SlowClientAsync(host.BaseAddress!, kind)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // every slow client has connected, sent its headers and is trickling

        var watch = Stopwatch.StartNew();
        using var signed = await host.CommandAsync("/learned", "slow clients never starve me #resilience", host.ResponseUrl("signed"), team: "TSLOW");
        var latency = watch.Elapsed;
        var outcomes = await Task.WhenAll(crowd);
        TestContext.Out.WriteLine($"signed command answered in {latency.TotalMilliseconds:F0} ms; " + string.Join("; ", outcomes
            .GroupBy(o => (o.Kind, o.StatusLine)).Select(g => $"{g.Key.Kind} {g.Key.StatusLine ?? "closed"} x{g.Count()} " +
                                                            $"(cut off after {g.Max(o => o.After.TotalSeconds):F1} s at most)")));

        Assert.That(signed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // A functional bound: Slack gives up on a slash command after 3 s (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt);
        // 1 s leaves room for a busy test machine while any wait for a slot held by a trickling client (13 s per body) fails it.
        Assert.That(latency, Is.LessThan(TimeSpan.FromSeconds(1)), "a signed command waited behind slow, unverified requests");
        Assert.Multiple(() =>
        {
            foreach (var group in outcomes.GroupBy(o => o.Kind))
            {
                Assert.That(group.Where(o => !o.CutOff), Is.Empty, $"{group.Key}: slow clients the host never cut off");
            }

            // Without signature headers or a bearer token: refused from the headers alone, before any body byte is read.
            var headersOnly = outcomes.Where(o => o.Kind is Kind.Unsigned or Kind.TeamsWithoutToken).ToList();
            Assert.That(headersOnly.Select(o => o.StatusLine), Has.All.StartWith("HTTP/1.1 401"));
            Assert.That(headersOnly.Max(o => o.After), Is.LessThan(TimeSpan.FromSeconds(1)));
            // The others are cut off by the minimum body data rate (1,024 B/s after a 2 s grace period), not allowed to trickle on.
            var trickling = outcomes.Where(o => o.Kind is Kind.WrongSignature or Kind.TeamsWithToken).ToList();
            Assert.That(trickling.Select(o => o.StatusLine), Has.All.StartWith("HTTP/1.1 408"));
            Assert.That(trickling.Max(o => o.After), Is.LessThan(TimeSpan.FromSeconds(6)));
        });
    }

    /// <summary>
    /// One raw HTTP/1.1 client that sends its headers at once and then its body at 300 bytes per second. It stops by itself
    /// after <see cref="ClientLifetime"/>; the outcome says whether (and when) the host answered or closed the connection first.
    /// </summary>
    private static async Task<Outcome> SlowClientAsync(Uri server, Kind kind)
    {
        var watch = Stopwatch.StartNew();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        var ts = SlackHost.Now.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var head = kind switch
        {
            Kind.Unsigned => "POST /slack/commands HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n",
            Kind.WrongSignature => "POST /slack/commands HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
                                   $"{SlackSignature.TimestampHeader}: {ts}\r\n{SlackSignature.SignatureHeader}: v0={new string('0', 64)}\r\n",
            Kind.TeamsWithoutToken => "POST /api/messages HTTP/1.1\r\nContent-Type: application/json\r\n",
            _ => "POST /api/messages HTTP/1.1\r\nContent-Type: application/json\r\nAuthorization: Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln\r\n",
        };
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + $"Host: {server.Authority}\r\nContent-Length: {BodyBytes}\r\n\r\n"));

        var response = new byte[256];
        var reading = stream.ReadAsync(response).AsTask();
        var tick = Encoding.ASCII.GetBytes(new string('a', BytesPerTick));
        for (var sent = 0; sent < BodyBytes && watch.Elapsed < ClientLifetime; sent += BytesPerTick)
        {
            if (await Task.WhenAny(reading, Task.Delay(100)) == reading)
            {
                break;
            }

            try
            {
                await stream.WriteAsync(tick);
            }
            catch (IOException)
            {
                return new Outcome(kind, null, watch.Elapsed, CutOff: true); // the host closed the connection
            }
        }

        if (!reading.IsCompleted)
        {
            return new Outcome(kind, null, watch.Elapsed, CutOff: false);
        }

        try
        {
            var read = await reading;
            var text = Encoding.ASCII.GetString(response, 0, read);
            return new Outcome(kind, read == 0 ? null : text.Split("\r\n")[0], watch.Elapsed, CutOff: true);
        }
        catch (IOException)
        {
            return new Outcome(kind, null, watch.Elapsed, CutOff: true);
        }
    }
}
