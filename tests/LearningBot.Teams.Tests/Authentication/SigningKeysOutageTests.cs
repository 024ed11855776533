using LearningBot.TestSupport;
using System.Net;
using LearningBot.Teams.Security;
using Microsoft.Extensions.Logging;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Authentication;

/// <summary>
/// When Bot Framework cannot fetch its signing keys (OpenID metadata and JWKS; here the loopback stub is stopped, so
/// connections are refused), a signed request is answered 503 with Retry-After, and the cause is logged once per outage.
/// </summary>
[TestFixture]
public sealed class SigningKeysOutageTests : SignedTeamsTestBase
{
    private const string OutageLine = "signing keys cannot be fetched";

    private IEnumerable<CapturedLogs.LogLine> Mentioning(string text) =>
        Host.Logs.Lines.Where(l => l.Message.Contains(text, StringComparison.Ordinal) || l.Exception?.ToString().Contains(text, StringComparison.Ordinal) == true);

    [Test]
    public async Task Signed_requests_get_503_with_retry_after_while_the_keys_cannot_be_fetched_and_the_cause_is_logged_once()
    {
        await Connector.StopAsync();

        for (var i = 0; i < 4; i++)
        {
            using var response = await PostSignedAsync(Teams.ChannelMessage("173260000300" + i, Ann, "learned during the outage"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await response.Content.ReadAsStringAsync());
            Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(SigningKeyOutage.RetryAfter));
        }

        var outage = Mentioning(OutageLine).ToList();
        Assert.That(outage, Has.Count.EqualTo(1), "logged once for four requests");
        Assert.That(outage[0].Level, Is.EqualTo(LogLevel.Error));
        Assert.That(outage[0].Message, Does.Contain("Connection refused"), "the log names the cause");
        Assert.That(Mentioning("Connection refused").ToList(), Has.Count.EqualTo(1), "and nothing else logs it per request");

        await Connector.RestartAsync();

        using (var back = await PostSignedAsync(Teams.ChannelMessage("1732600003010", Ann, "learned after the outage")))
        {
            Assert.That(back.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(Connector.SentActivities.Single().Card!.Text(), Does.Contain("after the outage"), "only the request after the outage was handled");
        Assert.That(Mentioning("can be fetched again").Single().Message, Does.Contain("4 Teams requests were answered 503"));
        Assert.That(Mentioning(OutageLine).ToList(), Has.Count.EqualTo(1));
    }

    [Test]
    public void Each_outage_is_logged_once_and_again_after_a_recovery()
    {
        using var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var tracker = new SigningKeyOutage(TimeProvider.System, factory.CreateLogger<SigningKeyOutage>());
        // What Microsoft.IdentityModel throws when the metadata address refuses connections (seen in the test above).
        var cause = new InvalidOperationException("IDX20803: Unable to obtain configuration from: 'https://login.botframework.com/v1/.well-known/openidconfiguration'.",
            new IOException("IDX20804: Unable to retrieve document from: 'https://login.botframework.com/v1/.well-known/openidconfiguration'.",
                new HttpRequestException("Connection refused (login.botframework.com:443)")));

        Assert.That(SigningKeyOutage.IsCause(cause), Is.True);
        Assert.That(SigningKeyOutage.IsCause(new InvalidOperationException("IDX10214: Audience validation failed.")), Is.False);
        tracker.Succeeded(); // no outage yet: nothing to say
        for (var i = 0; i < 3; i++)
        {
            tracker.Failed(cause);
        }

        tracker.Succeeded();
        tracker.Succeeded();
        tracker.Failed(cause);
        tracker.Failed(cause);

        var lines = logs.Lines.Select(l => l.Message).ToList();
        Assert.That(lines, Has.Count.EqualTo(3), string.Join("\n", lines));
        Assert.That(lines[0], Does.Contain(OutageLine).And.Contain("Connection refused (login.botframework.com:443)"));
        Assert.That(lines[1], Does.Contain("can be fetched again").And.Contain("3 Teams requests"));
        Assert.That(lines[2], Does.Contain(OutageLine));
    }
}
