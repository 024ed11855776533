using FsCheck;
using FsCheck.Fluent;
using LearningBot.Web.Hosting;

namespace LearningBot.Fuzz.Tests;

/// <summary>
/// The log redactor on random capabilities in every shape a log line carries a URL: a full URL, a path and query, a
/// query string alone, percent-encoded inside another URL, quoted in JSON, after other parameters, and Slack's
/// response_url / webhook paths on hooks.slack.com or any host.
/// </summary>
[TestFixture]
public sealed class LogRedactionProperties
{
    private static readonly string[] Shapes =
    [
        "Request starting HTTP/1.1 GET http://localhost/dashboard/signin?token={0}&to=me - - -",
        "Request finished HTTP/1.1 GET https://bot.example.com/export?token={0} - 200",
        "{{\"QueryString\":\"?token={0}\"}}",
        "Executing /slack/oauth/callback?state={0}&code=abc",
        "/slack/oauth/callback?code={0}&state=s.1.x",
        "/slack/oauth/callback?error=access_denied&CODE={0}#frag",
        "redirect to https://proxy.example/?next=https%3A%2F%2Fbot.example.com%2Fexport%3Ftoken%3D{0}%26x%3D1",
        "Sending HTTP request POST https://hooks.slack.com/commands/T024BE7LD/1234567890/{0}",
        "HTTP POST https://hooks.slack.com/actions/T024BE7LD/1234567890/{0} Start processing",
        "'https://hooks.slack.com/services/T024BE7LD/B0123/{0}'",
        "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F{0}",
        "Sending HTTP request POST http://127.0.0.1:40123/commands/T0001/1234567890/{0}",
    ];

    private static Arbitrary<(int Shape, string Value)> Capabilities() =>
        Gen.Zip(Gen.Choose(0, Shapes.Length - 1),
                Gen.ArrayOf(Gen.Elements("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".ToCharArray()))
                    .Where(chars => chars.Length >= 12).Select(chars => new string(chars)))
            .ToArbitrary();

    [FsCheck.NUnit.Property(MaxTest = 2000)]
    public Property No_capability_survives_redaction_in_any_shape() =>
        Prop.ForAll(Capabilities(), c =>
        {
            var line = string.Format(System.Globalization.CultureInfo.InvariantCulture, Shapes[c.Shape], c.Value);
            var redacted = LogRedactor.Redact(line);
            return (!redacted.Contains(c.Value, StringComparison.Ordinal) && redacted.Contains(LogRedactor.Mask, StringComparison.Ordinal))
                .Label($"{line} -> {redacted}");
        });

    // The patterns ignore case the way Regex does (the Kelvin sign is a k); the pre-check that skips lines
    // without a capability must not be narrower (issue 18 made the pre-check; these lines must still be redacted).
    [TestCase("Request starting HTTP/1.1 GET http://localhost/dashboard/signin?to\u212Aen={0}")]
    [TestCase("Sending HTTP request POST https://hoo\u212As.slack.com/x/{0}")]
    [TestCase("GET http://localhost/export?TOKEN%3d{0}")]
    public void Capabilities_spelled_with_other_case_forms_are_redacted(string shape)
    {
        const string capability = "cap7Hq2ZxK9mW";
        var redacted = LogRedactor.Redact(string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, capability));
        Assert.That(redacted, Does.Not.Contain(capability).And.Contain(LogRedactor.Mask));
    }

    /// <summary>
    /// Which characters Regex's culture-invariant IgnoreCase treats as one of the letters the capability patterns spell, but
    /// ordinal ignore-case (the pre-check's comparison) does not: exactly the one the pre-check sends to the regexes anyway.
    /// Fails if a .NET update adds a case form, so the pre-check's list is updated with it.
    /// </summary>
    [Test]
    public void The_pre_check_knows_every_case_form_the_patterns_match()
    {
        var extra = new SortedSet<char>();
        foreach (var letter in "tokencdsaeristwfhlmuvgbp".Distinct())
        {
            var regex = new System.Text.RegularExpressions.Regex("^" + letter + "$",
                System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
            for (var c = 0; c <= char.MaxValue; c++)
            {
                var text = ((char)c).ToString();
                if (regex.IsMatch(text) && !string.Equals(text, letter.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    extra.Add((char)c);
                }
            }
        }

        Assert.That(extra, Is.EquivalentTo(new[] { '\u212A' }));
    }

    [TestCase("Request starting HTTP/1.1 POST http://localhost/slack/commands - application/x-www-form-urlencoded 512")]
    [TestCase("Slack event app_mention in team T0001: Ev123 (retry )")]
    [TestCase("Executing endpoint 'HTTP: GET /dashboard/{team}' with ?names=false")]
    [TestCase("Sending HTTP request POST http://127.0.0.1:9/api/chat.postMessage")]
    public void Lines_without_a_capability_are_left_alone(string line) => Assert.That(LogRedactor.Redact(line), Is.SameAs(line));
}
