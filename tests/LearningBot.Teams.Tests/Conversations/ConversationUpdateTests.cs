using LearningBot.Core.Conversations;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Conversations;

[TestFixture]
public sealed class ConversationUpdateTests : TeamsTestBase
{
    private const string TeamKey = "msteams:" + TeamThreadId;

    [Test]
    public async Task Installing_into_a_team_greets_once_and_stores_the_conversation_reference()
    {
        await PostOkAsync(Teams.BotAdded("f:1", Ann));
        await PostOkAsync(Teams.BotAdded("f:1", Ann)); // redelivered
        await PostOkAsync(Teams.BotAdded("f:2", Ann)); // a second notification for the same install

        var greeting = Connector.SentActivities.Single();
        Assert.That(greeting.Path, Does.StartWith($"/teams/v3/conversations/{TeamThreadId}/activities"));
        Assert.That(greeting.Card!["body"]![0]!["text"]!.GetValue<string>(), Does.Contain("Hi, I'm LearningBot"));
        var stored = await Conversations.GetAsync(TeamKey, default);
        Assert.That(stored, Is.Not.Null);
        Assert.That(stored!.IsActive, Is.True);
        Assert.That(stored.Kind, Is.EqualTo(ConversationKind.Channel));
        Assert.That(stored.TeamId, Is.EqualTo("msteams:" + TenantId));
        Assert.That(stored.ReferenceJson, Does.Contain(Connector.ServiceUrl).And.Contain(TeamThreadId));
        await NodeChecks.AssertValidCardsAsync([greeting.Card!]);
    }

    [Test]
    public async Task Removing_the_bot_marks_the_conversation_inactive_and_re_adding_greets_again()
    {
        await PostOkAsync(Teams.BotAdded("f:1", Ann));
        await PostOkAsync(Teams.BotRemoved("f:2", Ann));

        Assert.That((await Conversations.GetAsync(TeamKey, default))!.IsActive, Is.False);
        Assert.That(await Conversations.ListActiveAsync("msteams:" + TenantId, default), Is.Empty);

        await PostOkAsync(Teams.BotAdded("f:3", Bo));
        Assert.That((await Conversations.GetAsync(TeamKey, default))!.IsActive, Is.True);
        Assert.That(Connector.SentActivities, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Personal_install_stores_a_one_to_one_chat_for_that_user()
    {
        await PostOkAsync(Teams.BotAdded("f:1", Ann, personal: true));

        var personal = await Conversations.FindPersonalAsync("msteams:" + TenantId, Ann.AadObjectId, default);
        Assert.That(personal, Is.Not.Null);
        Assert.That(personal!.Key, Is.EqualTo("msteams:" + Ann.PersonalConversationId));
        Assert.That(Connector.SentActivities.Single().Path, Does.StartWith($"/teams/v3/conversations/{Ann.PersonalConversationId}/activities"));
    }

    [Test]
    public async Task Uninstalling_from_a_personal_chat_stops_private_messages_there()
    {
        await PostOkAsync(Teams.BotAdded("f:1", Ann, personal: true));
        await PostOkAsync(Teams.Uninstalled("f:2", Ann));

        Assert.That(await Conversations.FindPersonalAsync("msteams:" + TenantId, Ann.AadObjectId, default), Is.Null);
    }

    // Issue 18: a message from a 1:1 chat the bot already stored, unchanged, writes nothing (it was a write transaction of its
    // own on every Teams message); anything that changed, or an inactive row, is written as before.

    [Test]
    public async Task A_known_personal_chat_is_not_rewritten_by_each_message()
    {
        await PostOkAsync(Teams.PersonalMessage("m:1", Ann, "learned the first thing"));
        var first = await Conversations.GetAsync("msteams:" + Ann.PersonalConversationId, default);

        await PostOkAsync(Teams.PersonalMessage("m:2", Ann, "learned the second thing"));

        var second = await Conversations.GetAsync("msteams:" + Ann.PersonalConversationId, default);
        Assert.That(second, Is.EqualTo(first), "the stored row, reference and time included, is the first message's");
        Assert.That(second!.ReferenceJson, Does.Contain("\"activityId\":\"m:1\""));
        Assert.That(Connector.SentActivities, Has.Count.EqualTo(2), "both answered");
    }

    [Test]
    public async Task A_personal_chat_marked_inactive_elsewhere_is_stored_active_again_by_the_next_message()
    {
        await PostOkAsync(Teams.PersonalMessage("m:1", Ann, "learned the first thing"));
        // What another instance's outbox does when Teams answers 403 for a DM (or an uninstall it handled).
        await Conversations.MarkInactiveAsync("msteams:" + Ann.PersonalConversationId, DateTimeOffset.UtcNow, default);

        await PostOkAsync(Teams.PersonalMessage("m:2", Ann, "learned the second thing"));

        var stored = await Conversations.GetAsync("msteams:" + Ann.PersonalConversationId, default);
        Assert.That(stored!.IsActive, Is.True);
        Assert.That(await Conversations.FindPersonalAsync("msteams:" + TenantId, Ann.AadObjectId, default), Is.Not.Null);
    }

    [Test]
    public async Task A_changed_name_in_a_known_personal_chat_is_stored()
    {
        await PostOkAsync(Teams.PersonalMessage("m:1", Ann, "learned the first thing"));

        await PostOkAsync(Teams.PersonalMessage("m:2", Ann with { Name = "Ann Lee-Okafor" }, "learned the second thing"));

        var stored = await Conversations.GetAsync("msteams:" + Ann.PersonalConversationId, default);
        Assert.That(stored!.ReferenceJson, Does.Contain("Ann Lee-Okafor").And.Contain("\"activityId\":\"m:2\""));
    }
}
