using System.Text.Json;
using System.Text.Json.Nodes;

namespace LearningBot.Teams.Tests;

/// <summary>Activities shaped like the ones Teams posts to a bot's messaging endpoint (captured field for field).</summary>
public sealed class TeamsActivities(string serviceUrl)
{
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public const string BotId = "28:00000000-0000-0000-0000-0000000b0701";
    public const string TeamThreadId = "19:2b1c7e5f3d9a4f0e8c6b@thread.tacv2";
    public const string ChannelConversationId = TeamThreadId + ";messageid=1732600000000";

    public static readonly Person Ann = new("29:1AnnTeamsUserId", "Ann Lee", "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa");
    public static readonly Person Bo = new("29:1BoTeamsUserId", "Bo Chen", "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb");

    public sealed record Person(string Id, string Name, string AadObjectId)
    {
        public string PersonalConversationId => "a:1personal-" + Id[3..];
    }

    public static string PersonalConversationOf(Person person) => person.PersonalConversationId;

    /// <summary>A channel message that @mentions the bot (and optionally people), as Teams sends it.</summary>
    public string ChannelMessage(string id, Person from, string text, params Person[] mentioned)
    {
        var entities = new JsonArray
        {
            Mention(BotId, "LearningBot"),
        };
        foreach (var person in mentioned)
        {
            entities.Add(Mention(person.Id, person.Name));
        }

        entities.Add(new JsonObject { ["type"] = "clientInfo", ["locale"] = "en-US", ["country"] = "US", ["platform"] = "Web", ["timezone"] = "Europe/Berlin" });
        var activity = Base("message", id, from, new JsonObject
        {
            ["isGroup"] = true, ["conversationType"] = "channel", ["tenantId"] = TenantId, ["id"] = ChannelConversationId,
        });
        activity["textFormat"] = "plain";
        activity["text"] = "<at>LearningBot</at> " + text;
        activity["entities"] = entities;
        activity["channelData"] = ChannelData(team: true);
        activity["locale"] = "en-US";
        return activity.ToJsonString();
    }

    public string PersonalMessage(string id, Person from, string text)
    {
        var activity = Base("message", id, from, new JsonObject
        {
            ["conversationType"] = "personal", ["tenantId"] = TenantId, ["id"] = from.PersonalConversationId,
        });
        activity["textFormat"] = "plain";
        activity["text"] = text;
        activity["entities"] = new JsonArray { new JsonObject { ["type"] = "clientInfo", ["locale"] = "en-US" } };
        activity["channelData"] = ChannelData(team: false);
        return activity.ToJsonString();
    }

    /// <summary>The bot was added to a team (eventType teamMemberAdded) or to a personal chat.</summary>
    public string BotAdded(string id, Person by, bool personal = false)
    {
        var activity = Base("conversationUpdate", id, by, personal
            ? new JsonObject { ["conversationType"] = "personal", ["tenantId"] = TenantId, ["id"] = by.PersonalConversationId }
            : new JsonObject { ["isGroup"] = true, ["conversationType"] = "channel", ["tenantId"] = TenantId, ["id"] = TeamThreadId });
        activity["membersAdded"] = new JsonArray { new JsonObject { ["id"] = BotId } };
        var channelData = ChannelData(team: !personal);
        channelData["eventType"] = "teamMemberAdded";
        activity["channelData"] = channelData;
        return activity.ToJsonString();
    }

    /// <summary>The app was uninstalled from a personal chat (installationUpdate, action "remove").</summary>
    public string Uninstalled(string id, Person by)
    {
        var activity = Base("installationUpdate", id, by,
            new JsonObject { ["conversationType"] = "personal", ["tenantId"] = TenantId, ["id"] = by.PersonalConversationId });
        activity["action"] = "remove";
        activity["channelData"] = ChannelData(team: false);
        return activity.ToJsonString();
    }

    public string BotRemoved(string id, Person by)
    {
        var activity = Base("conversationUpdate", id, by,
            new JsonObject { ["isGroup"] = true, ["conversationType"] = "channel", ["tenantId"] = TenantId, ["id"] = TeamThreadId });
        activity["membersRemoved"] = new JsonArray { new JsonObject { ["id"] = BotId } };
        var channelData = ChannelData(team: true);
        channelData["eventType"] = "teamMemberRemoved";
        activity["channelData"] = channelData;
        return activity.ToJsonString();
    }

    /// <summary>An Action.Execute click on a card the bot sent (invoke adaptiveCard/action).</summary>
    public string CardAction(string id, Person from, string command, string replyToId)
    {
        var activity = Base("invoke", id, from, new JsonObject
        {
            ["isGroup"] = true, ["conversationType"] = "channel", ["tenantId"] = TenantId, ["id"] = ChannelConversationId,
        });
        activity["name"] = "adaptiveCard/action";
        activity["replyToId"] = replyToId;
        activity["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["id"] = "helped", ["verb"] = "learningbot.command", ["data"] = new JsonObject { ["command"] = command } },
            ["trigger"] = "manual",
        };
        activity["channelData"] = ChannelData(team: true);
        return activity.ToJsonString();
    }

    /// <summary>An Action.Submit click (older clients): a message with no text whose value is the button's data.</summary>
    public string CardSubmit(string id, Person from, string command, string replyToId)
    {
        var activity = Base("message", id, from, new JsonObject
        {
            ["isGroup"] = true, ["conversationType"] = "channel", ["tenantId"] = TenantId, ["id"] = ChannelConversationId,
        });
        activity["replyToId"] = replyToId;
        activity["value"] = new JsonObject { ["command"] = command };
        activity["channelData"] = ChannelData(team: true);
        return activity.ToJsonString();
    }

    public string ExtensionQuery(string id, Person from, string query, string commandId = "searchAnswers")
    {
        var activity = Base("invoke", id, from, new JsonObject
        {
            ["isGroup"] = true, ["conversationType"] = "channel", ["tenantId"] = TenantId, ["id"] = ChannelConversationId,
        });
        activity["name"] = "composeExtension/query";
        activity["value"] = new JsonObject
        {
            ["commandId"] = commandId,
            ["parameters"] = new JsonArray { new JsonObject { ["name"] = "query", ["value"] = query } },
            ["queryOptions"] = new JsonObject { ["skip"] = 0, ["count"] = 25 },
        };
        activity["channelData"] = ChannelData(team: true);
        return activity.ToJsonString();
    }

    public string ExtensionSave(string id, Person from, string messageId, string html, string question, string tags)
    {
        var activity = Base("invoke", id, from, new JsonObject
        {
            ["isGroup"] = true, ["conversationType"] = "channel", ["tenantId"] = TenantId, ["id"] = ChannelConversationId,
        });
        activity["name"] = "composeExtension/submitAction";
        activity["value"] = new JsonObject
        {
            ["commandId"] = "saveAnswer",
            ["commandContext"] = "message",
            ["data"] = new JsonObject { ["question"] = question, ["tags"] = tags },
            ["context"] = new JsonObject { ["theme"] = "default" },
            ["messagePayload"] = new JsonObject
            {
                ["id"] = messageId,
                ["messageType"] = "message",
                ["createdDateTime"] = "2026-11-24T09:00:00.000Z",
                ["importance"] = "normal",
                ["locale"] = "en-US",
                ["from"] = new JsonObject { ["user"] = new JsonObject { ["id"] = Bo.AadObjectId, ["displayName"] = Bo.Name, ["userIdentityType"] = "aadUser" } },
                ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = html },
                ["attachments"] = new JsonArray(),
                ["mentions"] = new JsonArray(),
            },
        };
        activity["channelData"] = ChannelData(team: true);
        return activity.ToJsonString();
    }

    private JsonObject Base(string type, string id, Person from, JsonObject conversation) => new()
    {
        ["type"] = type,
        ["id"] = id,
        ["timestamp"] = "2026-11-24T09:00:00.000Z",
        ["localTimestamp"] = "2026-11-24T10:00:00.000+01:00",
        ["serviceUrl"] = serviceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = from.Id, ["name"] = from.Name, ["aadObjectId"] = from.AadObjectId },
        ["conversation"] = conversation,
        ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "LearningBot" },
    };

    private static JsonObject Mention(string id, string name) => new()
    {
        ["type"] = "mention",
        ["text"] = $"<at>{name}</at>",
        ["mentioned"] = new JsonObject { ["id"] = id, ["name"] = name },
    };

    private static JsonObject ChannelData(bool team)
    {
        var data = new JsonObject { ["tenant"] = new JsonObject { ["id"] = TenantId } };
        if (team)
        {
            data["teamsChannelId"] = TeamThreadId;
            data["teamsTeamId"] = TeamThreadId;
            data["channel"] = new JsonObject { ["id"] = TeamThreadId, ["name"] = "General" };
            data["team"] = new JsonObject { ["id"] = TeamThreadId, ["name"] = "Platform team", ["aadGroupId"] = "cccccccc-3333-4333-8333-cccccccccccc" };
        }

        return data;
    }

    public static JsonNode Parse(string json) => JsonNode.Parse(json) ?? throw new JsonException("empty");
}
