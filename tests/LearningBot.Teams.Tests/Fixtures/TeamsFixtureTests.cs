using System.Text.Json.Nodes;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Prompts;
using Microsoft.Extensions.DependencyInjection;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Fixtures;

/// <summary>
/// Real-shaped Teams payloads (Fixtures/teams/*.json, written from the Bot Framework activity schema, Microsoft's Teams
/// docs and public bug reports) replayed through the real host, each with what it must do. See docs/teams.md.
/// </summary>
[TestFixture]
public sealed class TeamsFixtureTests : TeamsTestBase
{
    private static readonly Person Dee = new("29:1DeeTeamsUserId", "Dee & Co", "dddddddd-4444-4444-8444-dddddddddddd");
    private static readonly Person BoDiaz = new("29:1BoDiazTeamsUserId", "Bo Diaz", "eeeeeeee-5555-4555-8555-eeeeeeeeeeee");

    private static string TeamId => "msteams:" + TenantId;

    [SetUp]
    public void MoreRoster()
    {
        Connector.Members[Dee.Id] = (Dee.AadObjectId, Dee.Name);
        Connector.Members[BoDiaz.Id] = (BoDiaz.AadObjectId, BoDiaz.Name);
    }

    /// <summary>The fixture's JSON with the test's service URL (and other placeholders) filled in.</summary>
    private string Fixture(string name, string? promptPostId = null)
    {
        var json = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "teams", name + ".json"));
        return json.Replace("{{serviceUrl}}", Connector.ServiceUrl, StringComparison.Ordinal)
            .Replace("{{promptPostId}}", promptPostId ?? "unset", StringComparison.Ordinal);
    }

    private string LastReplyText() => Connector.SentActivities.Last().Body!["summary"]!.GetValue<string>();

    private async Task<IReadOnlyList<KudosGift>> GiftsAsync() =>
        await Host.Services.GetRequiredService<IKudosRepository>().ListSinceAsync(TeamId, DateTimeOffset.MinValue, 50, default);

    [TestCase("mention-ampersand-without-text", Description = "Teams leaves out text for names with & (botbuilder-js#2083)")]
    [TestCase("mention-html-encoded-name", Description = "text and mentioned.name HTML-encoded")]
    [TestCase("mention-text-without-at", Description = "text without <at> tags; the bot's mention without text")]
    public async Task Kudos_to_a_name_with_an_ampersand_credits_the_person_with_their_full_name(string fixture)
    {
        await PostOkAsync(Fixture(fixture));

        var gift = (await GiftsAsync()).Single();
        Assert.That(gift.ReceiverIds, Is.EqualTo(new[] { Dee.AadObjectId }));
        Assert.That(gift.Reason, Does.Not.Contain("Dee").And.Not.Contain("&amp;").And.Not.Contain("<at>"));
        var card = Connector.SentActivities.Single().Card!;
        var mentioned = card["msteams"]!["entities"]!.AsArray().Select(m => m!["mentioned"]!["name"]!.GetValue<string>());
        Assert.That(mentioned, Does.Contain("Dee & Co"), "credited by their full name, decoded");
        Assert.That(LastReplyText(), Does.Not.Contain("Mention the people"));
        await NodeChecks.AssertValidCardsAsync([card]);
    }

    [TestCase("mention-same-first-name", Description = "both mentions shortened to \"Bo\"; the bot mentioned last")]
    [TestCase("mention-name-only-first-name", Description = "no entity has text; only mentioned.name")]
    public async Task Two_people_with_the_same_first_name_are_both_credited_by_their_full_names(string fixture)
    {
        await PostOkAsync(Fixture(fixture));

        var gift = (await GiftsAsync()).Single();
        Assert.That(gift.ReceiverIds, Is.EquivalentTo(new[] { Bo.AadObjectId, BoDiaz.AadObjectId }));
        Assert.That(gift.Reason, Is.EqualTo("the load test"));
        var card = Connector.SentActivities.Single().Card!;
        var mentioned = card["msteams"]!["entities"]!.AsArray().Select(m => m!["mentioned"]!["name"]!.GetValue<string>());
        Assert.That(mentioned, Is.SupersetOf(new[] { "Bo Chen", "Bo Diaz" }));
    }

    [Test]
    public async Task A_link_pasted_as_its_title_keeps_its_address_from_the_html_attachment()
    {
        await PostOkAsync(Fixture("link-title-only-share"));

        var post = (await Host.Services.GetRequiredService<IKnowledgeRepository>()
            .ListAsync(new KnowledgeQuery(TeamId, null, null, 5), default)).Single();
        Assert.That(post.Answer, Is.EqualTo(
            "see the Polly retry docs (https://www.pollydocs.org/strategies/retry.html) and the Resilience & chaos guide " +
            "(https://learn.microsoft.com/dotnet/core/resilience/?view=net-10.0&tabs=dotnet-cli)"));
        Assert.That(post.Tags, Is.EqualTo(new[] { "resilience" }));
        // The card makes the address clickable (a TextRun has no markdown, so it needs an OpenUrl action).
        var card = Connector.SentActivities.Single().Card!;
        var opens = card.ToJsonString();
        Assert.That(opens, Does.Contain("\"url\":\"https://www.pollydocs.org/strategies/retry.html\""));
        await NodeChecks.AssertValidCardsAsync([card]);
    }

    [Test]
    public async Task A_pasted_address_shown_without_its_scheme_is_stored_as_the_full_address()
    {
        await PostOkAsync(Fixture("link-pasted-url-learned"));

        var learning = (await Host.Services.GetRequiredService<ILearningRepository>()
            .ListAsync(new LearningQuery(TeamId, Ann.AadObjectId, null, 5), default)).Single();
        Assert.That(learning.Text, Is.EqualTo("how hedging works from https://learn.microsoft.com/dotnet/core/resilience"));
        Assert.That(learning.Minutes, Is.EqualTo(15));
    }

    [Test]
    public async Task In_a_prompts_thread_a_mention_that_is_not_a_command_and_learned_are_answers_and_the_digest_shows_them()
    {
        await using var host = new TeamsHost(Connector, Folder.File("prompt.db"), new Dictionary<string, string?>
        {
            ["Teams:AdminUserIds:0"] = Ann.AadObjectId,
            ["Scheduler:PollInterval"] = "00:00:00.100",
            ["Scheduler:MaxAnswerWindow"] = "00:00:04",
        });
        async Task Post(string json)
        {
            using var response = await host.PostActivityAsync(json);
            Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        }

        await Post(Teams.ChannelMessage("p1", Ann, "prompt set mon,thu 09:30 Europe/Berlin \"What did you learn this week?\""));
        await Post(Teams.ChannelMessage("p2", Ann, "prompt now"));
        var prompts = host.Services.GetRequiredService<IPromptRepository>();
        PromptOccurrence? occurrence = null;
        for (var i = 0; i < 200 && occurrence?.PostedMessageId is null; i++)
        {
            occurrence = (await prompts.ListOccurrencesAsync("msteams:" + TeamThreadId, 1, default)).SingleOrDefault();
            await Task.Delay(20);
        }

        Assert.That(occurrence?.PostedMessageId, Is.Not.Null, "the prompt was never posted");
        var postId = occurrence!.PostedMessageId!;
        await Post(Fixture("prompt-thread-mention-free-text", postId));
        var answerAck = Connector.SentActivities.Last().Body!["summary"]!.GetValue<string>();
        await Post(Fixture("prompt-thread-mention-learned", postId));
        await Post(Fixture("prompt-thread-mention-command", postId));

        var learnings = host.Services.GetRequiredService<ILearningRepository>();
        var bo = await learnings.ListAsync(new LearningQuery(TeamId, Bo.AadObjectId, null, 5), default);
        var ann = await learnings.ListAsync(new LearningQuery(TeamId, Ann.AadObjectId, null, 5), default);
        Assert.That(bo.Select(l => (l.Text, l.OccurrenceId, l.Minutes, string.Join(",", l.Tags))),
            Is.EqualTo(new[] { ("I learned how to profile the API with dotnet-trace", occurrence.Id, (int?)20, "perf") }));
        Assert.That(ann.Select(l => (l.Text, l.OccurrenceId, l.Minutes, string.Join(",", l.Tags))),
            Is.EqualTo(new[] { ("flame graphs read bottom-up", occurrence.Id, (int?)10, "perf") }));
        Assert.That(answerAck, Does.Contain("Added to this prompt's answers").And.Not.Contain("don't know the command"));
        var gifts = await host.Services.GetRequiredService<IKudosRepository>().ListSinceAsync(TeamId, DateTimeOffset.MinValue, 5, default);
        Assert.That(gifts.Single().ReceiverIds, Is.EqualTo(new[] { Bo.AadObjectId }), "a command in the thread still runs as a command");

        // The digest (posted in the prompt's thread once the answer window closes) lists both answers.
        ConnectorRequest? digest = null;
        for (var i = 0; i < 400 && digest is null; i++)
        {
            digest = Connector.SentActivities.FirstOrDefault(a => a.Path.EndsWith("/activities/" + postId, StringComparison.Ordinal)
                                                                  && a.Body!.ToJsonString().Contains("bottom-up", StringComparison.Ordinal));
            await Task.Delay(25);
        }

        Assert.That(digest, Is.Not.Null, "no digest with the answers was posted in the prompt's thread");
        Assert.That(digest!.Body!.ToJsonString(), Does.Contain("profile the API with dotnet-trace"));
    }

    [Test]
    public async Task A_prompt_in_a_group_chat_is_refused_with_the_reason_and_what_to_do()
    {
        await using var host = new TeamsHost(Connector, Folder.File("group.db"), new Dictionary<string, string?>
        {
            ["Teams:AdminUserIds:0"] = Ann.AadObjectId,
        });
        using var response = await host.PostActivityAsync(Fixture("groupchat-prompt-set"));
        Assert.That((int)response.StatusCode, Is.EqualTo(200));

        var reply = LastReplyText();
        Assert.That(reply, Does.Contain("no threads").And.Contain("channel").And.Not.Contain("Reply in this thread"));
        var schedules = host.Services.GetRequiredService<IPromptRepository>();
        Assert.That(await schedules.GetScheduleAsync("msteams:72f988bf-86f1-41af-91ab-2d7cd011db47", "msteams:19:meeting_Nzk0ZGFmYzEtOWI3YS00ZDQ0@thread.v2", default), Is.Null);
    }

    [Test]
    public async Task Kudos_in_a_personal_chat_says_where_people_can_be_mentioned()
    {
        await PostOkAsync(Fixture("personal-kudos-typed-name"));

        var reply = LastReplyText();
        Assert.That(reply, Does.Contain("can't be @mentioned in this chat").And.Contain("channel or group chat"));
        Assert.That(reply, Does.Not.Contain("with @name"));
        Assert.That(await GiftsAsync(), Is.Empty);
    }

    [TestCase("channel-settings-non-admin")]
    [TestCase("channel-prompt-set-non-admin")]
    public async Task An_admin_refusal_in_teams_names_the_setting_not_the_installer(string fixture)
    {
        await PostOkAsync(Fixture(fixture));

        var reply = LastReplyText();
        Assert.That(reply, Does.Contain("Only team admins").And.Contain("Teams__AdminUserIds"));
        Assert.That(reply, Does.Not.Contain("installed me"));
    }

    [TestCase("personal-installed", "Type help", "Mention me")]
    [TestCase("groupchat-installed", "Mention me", "Type help")]
    public async Task The_welcome_fits_the_scope_it_is_sent_in(string fixture, string expected, string unexpected)
    {
        await PostOkAsync(Fixture(fixture));

        var reply = LastReplyText();
        Assert.That(reply, Does.Contain(expected).And.Not.Contain(unexpected));
    }

    /// <summary>Every fixture is a well-formed activity (so a typo cannot make a test pass by being ignored).</summary>
    [Test]
    public void Every_fixture_is_an_activity_with_the_fields_teams_always_sends()
    {
        var folder = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "teams");
        var files = Directory.GetFiles(folder, "*.json");
        Assert.That(files, Has.Length.GreaterThanOrEqualTo(16));
        foreach (var file in files)
        {
            var activity = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            foreach (var field in new[] { "type", "id", "serviceUrl", "channelId", "from", "conversation", "recipient" })
            {
                Assert.That(activity.ContainsKey(field), $"{Path.GetFileName(file)} lacks {field}");
            }

            Assert.That(activity["conversation"]!["tenantId"]?.GetValue<string>(), Is.EqualTo(TenantId), Path.GetFileName(file));
        }
    }
}
