using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace LearningBot.Fuzz.Tests;

/// <summary>One test per 5xx or background crash the fuzzers found, with the answer each now gets.</summary>
[TestFixture]
[NonParallelizable]
public sealed class FoundBugRegressionTests
{
    private FuzzHost _host = null!;
    private int _errorsBefore;

    [OneTimeSetUp]
    public void Start() => _host = new FuzzHost();

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [SetUp]
    public void MarkLogs() => _errorsBefore = _host.Logs.Errors.Count();

    [TearDown]
    public async Task NothingFailedInTheBackground()
    {
        await _host.DrainAsync();
        Assert.That(_host.Logs.Errors.Skip(_errorsBefore), Is.Empty);
    }

    private static string Payload(string json) => "payload=" + Uri.EscapeDataString(json);

    [Test]
    public async Task Slack_event_with_duplicate_keys_was_500_and_is_400()
    {
        using var response = await _host.PostSlackAsync("/slack/events",
            Encoding.UTF8.GetBytes("{\"type\":\"event_callback\",\"type\":\"url_verification\",\"challenge\":\"x\"}"), "application/json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Slack_interaction_with_duplicate_keys_was_500_and_is_400()
    {
        using var response = await _host.PostSlackAsync("/slack/interactions",
            Payload("{\"type\":\"block_actions\",\"team\":{\"id\":\"T1\"},\"team\":{\"id\":\"T2\"},\"user\":{\"id\":\"U1\"}}"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [TestCase("{\"type\":\"block_actions\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"},\"actions\":\"x\"}")]
    [TestCase("{\"type\":\"view_submission\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"},\"view\":\"x\"}")]
    [TestCase("{\"type\":\"view_submission\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"},\"view\":{\"callback_id\":\"learningbot_kudos\",\"state\":{\"values\":{\"receivers\":{\"users\":{\"selected_users\":[1,null,{}]}},\"reason\":{\"text\":{\"value\":7}}}}}}")]
    [TestCase("{\"type\":\"message_action\",\"callback_id\":\"learningbot_save_shared_answer\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"},\"message\":\"x\"}")]
    public async Task Slack_interaction_fields_of_the_wrong_json_type_were_500_and_are_answered(string payload)
    {
        using var response = await _host.PostSlackAsync("/slack/interactions", Payload(payload));
        Assert.That((int)response.StatusCode, Is.InRange(200, 499), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Kudos_modal_with_wrongly_typed_values_shows_field_errors()
    {
        var payload = "{\"type\":\"view_submission\",\"team\":{\"id\":\"T1\"},\"user\":{\"id\":\"U1\"},\"view\":{\"callback_id\":\"learningbot_kudos\"," +
                      "\"state\":{\"values\":{\"receivers\":{\"users\":{\"selected_users\":[1]}},\"reason\":{\"text\":{\"value\":7}}}}}}";
        using var response = await _host.PostSlackAsync("/slack/interactions", Payload(payload));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That((string?)body["response_action"], Is.EqualTo("errors"));
        Assert.That(body["errors"]!.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "receivers", "reason" }));
    }

    [Test]
    public async Task Slack_tokens_revoked_with_tokens_not_an_object_crashed_in_the_background_and_is_ignored()
    {
        var envelope = new JsonObject
        {
            ["type"] = "event_callback", ["team_id"] = "T1", ["event_id"] = "EvTokens",
            ["event"] = new JsonObject { ["type"] = "tokens_revoked", ["tokens"] = "bot" },
        };
        using var response = await _host.PostSlackAsync("/slack/events", Encoding.UTF8.GetBytes(envelope.ToJsonString()), "application/json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // The teardown checks that the background work did not fail.
    }

    [Test]
    public async Task Teams_activity_without_a_service_url_was_500_and_is_400()
    {
        using var response = await _host.PostAsync("/api/messages", "{\"type\":\"message\",\"conversation\":{\"id\":\"c\"},\"from\":{\"id\":\"u\"},\"text\":\"help\"}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Teams_invoke_with_an_unknown_name_was_501_and_is_400()
    {
        using var response = await _host.PostAsync("/api/messages",
            "{\"type\":\"invoke\",\"name\":\"no/such/invoke\",\"channelId\":\"msteams\",\"serviceUrl\":\"" + _host.ServiceUrl +
            "\",\"conversation\":{\"id\":\"c\",\"tenantId\":\"t1\"},\"from\":{\"id\":\"u\"},\"channelData\":{\"tenant\":{\"id\":\"t1\"}}}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [TestCase("message", "c\\n1")]
    [TestCase("message", "c\\u0000")]
    [TestCase("invoke", "c\\r")]
    public async Task Teams_ids_with_control_characters_were_500_and_are_ignored(string type, string conversationId)
    {
        var sentBefore = _host.Platform.LogEntries.Count();
        using var response = await _host.PostAsync("/api/messages",
            "{\"type\":\"" + type + "\",\"name\":\"adaptiveCard/action\",\"serviceUrl\":\"" + _host.ServiceUrl + "\",\"conversation\":{\"id\":\"" + conversationId +
            "\"},\"from\":{\"id\":\"u\"},\"text\":\"learned x\",\"value\":{\"action\":{\"type\":\"Action.Execute\",\"verb\":\"learningbot.command\",\"data\":{\"command\":\"help\"}}}}");
        Assert.That((int)response.StatusCode, Is.EqualTo(type == "invoke" ? 400 : 200));
        Assert.That(_host.Platform.LogEntries.Count(), Is.EqualTo(sentBefore), "nothing was sent for it");
    }

    [Test]
    public async Task Playground_with_an_unknown_charset_was_500_and_is_415()
    {
        using var response = await _host.PostAsync("/api/playground", "{\"team\":\"a\",\"user\":\"b\",\"text\":\"help\"}", "application/json; charset=nope");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    [Test]
    public async Task Malformed_playground_json_is_400_and_not_logged_as_an_unhandled_error()
    {
        using var response = await _host.PostAsync("/api/playground", "{\"team\":5}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        // The teardown checks that no error was logged for it.
    }

    [Test]
    public void Teams_numbered_list_markers_in_names_are_escaped() =>
        Assert.That((string)LearningBot.Teams.Cards.AdaptiveCardRenderer.Render(new(Core.Replies.ReplyKind.Confirmation, Core.Replies.ReplyAudience.Requester,
            [new Core.Replies.HeadingBlock("1. one")]))["body"]![0]!["text"]!, Is.EqualTo("1\\. one"));
}
