using System.Net;
using System.Text.Json.Nodes;
using LearningBot.Core.Conversations;
using Microsoft.Extensions.DependencyInjection;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Authentication;

/// <summary>
/// A valid Bot Framework token proves the activity came through one of this bot's channels, not that it is a Teams
/// activity of the tenant it names (Bot Framework's keys are endorsed for Web Chat and Direct Line too, where the client
/// writes channelData, conversation and from). Each refused activity below carries a token Bot Framework accepts, and
/// must leave every table of the store as it was and send nothing.
/// </summary>
[TestFixture]
public sealed class ChannelAndTenantTests : SignedTeamsTestBase
{
    private const string OtherTenant = "0d5c1e2f-9b8a-4c7d-8e6f-5a4b3c2d1e0f";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Teams:AdminUserIds:0"] = Ann.AadObjectId,
    };

    private string DatabasePath => Folder.File("bot.db");

    private IConversationRepository Conversations => Host.Services.GetRequiredService<IConversationRepository>();

    private static string With(string activity, Action<JsonObject> change)
    {
        var json = JsonNode.Parse(activity)!.AsObject();
        change(json);
        return json.ToJsonString();
    }

    /// <summary>Posts the activity with a valid token and checks it is refused with <paramref name="status"/> and changes nothing.</summary>
    private async Task AssertRefusedAsync(string activity, int status, string? tenantClaim = null, string because = "")
    {
        _ = Host.Services; // starts the host, which creates and migrates the store
        var before = await StoredRows.CountAsync(DatabasePath);
        var sentBefore = Connector.SentActivities.Count;

        using var response = await PostSignedAsync(activity, tenantClaim);

        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(status), because + ": " + body);
        Assert.That(JsonNode.Parse(body)!["detail"]!.GetValue<string>(), Is.Not.Empty, "the refusal says why");
        Assert.That(await StoredRows.CountAsync(DatabasePath), Is.EqualTo(before), because + ": nothing stored");
        Assert.That(Connector.SentActivities, Has.Count.EqualTo(sentBefore), because + ": nothing sent");
    }

    [TestCase("webchat")]
    [TestCase("directline")]
    [TestCase("emulator")]
    public async Task Another_channel_with_a_valid_token_cannot_act_as_a_teams_tenant_or_admin(string channel)
    {
        // The attack as reported: Ann's ids, her tenant's channelData, an admin command and a planted learning.
        await PostSignedOkAsync(Teams.ChannelMessage("1732600001001", Bo, "help")); // the store exists and has this tenant
        foreach (var text in new[] { "settings budget 50", "learned planted by a web chat client #attack" })
        {
            await AssertRefusedAsync(With(Teams.ChannelMessage("1732600001002", Ann, text), a => a["channelId"] = channel), 403, because: channel);
        }

        await AssertRefusedAsync(With(Teams.CardAction("1732600001003", Ann, "settings budget 50", "1732600001001"), a => a["channelId"] = channel), 403);
        await AssertRefusedAsync(With(Teams.ExtensionSave("1732600001004", Ann, "1732600001005", "<p>planted</p>", "Planted?", "attack"),
            a => a["channelId"] = channel), 403);
        await AssertRefusedAsync(With(Teams.BotAdded("1732600001006", Ann, personal: true), a => a["channelId"] = channel), 403);

        // Control: the same command from Teams itself works, so the refusals above were not for another reason.
        var body = await PostSignedOkAsync(Teams.ChannelMessage("1732600001007", Ann, "settings budget 50"));
        Assert.That(Connector.SentActivities.Last().Card!.Text(), Does.Contain("Settings updated").And.Contain("50 per person"), body);
    }

    [Test]
    public async Task An_activity_without_a_channel_id_is_refused()
    {
        await AssertRefusedAsync(With(Teams.ChannelMessage("1732600001011", Ann, "learned x"), a => a.Remove("channelId")), 403);
    }

    public enum Spot { ConversationTenantId, ChannelDataTenant, TokenTid }

    public enum Kind { Message, CardAction, CardSubmit, ExtensionQuery, ExtensionSave, BotAdded, PersonalInstall, Uninstall, BotRemoved }

    private string ActivityOf(Kind kind) => kind switch
    {
        Kind.Message => Teams.ChannelMessage("1732600001101", Ann, "learned how tenants are checked #security"),
        Kind.CardAction => Teams.CardAction("1732600001102", Ann, "learned from a card #security", "1732600001100"),
        Kind.CardSubmit => Teams.CardSubmit("1732600001103", Ann, "learned from a submit #security", "1732600001100"),
        Kind.ExtensionQuery => Teams.ExtensionQuery("1732600001104", Ann, "rotate keys"),
        Kind.ExtensionSave => Teams.ExtensionSave("1732600001105", Ann, "1732600001199", "<p>Run make rotate-keys</p>", "How to rotate?", "ops"),
        Kind.BotAdded => Teams.BotAdded("1732600001106", Ann),
        Kind.PersonalInstall => Teams.BotAdded("1732600001107", Ann, personal: true),
        Kind.Uninstall => Teams.Uninstalled("1732600001108", Ann),
        _ => Teams.BotRemoved("1732600001109", Ann),
    };

    [Test]
    public async Task A_tenant_that_disagrees_anywhere_is_refused_for_every_kind_of_activity(
        [Values] Kind kind, [Values] Spot spot)
    {
        // Stored conversations first, so the removal kinds have something they could wrongly deactivate.
        await PostSignedOkAsync(Teams.BotAdded("1732600001090", Ann));
        await PostSignedOkAsync(Teams.BotAdded("1732600001091", Ann, personal: true));
        var activity = ActivityOf(kind);
        string? tid = null;
        switch (spot)
        {
            case Spot.ConversationTenantId:
                activity = With(activity, a => a["conversation"]!["tenantId"] = OtherTenant);
                break;
            case Spot.ChannelDataTenant:
                activity = With(activity, a => a["channelData"]!["tenant"]!["id"] = OtherTenant);
                break;
            default:
                tid = OtherTenant;
                break;
        }

        await AssertRefusedAsync(activity, 403, tid, $"{kind} with another tenant in {spot}");

        Assert.That((await Conversations.GetAsync("msteams:" + TeamThreadId, default))!.IsActive, Is.True);
        Assert.That(await Conversations.FindPersonalAsync("msteams:" + TenantId, Ann.AadObjectId, default), Is.Not.Null);
        // Control: with the tenant named consistently (and in the token too) the same activity is accepted.
        using var accepted = await PostSignedAsync(ActivityOf(kind), TenantId);
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{kind} control");
    }

    [Test]
    public async Task An_activity_that_names_no_tenant_is_refused()
    {
        var activity = With(Teams.ChannelMessage("1732600001201", Ann, "learned x"), a =>
        {
            a["conversation"]!.AsObject().Remove("tenantId");
            a["channelData"]!.AsObject().Remove("tenant");
        });

        await AssertRefusedAsync(activity, 400);
    }

    [Test]
    public async Task Channel_data_that_is_not_teams_channel_data_is_refused()
    {
        await AssertRefusedAsync(With(Teams.ChannelMessage("1732600001202", Ann, "learned x"), a => a["channelData"] = "not an object"), 400);
    }

    [Test]
    public async Task Another_tenant_cannot_deactivate_repoint_or_post_into_a_conversation_the_bot_stored_for_this_tenant()
    {
        await PostSignedOkAsync(Teams.BotAdded("1732600001301", Ann));
        await PostSignedOkAsync(Teams.BotAdded("1732600001302", Ann, personal: true));
        var sameEverywhere = (string activity) => With(activity, a =>
        {
            a["conversation"]!["tenantId"] = OtherTenant;
            a["channelData"]!["tenant"]!["id"] = OtherTenant;
        });

        // Consistent about its (other) tenant, token included, but the conversation ids are this tenant's.
        await AssertRefusedAsync(sameEverywhere(Teams.BotRemoved("1732600001303", Bo)), 403, OtherTenant, "remove from the team");
        await AssertRefusedAsync(sameEverywhere(Teams.BotAdded("1732600001304", Bo)), 403, OtherTenant, "re-add to the team");
        await AssertRefusedAsync(sameEverywhere(Teams.Uninstalled("1732600001305", Ann)), 403, OtherTenant, "uninstall Ann's chat");
        await AssertRefusedAsync(sameEverywhere(Teams.PersonalMessage("1732600001306", Ann, "learned x")), 403, OtherTenant, "write in Ann's chat");
        await AssertRefusedAsync(sameEverywhere(Teams.ChannelMessage("1732600001307", Ann, "learned x")), 403, OtherTenant, "write in the team");

        var team = (await Conversations.GetAsync("msteams:" + TeamThreadId, default))!;
        Assert.That(team.IsActive, Is.True);
        Assert.That(team.TeamId, Is.EqualTo("msteams:" + TenantId));
        Assert.That((await Conversations.FindPersonalAsync("msteams:" + TenantId, Ann.AadObjectId, default))!.IsActive, Is.True);
    }

    [Test]
    public async Task Someone_else_cannot_write_in_or_uninstall_a_stored_one_to_one_chat()
    {
        await PostSignedOkAsync(Teams.BotAdded("1732600001401", Ann, personal: true));
        var inAnnsChat = (string activity) => With(activity, a => a["conversation"]!["id"] = Ann.PersonalConversationId);

        await AssertRefusedAsync(inAnnsChat(Teams.PersonalMessage("1732600001402", Bo, "learned x")), 403, because: "Bo in Ann's chat");
        await AssertRefusedAsync(inAnnsChat(Teams.Uninstalled("1732600001403", Bo)), 403, because: "Bo uninstalls Ann's chat");

        var personal = await Conversations.FindPersonalAsync("msteams:" + TenantId, Ann.AadObjectId, default);
        Assert.That(personal, Is.Not.Null, "still Ann's, still active");
        Assert.That(await Conversations.FindPersonalAsync("msteams:" + TenantId, Bo.AadObjectId, default), Is.Null);
    }

    /// <summary>Another channel is accepted once configured (e.g. a Direct Line client of the same bot), with the same tenant checks.</summary>
    [TestFixture]
    public sealed class Configured : SignedTeamsTestBase
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Teams:AllowedChannels:0"] = "directline",
        };

        [Test]
        public async Task Only_the_configured_channels_are_accepted()
        {
            var directLine = With(Teams.ChannelMessage("1732600001501", Ann, "help"), a => a["channelId"] = "directline");

            await PostSignedOkAsync(directLine);
            using var teams = await PostSignedAsync(Teams.ChannelMessage("1732600001502", Ann, "help"));

            Assert.That(teams.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "msteams was not configured");
            Assert.That(Connector.SentActivities, Has.Count.EqualTo(1));
        }
    }
}
