using System.Text.Json.Nodes;
using static LearningBot.Teams.Tests.TeamsActivities;

namespace LearningBot.Teams.Tests.Authentication;

/// <summary>
/// Admins (Teams:AdminUserIds) are Entra object ids, matched against <c>from.aadObjectId</c> only. <c>from.id</c> is a
/// per-bot Teams id that some callers write themselves, so a sender whose <c>from.id</c> equals an admin's object id is
/// not an admin. Commands arrive as messages, card clicks (Action.Execute and Action.Submit); all are checked.
/// </summary>
[TestFixture]
public sealed class AdminIdentityTests : SignedTeamsTestBase
{
    private static readonly Person Mallory = new("29:1MalloryTeamsUserId", "Mallory", "eeeeeeee-5555-4555-8555-eeeeeeeeeeee");

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Teams:AdminUserIds:0"] = Ann.AadObjectId,
    };

    public enum Path { Message, CardAction, CardSubmit }

    private string Command(Path path, string id, Person from, string command) => path switch
    {
        Path.Message => Teams.ChannelMessage(id, from, command),
        Path.CardAction => Teams.CardAction(id, from, command, "1732600002000"),
        _ => Teams.CardSubmit(id, from, command, "1732600002000"),
    };

    /// <summary>The reply to the command: the invoke response's card, the updated card, or the posted card.</summary>
    private async Task<string> RunAsync(Path path, string activity)
    {
        var body = await PostSignedOkAsync(activity);
        return path switch
        {
            Path.CardAction => JsonNode.Parse(body)!["value"]!.Text(),
            Path.CardSubmit => Connector.UpdatedActivities.Last().Card!.Text(),
            _ => Connector.SentActivities.Last().Card!.Text(),
        };
    }

    private static string Forged(string activity, string? aadObjectId) =>
        With(activity, from =>
        {
            from["id"] = Ann.AadObjectId; // the admin's object id where the Teams user id belongs
            if (aadObjectId is null)
            {
                from.Remove("aadObjectId");
            }
            else
            {
                from["aadObjectId"] = aadObjectId;
            }
        });

    private static string With(string activity, Action<JsonObject> changeFrom)
    {
        var json = JsonNode.Parse(activity)!.AsObject();
        changeFrom(json["from"]!.AsObject());
        return json.ToJsonString();
    }

    [Test]
    public async Task A_sender_whose_teams_id_is_an_admins_object_id_is_not_an_admin([Values] Path path, [Values] bool withOwnObjectId)
    {
        var activity = Forged(Command(path, "1732600002001", Mallory, "settings budget 42"), withOwnObjectId ? Mallory.AadObjectId : null);

        var reply = await RunAsync(path, activity);

        Assert.That(reply, Does.Contain("Only team admins can change settings"));
        await PostSignedOkAsync(Teams.ChannelMessage("1732600002002", Bo, "settings"));
        Assert.That(Connector.SentActivities.Last().Card!.Text(), Does.Contain("5 per person per week"), "the budget is unchanged");
    }

    [Test]
    public async Task The_configured_object_id_is_an_admin_on_every_path([Values] Path path)
    {
        var reply = await RunAsync(path, Command(path, "1732600002011", Ann, "settings budget 42"));

        Assert.That(reply, Does.Contain("Settings updated").And.Contain("42 per person per week"));
    }

    [Test]
    public async Task A_sender_with_the_admins_teams_id_but_another_object_id_is_not_an_admin()
    {
        // Ann's own Teams user id, someone else's object id: identity follows the object id.
        var activity = With(Teams.ChannelMessage("1732600002021", Mallory, "export team"), from => from["id"] = Ann.Id);

        await PostSignedOkAsync(activity);

        Assert.That(Connector.SentActivities.Last().Card!.Text(), Does.Contain("Only team admins can export"));
    }
}
