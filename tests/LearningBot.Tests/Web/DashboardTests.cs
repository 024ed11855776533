using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningBot.Core.Commands;
using LearningBot.Web.Dashboard;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LearningBot.Tests.Web;

/// <summary>Signed links, dashboard sign-in and team isolation, and downloads, through the real host.</summary>
public sealed class DashboardTests
{
    private LearningBotWebFactory _factory = null!;

    [SetUp]
    public void Start() => _factory = new LearningBotWebFactory(new Dictionary<string, string?>
    {
        ["Dashboard:SigningKey"] = "test-signing-key-0123456789abcdef0123456789",
        ["Scheduler:Enabled"] = "false",
    });

    [TearDown]
    public void Stop() => _factory.Dispose();

    private HttpClient Browser() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private async Task<JsonElement> SendAsync(HttpClient client, string team, string user, string text, bool admin = false)
    {
        var response = await client.PostAsJsonAsync("/api/playground", new { team, user, text, admin });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string LinkIn(JsonElement reply) => reply.GetProperty("reply").GetProperty("blocks").EnumerateArray()
        .SelectMany(b => b.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.Object
            ? text.GetProperty("spans").EnumerateArray() : Enumerable.Empty<JsonElement>())
        .Single(s => s.GetProperty("type").GetString() == "link").GetProperty("url").GetString()!;

    [Test]
    public async Task A_sign_in_cookie_works_on_every_instance_with_the_same_signing_key_and_on_no_other()
    {
        var client = Browser();
        var signIn = await client.GetAsync(LinkIn(await SendAsync(client, "acme", "ann", "insights")));
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("learningbot.dashboard=", StringComparison.Ordinal)).Split(';')[0];
        var value = cookie["learningbot.dashboard=".Length..];
        var tampered = "learningbot.dashboard=" + value[..^3] + (value[^3] == 'A' ? 'B' : 'A') + value[^2..];
        // Another instance (own process state, own Data Protection key ring), same configuration; and one with another key.
        using var sameKey = new LearningBotWebFactory(new Dictionary<string, string?>
        {
            ["Dashboard:SigningKey"] = "test-signing-key-0123456789abcdef0123456789",
            ["Scheduler:Enabled"] = "false",
        });
        using var otherKey = new LearningBotWebFactory(new Dictionary<string, string?>
        {
            ["Dashboard:SigningKey"] = "another-signing-key-0123456789abcdef012345",
            ["Scheduler:Enabled"] = "false",
        });

        async Task<HttpStatusCode> DashboardWith(LearningBotWebFactory instance, string sentCookie)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/dashboard/playground:acme");
            request.Headers.Add("Cookie", sentCookie);
            using var response = await instance.CreateClient().SendAsync(request);
            return response.StatusCode;
        }

        Assert.That(await DashboardWith(sameKey, cookie), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await DashboardWith(otherKey, cookie), Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await DashboardWith(sameKey, tampered), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public void The_cookie_protector_round_trips_and_refuses_tampering_and_other_purposes()
    {
        var secret = System.Text.Encoding.UTF8.GetBytes(new string('k', 32));
        var protector = new SigningKeyProtector(secret, "dashboard-cookie");
        var data = System.Text.Encoding.UTF8.GetBytes("ann of acme");

        var protectedData = protector.Protect(data);
        var flipped = protectedData.ToArray();
        flipped[^1] ^= 1;

        Assert.That(new SigningKeyProtector(secret, "dashboard-cookie").Unprotect(protectedData), Is.EqualTo(data));
        Assert.That(protector.Protect(data), Is.Not.EqualTo(protectedData), "a fresh nonce every time");
        Assert.Throws(Is.InstanceOf<System.Security.Cryptography.CryptographicException>(), () => protector.Unprotect(flipped));
        Assert.Throws(Is.InstanceOf<System.Security.Cryptography.CryptographicException>(), () => protector.Unprotect(protectedData[..20]));
        Assert.Throws(Is.InstanceOf<System.Security.Cryptography.CryptographicException>(),
            () => new SigningKeyProtector(secret, "other").Unprotect(protectedData));
        Assert.Throws(Is.InstanceOf<System.Security.Cryptography.CryptographicException>(),
            () => protector.CreateProtector("child").Unprotect(protectedData));
    }

    [Test]
    public async Task A_private_link_signs_a_member_in_to_their_own_teams_dashboard_only()
    {
        var client = Browser();
        await SendAsync(client, "acme", "ann", "learned terraform imports #terraform 1h");
        await SendAsync(client, "acme", "bo", "learned ansible facts #ansible");
        await SendAsync(client, "acme", "ann", "kudos @bo for the pairing");
        await SendAsync(client, "acme", "bo", "ask where is the vpn config");
        await SendAsync(client, "globex", "mallory", "learned globex secrets");
        var link = LinkIn(await SendAsync(client, "acme", "ann", "insights"));

        var anonymous = await Browser().GetAsync("/api/dashboard/playground:acme");
        var signIn = await client.GetAsync(link);
        var page = await client.GetAsync(signIn.Headers.Location);
        var model = await client.GetFromJsonAsync<JsonElement>("/api/dashboard/playground:acme");
        var anonymised = await client.GetFromJsonAsync<JsonElement>("/api/dashboard/playground:acme?names=false");
        var otherTeam = await client.GetAsync("/api/dashboard/playground:globex");
        var otherTeamPage = await client.GetAsync("/dashboard/playground:globex");

        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(signIn.Headers.Location!.OriginalString, Is.EqualTo("/dashboard/playground%3Aacme"));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("chart-learnings"));
        var week = model.GetProperty("weeks").EnumerateArray().Last();
        Assert.That(model.GetProperty("weeks").GetArrayLength(), Is.EqualTo(12));
        Assert.That((week.GetProperty("learnings").GetInt32(), week.GetProperty("participants").GetInt32(), week.GetProperty("minutesLogged").GetInt32()),
            Is.EqualTo((2, 2, 60)));
        Assert.That(week.GetProperty("kudosGiven").GetInt32(), Is.EqualTo(1));
        Assert.That(model.GetProperty("members").GetInt32(), Is.EqualTo(2));
        Assert.That(model.GetProperty("recognitionSpread").GetDouble(), Is.EqualTo(0.5));
        Assert.That(model.GetProperty("unansweredTopics")[0].GetProperty("label").GetString(), Is.EqualTo("where is the vpn config"));
        Assert.That(model.GetProperty("recognition")[0].GetProperty("from").GetString(), Is.EqualTo("ann"));
        Assert.That(anonymised.GetRawText(), Does.Not.Contain("\"ann\"").And.Contain("Person 1"));
        Assert.That(otherTeam.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(otherTeamPage.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await otherTeamPage.Content.ReadAsStringAsync(), Does.Contain("belongs to another team"));
        Assert.That(model.GetRawText(), Does.Not.Contain("globex"));
    }

    [Test]
    public async Task The_me_reply_links_to_a_personal_page_showing_the_same_as_chat()
    {
        var client = Browser();
        await SendAsync(client, "acme", "ann", "learned sqlite WAL mode #sqlite 20m");
        await SendAsync(client, "acme", "bo", "kudos @ann for the WAL explanation");
        var chat = await SendAsync(client, "acme", "ann", "me");
        var link = chat.GetProperty("reply").GetProperty("blocks").EnumerateArray().Last()
            .GetProperty("text").GetProperty("spans")[0].GetProperty("url").GetString()!;

        var before = await Browser().GetAsync("/api/me");
        var signIn = await client.GetAsync(link);
        var page = await client.GetAsync("/me");
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");

        Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(signIn.Headers.Location!.OriginalString, Is.EqualTo("/me"));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("Your learning"));
        Assert.That(me.GetProperty("team").GetString(), Is.EqualTo("playground:acme"));
        var text = me.GetProperty("reply").GetRawText();
        Assert.That(text, Does.Contain("1 in all").And.Contain("the WAL explanation").And.Contain("Time this month"));
        Assert.That(text, Does.Not.Contain("Open your page on the web"), "no link to the page on the page itself");
    }

    [Test]
    public async Task Tampered_links_do_not_sign_anyone_in()
    {
        var client = Browser();
        var link = LinkIn(await SendAsync(client, "acme", "ann", "insights"));
        var token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        var payload = JsonDocument.Parse(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(token.Split('.')[0])).RootElement;
        var forgedPayload = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(new
        {
            Team = "playground:globex", User = payload.GetProperty("User").GetString(), Purpose = "dashboard",
            Expires = payload.GetProperty("Expires").GetInt64(),
        }));

        var forged = await client.GetAsync($"/dashboard/signin?token={forgedPayload}.{token.Split('.')[1]}");
        var garbage = await client.GetAsync("/dashboard/signin?token=not-a-token");
        var missing = await client.GetAsync("/dashboard/signin");
        var afterwards = await client.GetAsync("/api/dashboard/playground:globex");

        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(garbage.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(afterwards.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Export_me_downloads_my_data_and_export_team_a_csv_for_admins()
    {
        var client = Browser();
        await SendAsync(client, "acme", "ann", "learned =HYPERLINK(\"http://evil\") is a spreadsheet trick #csv");
        await SendAsync(client, "acme", "bo", "learned something of bo's");
        var mine = LinkIn(await SendAsync(client, "acme", "ann", "export me"));
        var team = LinkIn(await SendAsync(client, "acme", "boss", "export team", admin: true));

        var json = await client.GetAsync(mine);
        var csv = await client.GetAsync(team);
        var dashboardLinkAsExport = await client.GetAsync("/export?" + LinkIn(await SendAsync(client, "acme", "ann", "insights")).Split('?')[1]);

        Assert.That(json.Content.Headers.ContentDisposition!.FileName, Does.Contain("learningbot-my-data.json"));
        var data = await json.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(data.GetProperty("learnings").GetArrayLength(), Is.EqualTo(1));
        Assert.That(data.GetRawText(), Does.Not.Contain("something of bo"));
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("type,created_at,person,text,tags,minutes,to"));
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines.Single(l => l.Contains("HYPERLINK", StringComparison.Ordinal)), Does.Contain(",\"'=HYPERLINK(\"\"http://evil\"\") is a spreadsheet trick\","));
        Assert.That(dashboardLinkAsExport.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a link is good for one purpose only");
    }

    [Test]
    public void Links_expire_and_any_change_breaks_them()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var options = Options.Create(new DashboardOptions { SigningKey = new string('k', 32), LinkLifetime = TimeSpan.FromMinutes(15) });
        var links = new SignedLinks(options, clock, NullLogger<SignedLinks>.Instance);
        var otherKey = new SignedLinks(Options.Create(new DashboardOptions { SigningKey = new string('x', 32) }), clock, NullLogger<SignedLinks>.Instance);
        var token = links.Create("acme", "ann", SignedLinks.DashboardPurpose);

        Assert.That(links.Read(token), Is.EqualTo(new LinkClaims("acme", "ann", "dashboard", clock.GetUtcNow())));
        Assert.That(otherKey.Read(token), Is.Null);
        Assert.That(links.Read(token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1]), Is.Null);
        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.That(links.Read(token), Is.Null);
        Assert.That(links.Export("acme", "ann", ExportScope.Me), Does.StartWith("/export?token="));
    }

    [Test]
    public void A_short_signing_key_stops_start_up()
    {
        using var factory = new LearningBotWebFactory(new Dictionary<string, string?> { ["Dashboard:SigningKey"] = "short" });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.That(error!.Message, Does.Contain("Dashboard:SigningKey must be at least 32 characters"));
    }
}
