using System.Text;
using LearningBot.Slack.Verification;

namespace LearningBot.Slack.Tests;

/// <summary>Slack's published worked example (api.slack.com, "Verifying requests from Slack") as a fixed vector.</summary>
public sealed class SlackSignatureTests
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string Expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar" +
        "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com" +
        "%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");

    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1531420618);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    [Test]
    public void Computes_slacks_published_signature()
    {
        Assert.That(SlackSignature.Compute(Secret, Timestamp, Body), Is.EqualTo(Expected));
    }

    [Test]
    public void Accepts_the_published_request_within_the_window()
    {
        Assert.That(SlackSignature.Verify(Secret, Timestamp, Expected, Body, SignedAt.AddMinutes(4), Window).IsValid, Is.True);
    }

    [Test]
    public void Rejects_a_changed_body_a_wrong_secret_and_a_wrong_signature()
    {
        var tampered = Body.Concat("&text=x"u8.ToArray()).ToArray();
        Assert.That(SlackSignature.Verify(Secret, Timestamp, Expected, tampered, SignedAt, Window).Reason, Is.EqualTo("signature does not match"));
        Assert.That(SlackSignature.Verify("other-secret", Timestamp, Expected, Body, SignedAt, Window).IsValid, Is.False);
        Assert.That(SlackSignature.Verify(Secret, Timestamp, "v0=" + new string('0', 64), Body, SignedAt, Window).IsValid, Is.False);
        Assert.That(SlackSignature.Verify(Secret, Timestamp, Expected.ToUpperInvariant(), Body, SignedAt, Window).IsValid, Is.False);
    }

    [Test]
    public void Rejects_old_and_future_timestamps_even_with_a_correct_signature()
    {
        var stale = SlackSignature.Verify(Secret, Timestamp, Expected, Body, SignedAt.AddMinutes(5).AddSeconds(1), Window);
        var future = SlackSignature.Verify(Secret, Timestamp, Expected, Body, SignedAt.AddMinutes(-6), Window);

        Assert.That(stale.IsValid, Is.False);
        Assert.That(stale.Reason, Does.Contain("window"));
        Assert.That(future.IsValid, Is.False);
    }

    [Test]
    public void Fails_closed_without_a_secret_or_headers()
    {
        Assert.That(SlackSignature.Verify(null, Timestamp, Expected, Body, SignedAt, Window).IsValid, Is.False);
        Assert.That(SlackSignature.Verify("", Timestamp, Expected, Body, SignedAt, Window).IsValid, Is.False);
        Assert.That(SlackSignature.Verify(Secret, null, Expected, Body, SignedAt, Window).IsValid, Is.False);
        Assert.That(SlackSignature.Verify(Secret, Timestamp, null, Body, SignedAt, Window).IsValid, Is.False);
        Assert.That(SlackSignature.Verify(Secret, "not-a-number", Expected, Body, SignedAt, Window).IsValid, Is.False);
    }
}
