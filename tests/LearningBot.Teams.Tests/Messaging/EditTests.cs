using System.Text.Json.Nodes;
using LearningBot.Core.Learnings;
using LearningBot.Teams.Messages;
using Microsoft.Extensions.DependencyInjection;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Messaging;

/// <summary>
/// Edits and second thoughts in Teams, through the real host: <c>messageUpdate</c> (channelData.eventType <c>editMessage</c>) and
/// <c>messageDelete</c> (<c>softDeleteMessage</c>) of a message a learning came from
/// (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events), and the
/// learned card's "Edit" (Action.ShowCard with a prefilled input) and "Delete" buttons.
/// </summary>
[TestFixture]
public sealed class EditTests : TeamsTestBase
{
    private Task<IReadOnlyList<LearningEntry>> LearningsAsync(Person person) =>
        Host.Services.GetRequiredService<ILearningRepository>()
            .ListAsync(new LearningQuery(TeamsIds.TeamId(TenantId), person.AadObjectId, null, 10) { IncludePrivate = true }, default);

    /// <summary>The same message as Teams reports an edit or a soft delete of it: same id and conversation, another type.</summary>
    private static string Changed(string message, string type, string eventType, string timestamp, string? text = null, Person? by = null)
    {
        var activity = Parse(message).AsObject();
        activity["type"] = type;
        activity["timestamp"] = timestamp;
        activity["channelData"]!["eventType"] = eventType;
        if (text is not null)
        {
            activity["text"] = text;
        }
        else if (type == "messageDelete")
        {
            activity.Remove("text");
            activity.Remove("entities");
        }

        if (by is not null)
        {
            activity["from"] = new JsonObject { ["id"] = by.Id, ["name"] = by.Name, ["aadObjectId"] = by.AadObjectId };
        }

        return activity.ToJsonString();
    }

    [Test]
    public async Task Editing_a_personal_chat_learning_updates_it_only_for_its_author_and_only_forward_and_deleting_removes_it()
    {
        var original = Teams.PersonalMessage("1732600002001", Ann, "learned flaky tests hide real races #testing");
        await PostOkAsync(original);
        Assert.That((await LearningsAsync(Ann)).Single().SourceMessage, Is.EqualTo($"msteams:{Ann.PersonalConversationId}:1732600002001"));

        var edit = Changed(original, "messageUpdate", "editMessage", "2026-11-24T09:05:00.000Z", "learned flaky tests hide real races in CI #testing 15m");
        await PostOkAsync(edit);
        await PostOkAsync(edit); // redelivered: one effect
        await PostOkAsync(Changed(original, "messageUpdate", "editMessage", "2026-11-24T09:02:00.000Z", "learned an older draft arriving late"));
        var entry = (await LearningsAsync(Ann)).Single();

        Assert.That((entry.Text, entry.Minutes), Is.EqualTo(("flaky tests hide real races in CI", (int?)15)));
        Assert.That(await LearningsAsync(Bo), Is.Empty);

        await PostOkAsync(Changed(original, "messageDelete", "softDeleteMessage", "2026-11-24T09:20:00.000Z"));
        Assert.That(await LearningsAsync(Ann), Is.Empty);
        Assert.That(Connector.SentActivities, Has.Count.EqualTo(1), "only the first message was answered; edits are quiet");
    }

    [Test]
    public async Task Editing_a_channel_mention_learning_reads_the_new_text_like_a_new_message_and_only_the_authors_edit_counts()
    {
        var original = Teams.ChannelMessage("1732600002101", Ann, "learned canaries catch bad configs #deploy");
        await PostOkAsync(original);

        await PostOkAsync(Changed(original, "messageUpdate", "editMessage", "2026-11-24T09:05:00.000Z",
            "<at>LearningBot</at> learned canaries catch bad configs early #deploy #ops"));
        // Teams lets only the author edit; an update naming someone else is not applied all the same.
        await PostOkAsync(Changed(original, "messageUpdate", "editMessage", "2026-11-24T09:06:00.000Z",
            "<at>LearningBot</at> learned Bo rewrote this", by: Bo));
        var entry = (await LearningsAsync(Ann)).Single();

        Assert.That(entry.Text, Is.EqualTo("canaries catch bad configs early"));
        Assert.That(entry.Tags, Is.EqualTo(new[] { "deploy", "ops" }));
        Assert.That(entry.SourceMessage, Is.EqualTo($"msteams:{TeamThreadId}:1732600002101"));
        Assert.That(await LearningsAsync(Bo), Is.Empty);
    }

    [Test]
    public async Task The_learned_card_edit_button_is_a_prefilled_input_whose_save_edits_and_delete_is_the_authors_alone()
    {
        await PostOkAsync(Teams.PersonalMessage("1732600002201", Ann, "learned how feature flags decouple deploys #flags 30m"));
        var card = Connector.SentActivities.Last().Card!;
        var showCard = CardTests.FindAll(card, "Action.ShowCard").Single();
        var input = CardTests.FindAll(showCard, "Input.Text").Single();
        var save = CardTests.FindAll(showCard, "Action.Execute").Single();
        var delete = CardTests.FindAll(card, "Action.Execute").Single(a => a["title"]!.GetValue<string>() == "Delete");
        Assert.That(showCard["title"]!.GetValue<string>(), Is.EqualTo("Edit"));
        Assert.That(input["value"]!.GetValue<string>(), Is.EqualTo("how feature flags decouple deploys #flags 30m"));
        await NodeChecks.AssertValidCardsAsync([card]);

        // Teams merges the input's value into the clicked action's data.
        var click = Parse(Teams.CardAction("1732600002202", Ann, save["data"]!["command"]!.GetValue<string>(), replyToId: "1732600002201")).AsObject();
        var data = click["value"]!["action"]!["data"]!.AsObject();
        data["appendInput"] = save["data"]!["appendInput"]!.GetValue<string>();
        data[input["id"]!.GetValue<string>()] = "how flags decouple deploy from release #flags 45m";
        var body = await PostOkAsync(click.ToJsonString());
        var entry = (await LearningsAsync(Ann)).Single();

        Assert.That(body, Does.Contain("Updated"));
        Assert.That((entry.Text, entry.Minutes), Is.EqualTo(("how flags decouple deploy from release", (int?)45)));

        var byBo = await PostOkAsync(Teams.CardAction("1732600002203", Bo, delete["data"]!["command"]!.GetValue<string>(), replyToId: "1732600002201"));
        Assert.That(byBo, Does.Contain("Only the person who logged a learning can delete it"));
        Assert.That(await LearningsAsync(Ann), Has.Count.EqualTo(1));
        var byAnn = await PostOkAsync(Teams.CardAction("1732600002204", Ann, delete["data"]!["command"]!.GetValue<string>(), replyToId: "1732600002201"));
        Assert.That(byAnn, Does.Contain("Deleted"));
        Assert.That(await LearningsAsync(Ann), Is.Empty);
    }
}
